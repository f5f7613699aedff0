#!/usr/bin/env bash
# Makes a virtualenv holding exactly a frozen requirements file, and prints its path:
#
#   scripts/python-env.sh <requirements.txt>
#
# The virtualenv is kept in the machine's cache (${XDG_CACHE_HOME:-~/.cache}/cdk-multi-env/venv-<hash>),
# named after the file's content: a later run, or another clone on the same machine, reuses it while
# the file is the same, and a changed file gets a new one. Every package comes from the file, none
# from pip's resolver (--no-deps, then `pip check`); a virtualenv whose install did not finish is made
# again. Used by scripts/cfn-lint.sh and test/bindings/run.sh.
set -euo pipefail

requirements=${1:?usage: scripts/python-env.sh <requirements.txt>}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-multi-env"
venv="$cache/venv-$(sha256sum "$requirements" | cut -c1-16)"
if [ ! -f "$venv/.complete" ]; then
  echo "python-env: installing $requirements into $venv" >&2
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements" >&2
  "$venv/bin/python" -m pip check >&2
  touch "$venv/.complete"
fi
echo "$venv"
