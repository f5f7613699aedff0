#!/usr/bin/env bash
# A new user's first hour, checked: the app is the one `cdk init app --language typescript` makes,
# run by the CDK CLI that scripts/newest/ records (the newest; what a user gets), so its cdk.json
# (the app command, every feature flag it writes), tsconfig.json, Jest configuration, bin/ and lib/
# are the CLI's own. Every package its package.json names is installed at the exact version
# scripts/newest/'s lock records (aws-cdk-lib, constructs, the CLI, TypeScript, tsx, Jest, ...),
# with cdk-nag and the Guard plugin at the versions this repository tests (pin-app.js), and then the
# npm package that `projen package-all` left in dist/js. The README's first example, its pipeline
# example (with a Hotfix environment and feature environments, so that every lane is there) and its
# validator snippet replace the app's bin/ file (compose-app.js takes them from the README), and
# `npx cdk synth '**'` runs as the README says, with no AWS credentials (list-findings.js lists the
# validation report's findings):
# - as it is: any validator finding on a resource the library made fails the test (findings.js);
#   the CLI must name every finding of the report, exit 0 when there is none and non-zero only over
#   findings (the example's own role, Dev/Api, has three, which the user answers as the README shows:
#   appended here, so the run has none); and a gate of the pipeline that IAM does not hold fails it, as the policy simulator
#   decides it on cdk.out (simulate.ts), and so does a Scheduler target, aws or cdk call or SDK
#   command that AWS's definitions do not hold (test/aws-definitions/check.py);
# - with a planted finding (added here, not in the README): a bucket with no public access block
#   and no TLS-only policy, in a stack of QA's stage. The CLI must exit non-zero and name it, the
#   report must have SafetyChecks' bucket-public-access-and-tls finding on it, and otherwise the
#   same findings as the first run.
set -euo pipefail
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/test/consumer"
newest="$root/scripts/newest"
version=$(node -p "require('$root/package.json').version")
tarball="$root/dist/js/cdk-multi-env@$version.jsii.tgz"
[ -f "$tarball" ] || { echo "no $tarball: run npx projen package:js"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/cdk-multi-env-consumer.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
# The version of a package installed in the current folder (read from its file: some packages'
# "exports" do not expose package.json).
installed() { node -p "require('./node_modules/$1/package.json').version"; }

echo "== the CDK CLI that scripts/newest/ records, from its lock, in $work/cli"
# What a user gets today, as of the last `npx projen upgrade:newest`: exactly the lock, any day.
mkdir "$work/cli"
cp "$newest/package.json" "$newest/package-lock.json" "$work/cli/"
(cd "$work/cli" && npm ci --no-audit --no-fund --loglevel=error)

app="$work/consumer-app"
echo "== cdk init app --language typescript, by that CLI, in $app"
mkdir "$app"
cd "$app"
# --generate-only: the files, without the npm install (the lock's versions are installed below) or git.
CDK_DISABLE_CLI_TELEMETRY=true "$work/cli/node_modules/.bin/cdk" init app --language typescript --generate-only \
  > "$work/init.log" 2>&1 || { cat "$work/init.log"; echo "FAIL cdk init"; exit 1; }
# The app's file, as its cdk.json runs it (npx tsc && npx tsx bin/<app>.ts).
command=$(node -p "require('./cdk.json').app")
entry=$(node -p "process.argv[1].match(/\bbin\/[^ ]+\.ts\b/)?.[0] ?? ''" "$command")
[ -f "$entry" ] || { echo "FAIL cdk.json's app ($command) runs no bin/*.ts that cdk init wrote"; exit 1; }
echo "$(find . -type f | wc -l) files; cdk.json: $(node -p "Object.keys(require('./cdk.json').context).length") feature flags, app: $command"

echo "== the app's packages at the versions scripts/newest/ records, the validators, the packed package"
# Every package cdk init's package.json names, at the version scripts/newest/ records, and the
# validators (pin-app.js); then exactly scripts/newest/'s lock.
node "$here/pin-app.js" "$root"
cp "$newest/package-lock.json" .
npm ci --no-audit --no-fund --loglevel=error
npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
echo "aws-cdk-lib $(installed aws-cdk-lib), CDK CLI $(npx cdk --version), TypeScript $(installed typescript)," \
  "tsx $(installed tsx), @types/node $(installed @types/node), constructs $(installed constructs)," \
  "cdk-nag $(installed cdk-nag), cfn-guard plugin $(installed @cdklabs/cdk-validator-cfnguard), cdk-multi-env $(installed cdk-multi-env)"
node "$here/compose-app.js" "$root/README.md" > "$entry"
# The user's answer to the findings on their own role, as the README shows it after the validator snippet.
cat >> "$entry" <<'TS'
for (const id of ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy']) {
  Validations.of(role).acknowledge({ id, reason: 'The role has one policy, the grants of the environment configuration' });
}
TS

# `npx cdk synth '**'` with no AWS credentials, into an output folder; its exit status in $status.
synth() {
  status=0
  env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_CLI_TELEMETRY=true \
    npx cdk synth '**' --quiet --no-notices --output "$1" > "$1.log" 2>&1 || status=$?
  templates=$(find "$1" -name '*.template.json' 2> /dev/null | wc -l)
  echo "exit status $status, $templates templates"
  [ "$templates" -gt 0 ] || { cat "$1.log"; echo "FAIL the app synthesized no template"; exit 1; }
  node "$here/list-findings.js" "$1" > "$1.findings"
}
# Each construct path of a findings list that the CLI's output ($2) does not name.
unnamed() { cut -f3 "$1" | sort -u | while IFS= read -r at; do grep -qF "$at" "$2" || echo "$at"; done; }

echo "== cdk synth '**' with every validator, no AWS credentials"
synth cdk.out
node "$here/findings.js" cdk.out Dev/Api || { echo "FAIL findings on resources the library made"; exit 1; }
missing=$(unnamed cdk.out.findings cdk.out.log)
[ -z "$missing" ] || { cat cdk.out.log; echo "FAIL the CLI's output does not name the findings on: $missing"; exit 1; }
if [ ! -s cdk.out.findings ]; then
  [ "$status" -eq 0 ] || { cat cdk.out.log; echo "FAIL cdk synth exited $status with no finding"; exit 1; }
else
  [ "$status" -ne 0 ] || { echo "FAIL cdk synth '**' exited 0 over findings"; exit 1; }
  echo "the CLI reports, and exits $status over, $(wc -l < cdk.out.findings) findings on the example's own stack (Dev/Api):"
  sed 's/^/  /' cdk.out.findings
fi

echo "== the pipeline's gates in IAM, decided by the policy simulator on cdk.out"
# The repository's simulator (an AGPL devDependency of the tests), never installed into the app.
(cd "$root" && node_modules/.bin/ts-node --project tsconfig.dev.json test/consumer/simulate.ts "$app/cdk.out") \
  || { echo "FAIL the simulator does not bear out a gate of the pipeline"; exit 1; }

echo "== what the library tells AWS to do in this app, against AWS's definitions (test/aws-definitions/check.py)"
venv=$(bash "$root/scripts/python-env.sh" "$root/test/aws-definitions/requirements.txt")
(cd "$root" && "$venv/bin/python" test/aws-definitions/check.py "$app/cdk.out") | tail -2 \
  || { echo "FAIL a Scheduler target, aws or cdk call or SDK command of the app that AWS's definitions do not hold"; exit 1; }

stack=QA/Planted
planted=$stack/PlantedBucket
echo "== cdk synth '**' again, with a planted finding: $planted, a bucket with no public access block and no TLS-only policy"
cp "$entry" "$work/clean.ts"
{ echo "import { Stack as PlantedStack } from 'aws-cdk-lib';"
  echo "import { CfnBucket as PlantedBucket } from 'aws-cdk-lib/aws-s3';"
  cat "$work/clean.ts"
  echo "// Planted by test/consumer/run.sh: a stack of QA's stage with a bucket that breaks the validators' rules."
  echo "new PlantedBucket(new PlantedStack(qa, 'Planted'), 'PlantedBucket');"; } > "$entry"
synth cdk.planted.out
cp "$work/clean.ts" "$entry"
# The findings of a list under the planted stack ("true") or elsewhere ("false").
under() { awk -F'\t' -v stack="$stack/" -v inside="$1" '(index($3, stack) == 1) == (inside == "true")' "$2"; }
[ "$status" -ne 0 ] || { echo "FAIL cdk synth '**' exited 0 over the planted bucket"; exit 1; }
grep -qF "$planted" cdk.planted.out.log || { cat cdk.planted.out.log; echo "FAIL the CLI's output does not name $planted"; exit 1; }
under true cdk.planted.out.findings > planted.findings
awk -F'\t' -v at="$planted" '$1 == "SafetyChecks" && $2 == "bucket-public-access-and-tls" && $3 == at { found = 1 } END { exit !found }' planted.findings \
  || { echo "FAIL the report has no SafetyChecks bucket-public-access-and-tls finding on $planted"; exit 1; }
[ -z "$(under true cdk.out.findings)" ] || { echo "FAIL the first run has findings under $stack"; exit 1; }
under false cdk.planted.out.findings | cmp -s - cdk.out.findings \
  || { echo "FAIL the planted run's other findings differ from the first run's:"; under false cdk.planted.out.findings | diff cdk.out.findings - || true; exit 1; }
echo "the CLI exits $status and names $planted; the report has $(wc -l < planted.findings) findings under $stack," \
  "from $(cut -f1 planted.findings | sort -u | paste -sd, -), and otherwise the first run's $(wc -l < cdk.out.findings)"
