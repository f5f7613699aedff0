#!/usr/bin/env bash
# Runs the unit tests against the newest aws-cdk-lib 2.x on the npm registry, not the pinned one.
#
#   scripts/test-newest-cdk.sh [jest arguments, e.g. test/monitoring]
#
# The newest 2.x (the highest version the registry serves for `aws-cdk-lib@2`; CDK_NEWEST_VERSION=2.x.y
# overrides it, to reproduce a run) and the newest constructs 10.x are installed into a folder of their
# own, .cache/cdk-newest/ (gitignored), reused while it holds that version; node_modules is not touched.
# Jest then runs with the project's own configuration (package.json "jest", written by projen) plus a
# moduleNameMapper (scripts/jest.newest-cdk.config.js) that sends every `aws-cdk-lib`, `aws-cdk-lib/...`
# and `constructs` import to that folder: the library's code, the tests and the dev dependencies that
# import aws-cdk-lib (cdk-nag, @cdklabs/cdk-validator-cfnguard) alike, so one aws-cdk-lib is loaded.
# test/cdk-version.test.ts checks that. Tests against a snapshot are left out: templates
# legitimately differ between versions (any name with "its snapshot" in it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache/cdk-newest"
cd "$root"

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
  echo "test-newest-cdk: installing aws-cdk-lib@$cdk_version and constructs@$constructs_version into $cache" >&2
  rm -rf "$cache"
  mkdir -p "$cache"
  printf '{ "private": true, "dependencies": { "aws-cdk-lib": "%s", "constructs": "%s" } }\n' \
    "$cdk_version" "$constructs_version" > "$cache/package.json"
  npm install --prefix "$cache" --no-audit --no-fund --ignore-scripts --no-package-lock --loglevel=error >&2
fi
echo "test-newest-cdk: jest against aws-cdk-lib $(installed_version aws-cdk-lib), constructs $(installed_version constructs) (pinned: $(node -p "require('aws-cdk-lib/package.json').version"))" >&2

export CDK_NEWEST_DIR="$cache"
exec npx jest --ci --config scripts/jest.newest-cdk.config.js \
  --testNamePattern '^(?!.*its snapshot)' "$@"
