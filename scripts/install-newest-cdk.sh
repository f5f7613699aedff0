#!/usr/bin/env bash
# Installs the newest releases the test command tests against, as recorded in scripts/newest/
# (package.json and its package-lock.json: aws-cdk-lib, constructs, the CDK CLI, and what the
# consumer app needs), into a folder of its own, .cache/cdk-newest/ (gitignored), and prints that
# folder's path. Nothing is resolved here: `npm ci` installs exactly the lock, so a run of a given
# commit installs the same versions any day. `npx projen upgrade:newest` moves them, in a commit of
# its own. Reused while it holds that lock; the project's node_modules is not touched.
#
# Used by scripts/test-newest-cdk.sh (the unit tests against them) and bench/run.ts (synth time and memory).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pins="$root/scripts/newest"
cache="$root/.cache/cdk-newest"

if ! cmp -s "$pins/package-lock.json" "$cache/package-lock.json" || [ ! -d "$cache/node_modules/aws-cdk-lib" ]; then
  echo "install-newest-cdk: installing scripts/newest/package-lock.json (aws-cdk-lib $(node -p "require('$pins/package.json').dependencies['aws-cdk-lib']")) into $cache" >&2
  rm -rf "$cache"
  mkdir -p "$cache"
  cp "$pins/package.json" "$pins/package-lock.json" "$cache/"
  npm ci --prefix "$cache" --no-audit --no-fund --ignore-scripts --loglevel=error >&2
fi
echo "$cache"
