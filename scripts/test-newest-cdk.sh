#!/usr/bin/env bash
# Runs the unit tests against the newest aws-cdk-lib 2.x as scripts/newest/ records it, not the pinned one.
#
#   scripts/test-newest-cdk.sh [jest arguments, e.g. test/monitoring]
#
# scripts/install-newest-cdk.sh installs scripts/newest/'s lock into .cache/cdk-newest/.
# Jest then runs with the project's own configuration (package.json "jest", written by projen) plus a
# moduleNameMapper (scripts/jest.newest-cdk.config.js) that sends every `aws-cdk-lib`, `aws-cdk-lib/...`
# and `constructs` import to that folder: the library's code, the tests and the dev dependencies that
# import aws-cdk-lib (cdk-nag, @cdklabs/cdk-validator-cfnguard) alike, so one aws-cdk-lib is loaded.
# test/cdk-version.test.ts checks that. Tests against a snapshot are left out: templates
# legitimately differ between versions (any name with "its snapshot" in it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cache=$(bash scripts/install-newest-cdk.sh)
version() { node -p "require('$1/package.json').version"; }
echo "test-newest-cdk: jest against aws-cdk-lib $(version "$cache/node_modules/aws-cdk-lib"), constructs $(version "$cache/node_modules/constructs") (pinned: $(version aws-cdk-lib))" >&2

export CDK_NEWEST_DIR="$cache"
# aws-cdk-lib's built-in CloudFormation Validate (2.27x on) checks every template of every synth
# against the resource schemas and only warns: in a thousand unit tests it asserted nothing and doubled
# the run. It is off here, and on and strict in test/validation/cloudformation-validate.test.ts.
export CDK_VALIDATION=false
exec npx jest --ci --config scripts/jest.newest-cdk.config.js \
  --testNamePattern '^(?!.*its snapshot)' "$@"
