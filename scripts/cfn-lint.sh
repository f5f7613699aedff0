#!/usr/bin/env bash
# Lints every CloudFormation template of a cloud assembly with cfn-lint, the CloudFormation linter.
#
#   scripts/cfn-lint.sh <assembly-dir> [cfn-lint arguments, e.g. --format json]
#
# cfn-lint is a Python tool: it is installed from PyPI, at the pinned version below, into a
# virtualenv of its own (.cache/cfn-lint/, gitignored); nothing is installed by hand. The virtualenv
# is reused while it holds that version. Every `*.template.json` is linted, nested stage assemblies
# (assembly-*/) and the cross-region support stack included, against every region the assembly's
# stacks deploy to, with the rules .cfnlintrc.yaml configures. Exits non-zero on any error and on
# any warning the configuration does not ignore with a reason.
set -euo pipefail

version=1.58.0

root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.cache/cfn-lint"
assembly=${1:?usage: scripts/cfn-lint.sh <assembly-dir> [cfn-lint arguments]}
shift
[ -d "$assembly" ] || { echo "cfn-lint: no assembly directory '$assembly'" >&2; exit 2; }

installed=$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("cfn-lint"))' 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
  echo "cfn-lint: installing cfn-lint==$version into $venv" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "cfn-lint==$version" >&2
fi

mapfile -t templates < <(find "$assembly" -name '*.template.json' | sort)
[ "${#templates[@]}" -gt 0 ] || { echo "cfn-lint: no template under '$assembly'" >&2; exit 2; }

# The regions of the stacks (aws://account/region in the manifests of the assembly and its nested
# assemblies); cfn-lint checks resource types and properties against each. Region-agnostic stacks
# leave cfn-lint's default (us-east-1).
mapfile -t regions < <(find "$assembly" -name manifest.json -exec cat {} + \
  | grep -o '"environment": *"aws://[^/"]*/[^"]*"' | sed 's#.*/##; s#"$##' | grep -v '^unknown-region$' | sort -u || true)
region_args=()
[ "${#regions[@]}" -eq 0 ] || region_args=(--regions "${regions[@]}")

echo "cfn-lint $version: ${#templates[@]} templates under $assembly, regions: ${regions[*]:-default}" >&2
status=0
"$venv/bin/cfn-lint" --config-file "$root/.cfnlintrc.yaml" "${region_args[@]}" "$@" -- "${templates[@]}" || status=$?
if [ "$status" -eq 0 ]; then
  echo "cfn-lint: no finding in ${#templates[@]} templates" >&2
fi
exit "$status"
