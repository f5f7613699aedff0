#!/usr/bin/env bash
# Moves the pins of what the test command tests against, and runs the tests that read them:
#
#   npx projen upgrade:newest
#
# - scripts/newest/: the newest aws-cdk-lib 2.x and CDK CLI 2.x on the npm registry, and every
#   package that this CLI's `cdk init app --language typescript --generate-only` writes into a new
#   app's package.json (constructs, TypeScript, tsx, @types/node, Jest, ...), each at the newest
#   version its range there allows and in the same section: what a user gets today (test:newest-cdk,
#   test:consumer and the bench install exactly its lock); and the validators at the versions the
#   repository's own lock tests;
# - test/bindings/python/requirements.txt: every Python package of the binding test, frozen (the
#   aws-cdk-lib and constructs of the pin, pytest newest);
# - scripts/cfn-lint-requirements.txt: cfn-lint, newest, and what it needs, frozen;
# - test/aws-definitions/requirements.txt: botocore (the service models) and the AWS CLI v1 (its
#   command tables), newest, and what they need, frozen.
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

echo "== scripts/newest: the newest aws-cdk-lib and CDK CLI, and what that CLI's cdk init writes"
cli=$(newest 'aws-cdk@2')
lib=$(newest 'aws-cdk-lib@2')
# The package.json `cdk init app --language typescript` of that CLI writes for a new app; with
# --lib-version, on the newest aws-cdk-lib even when the CLI's template names an older one. (The
# consumer test runs the recorded CLI's plain `cdk init` and checks these versions satisfy it.)
init=$(mktemp -d)
trap 'rm -rf "$init"' EXIT
mkdir "$init/app"
(cd "$init/app" && CDK_DISABLE_CLI_TELEMETRY=true npm exec --yes --package="aws-cdk@$cli" -- \
  cdk init app --language typescript --generate-only --lib-version "$lib") > "$init/init.log" 2>&1 \
  || { cat "$init/init.log"; exit 1; }
# Each package it names, at the newest version its range allows (what `npm install` gives the
# user that day): section, name, version, one a line.
pins=$(node -e '
  const pkg = require(process.argv[1]);
  for (const section of ["dependencies", "devDependencies"]) {
    for (const [name, range] of Object.entries(pkg[section] ?? {})) console.log([section, name, range].join("\t"));
  }' "$init/app/package.json" | while IFS=$'\t' read -r section name range; do
  printf '%s\t%s\t%s\n' "$section" "$name" "$(newest "$name@$range")"
done)
PINS=$pins NEWEST_CLI=$cli NEWEST_LIB=$lib \
TESTED_NAG=$(installed cdk-nag) \
TESTED_GUARD=$(installed @cdklabs/cdk-validator-cfnguard) \
node -e '
const fs = require("fs");
const file = "scripts/newest/package.json";
const pkg = JSON.parse(fs.readFileSync(file, "utf-8"));
const e = process.env;
// The sections of the new app, so that its package.json, pinned, is in step with this lock; and
// the validators a user adds (npm install cdk-nag @cdklabs/cdk-validator-cfnguard).
pkg.dependencies = {};
pkg.devDependencies = {};
for (const [section, name, version] of e.PINS.split("\n").map(l => l.split("\t"))) pkg[section][name] = version;
Object.assign(pkg.dependencies, { "@cdklabs/cdk-validator-cfnguard": e.TESTED_GUARD, "cdk-nag": e.TESTED_NAG });
const sorted = o => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
pkg.dependencies = sorted(pkg.dependencies);
pkg.devDependencies = sorted(pkg.devDependencies);
const pinned = { ...pkg.dependencies, ...pkg.devDependencies };
for (const [name, version] of [["aws-cdk", e.NEWEST_CLI], ["aws-cdk-lib", e.NEWEST_LIB]]) {
  if (pinned[name] !== version) throw new Error("cdk init of aws-cdk " + e.NEWEST_CLI + " names " + name + " " + pinned[name] + ", not " + version);
}
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
echo "== test/aws-definitions/requirements.txt"
# awscli 1.46 carries its own copy of botocore for its commands; botocore gives the newest service models.
freeze test/aws-definitions/requirements.txt awscli botocore

git --no-pager diff --stat -- scripts/newest test/bindings/python/requirements.txt scripts/cfn-lint-requirements.txt test/aws-definitions/requirements.txt

echo "== the tests that read these pins"
npx projen test:newest-cdk
npx projen package-all
npx projen test:consumer
npx projen test:bindings
npx projen reference:cli
npx projen validate:cfn-lint
npx projen test:aws-definitions
