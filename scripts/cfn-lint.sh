#!/usr/bin/env bash
# Lints every CloudFormation template of a cloud assembly with cfn-lint, the CloudFormation linter.
#
#   scripts/cfn-lint.sh <assembly-dir> [cfn-lint arguments, e.g. --format json]
#
# cfn-lint is a Python tool: it is installed from PyPI into a virtualenv of its own, with every
# package at the version scripts/cfn-lint-requirements.txt records (`npx projen upgrade:newest` moves
# them); nothing is installed by hand, and nothing is resolved at run time. The virtualenv is kept in
# the machine's cache (~/.cache/cdk-multi-env/), one per requirements file, so later runs and other
# clones on the same machine reuse it. Every `*.template.json` is linted, nested stage assemblies
# (assembly-*/) and the cross-region support stack included, against every region the assembly's
# stacks deploy to, with the rules .cfnlintrc.yaml configures. Exits non-zero on any error and on
# any warning the configuration does not ignore with a reason.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
assembly=${1:?usage: scripts/cfn-lint.sh <assembly-dir> [cfn-lint arguments]}
shift
[ -d "$assembly" ] || { echo "cfn-lint: no assembly directory '$assembly'" >&2; exit 2; }
venv=$(bash "$root/scripts/python-env.sh" "$root/scripts/cfn-lint-requirements.txt")
version=$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("cfn-lint"))')

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
