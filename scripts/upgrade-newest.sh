#!/usr/bin/env bash
# Moves the pins of what the test command tests against, and runs the tests that read them:
#
#   npx projen upgrade:newest
#
# - scripts/newest/: the newest aws-cdk-lib 2.x, constructs 10.x and CDK CLI 2.x on the npm registry
#   (what a user gets today; test:newest-cdk, test:consumer and the bench install exactly its lock),
#   with the consumer app's TypeScript toolchain, and the validators at the versions the repository's
#   own lock tests;
# - test/bindings/python/requirements.txt: every Python package of the binding test, frozen (the
#   aws-cdk-lib and constructs of the pin, pytest newest);
# - scripts/cfn-lint-requirements.txt: cfn-lint, newest, and what it needs, frozen.
#
# Nothing else reads the registries for "latest": the test command installs these files as they are,
# so a clone of a given commit tests the same versions any day. Commit what this changes on its own,
# after reading what moved (git diff --stat), so that a red CI always points at a commit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Highest of the versions `npm view` prints for a range (it lists them unsorted).
newest() {
  npm view "$1" version --json | node -e '
    const v = [].concat(JSON.parse(require("fs").readFileSync(0, "utf-8")));
    const key = s => s.split(".").map(Number);
    v.sort((a, b) => { const x = key(a), y = key(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    console.log(v[v.length - 1]);'
}
installed() { node -p "require('$root/node_modules/$1/package.json').version"; }

echo "== scripts/newest: the newest aws-cdk-lib, constructs and CDK CLI"
NEWEST_CDK=$(newest 'aws-cdk-lib@2') \
NEWEST_CONSTRUCTS=$(newest 'constructs@10') \
NEWEST_CLI=$(newest 'aws-cdk@2') \
NEWEST_TYPES_NODE=$(newest '@types/node') \
NEWEST_TS_NODE=$(newest 'ts-node@10') \
NEWEST_TYPESCRIPT=$(newest 'typescript@5') \
TESTED_NAG=$(installed cdk-nag) \
TESTED_GUARD=$(installed @cdklabs/cdk-validator-cfnguard) \
node -e '
const fs = require("fs");
const file = "scripts/newest/package.json";
const pkg = JSON.parse(fs.readFileSync(file, "utf-8"));
const e = process.env;
pkg.dependencies = {
  "@cdklabs/cdk-validator-cfnguard": e.TESTED_GUARD,
  "@types/node": e.NEWEST_TYPES_NODE,
  "aws-cdk": e.NEWEST_CLI,
  "aws-cdk-lib": e.NEWEST_CDK,
  "cdk-nag": e.TESTED_NAG,
  "constructs": e.NEWEST_CONSTRUCTS,
  // The consumer app runs under ts-node, which needs a TypeScript whose compiler is JavaScript (5.x).
  "ts-node": e.NEWEST_TS_NODE,
  "typescript": e.NEWEST_TYPESCRIPT,
};
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");'
rm -f scripts/newest/package-lock.json
(cd scripts/newest && npm install --package-lock-only --no-audit --no-fund --loglevel=error)

# Freezes what pip installs for some requirements into a file: a virtualenv made for the purpose.
freeze() {
  local file=$1; shift
  local venv
  venv=$(mktemp -d)
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  { echo "# Written by scripts/upgrade-newest.sh (npx projen upgrade:newest) from: $*"
    "$venv/bin/python" -m pip freeze --all --exclude pip --exclude setuptools --exclude wheel; } > "$file"
  rm -rf "$venv"
}
echo "== test/bindings/python/requirements.txt"
freeze test/bindings/python/requirements.txt \
  "aws-cdk-lib==$(installed aws-cdk-lib)" "constructs==$(installed constructs)" pytest
echo "== scripts/cfn-lint-requirements.txt"
freeze scripts/cfn-lint-requirements.txt cfn-lint

git --no-pager diff --stat -- scripts/newest test/bindings/python/requirements.txt scripts/cfn-lint-requirements.txt

echo "== the tests that read these pins"
npx projen test:newest-cdk
npx projen package-all
npx projen test:consumer
npx projen test:bindings
npx projen reference:cli
npx projen validate:cfn-lint
