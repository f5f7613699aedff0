#!/usr/bin/env bash
# Installs the newest aws-cdk-lib 2.x on the npm registry (and the newest constructs 10.x) into a folder
# of its own, .cache/cdk-newest/ (gitignored), and prints that folder's path. Reused while it holds those
# versions; node_modules is not touched. CDK_NEWEST_VERSION=2.x.y (and CONSTRUCTS_NEWEST_VERSION=10.x.y)
# override the versions, to reproduce a run.
#
# Used by scripts/test-newest-cdk.sh (the unit tests against it) and bench/run.ts (synth time and memory).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache/cdk-newest"

installed_version() {
  node -p "require('$cache/node_modules/$1/package.json').version" 2>/dev/null || true
}
# Highest of the versions `npm view` prints for a range (it lists them unsorted).
newest() {
  npm view "$1" version --json | node -e '
    const v = [].concat(JSON.parse(require("fs").readFileSync(0, "utf-8")));
    const key = s => s.split(".").map(Number);
    v.sort((a, b) => { const x = key(a), y = key(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    console.log(v[v.length - 1]);'
}

cdk_version=${CDK_NEWEST_VERSION:-$(newest 'aws-cdk-lib@2')}
constructs_version=${CONSTRUCTS_NEWEST_VERSION:-$(newest 'constructs@10')}
if [ "$(installed_version aws-cdk-lib)" != "$cdk_version" ] || [ "$(installed_version constructs)" != "$constructs_version" ]; then
  echo "install-newest-cdk: installing aws-cdk-lib@$cdk_version and constructs@$constructs_version into $cache" >&2
  rm -rf "$cache"
  mkdir -p "$cache"
  printf '{ "private": true, "dependencies": { "aws-cdk-lib": "%s", "constructs": "%s" } }\n' \
    "$cdk_version" "$constructs_version" > "$cache/package.json"
  npm install --prefix "$cache" --no-audit --no-fund --ignore-scripts --no-package-lock --loglevel=error >&2
fi
echo "$cache"
