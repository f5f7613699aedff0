#!/usr/bin/env bash
# A new user's first hour, checked: the npm package that `projen package-all` left in dist/js is
# installed into a brand-new CDK app outside the repository, with the newest aws-cdk-lib 2.x and
# CDK CLI (what a user gets, as scripts/newest/ records it), cdk-nag and the Guard plugin, and the cdk.json
# `cdk init` writes (every recommended feature flag); the README's first example, its pipeline
# example (with a Hotfix environment and feature environments, so that every lane is there) and its
# validator snippet are typed in (compose-app.js takes them from the README); `cdk synth` runs with
# no AWS credentials; any validator finding on a resource the library made fails the test
# (findings.js), and so does a gate of the pipeline that IAM does not hold, as the policy simulator
# decides it on cdk.out (simulate.ts). The user's own stack of the example (Dev/Api) may have
# findings: they are the user's to answer.
set -euo pipefail
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/test/consumer"
version=$(node -p "require('$root/package.json').version")
tarball="$root/dist/js/cdk-multi-env@$version.jsii.tgz"
[ -f "$tarball" ] || { echo "no $tarball: run npx projen package:js"; exit 1; }
app=$(mktemp -d "${TMPDIR:-/tmp}/cdk-multi-env-consumer.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$app"' EXIT
cd "$app"
echo "== a new app in $app: the packed package, the newest aws-cdk-lib and CLI as scripts/newest/ records them, the validators"
# What a user gets today, as of the last `npx projen upgrade:newest`: exactly the lock, any day.
cp "$root/scripts/newest/package.json" "$root/scripts/newest/package-lock.json" .
# The validators as this repository tests them (its own lock), so a finding here is about the library.
for validator in cdk-nag @cdklabs/cdk-validator-cfnguard; do
  [ "$(node -p "require('$root/node_modules/$validator/package.json').version")" = "$(node -p "require('./package.json').dependencies['$validator']")" ] \
    || { echo "scripts/newest/package.json does not hold the $validator this repository tests: run npx projen upgrade:newest"; exit 1; }
done
npm ci --no-audit --no-fund --loglevel=error
npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
echo "aws-cdk-lib $(node -p "require('aws-cdk-lib/package.json').version"), CDK CLI $(npx cdk --version), cdk-multi-env $(node -p "require('cdk-multi-env/package.json').version")"
# The compiler options `cdk init app --language typescript` writes.
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "lib": ["es2022"],
    "declaration": true, "strict": true, "noImplicitAny": true, "strictNullChecks": true,
    "noImplicitThis": true, "alwaysStrict": true, "noUnusedLocals": false, "noUnusedParameters": false,
    "noImplicitReturns": true, "noFallthroughCasesInSwitch": false, "inlineSourceMap": true,
    "inlineSources": true, "experimentalDecorators": true, "strictPropertyInitialization": false,
    "skipLibCheck": true, "typeRoots": ["./node_modules/@types"]
  },
  "exclude": ["node_modules", "cdk.out"]
}
JSON
node "$here/compose-app.js" "$root/README.md" > app.ts
# The cdk.json `cdk init` writes: the app, and every feature flag aws-cdk-lib recommends for a new project.
node -e "
const cxapi = require('aws-cdk-lib/cx-api');
const context = { ...cxapi.NEW_PROJECT_DEFAULT_CONTEXT, ...cxapi.CURRENTLY_RECOMMENDED_FLAGS };
require('fs').writeFileSync('cdk.json', JSON.stringify({ app: 'npx ts-node app.ts', context }, null, 2));
console.log(Object.keys(context).length + ' feature flags in cdk.json');"

echo "== cdk synth with every validator, no AWS credentials"
# The validators fail the synthesis on any finding, the user's included: findings.js judges.
status=0
env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
  AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_CLI_TELEMETRY=true npx cdk synth --quiet --no-notices > synth.log 2>&1 || status=$?
templates=$(find cdk.out -name '*.template.json' 2> /dev/null | wc -l)
echo "exit status $status, $templates templates"
[ "$templates" -gt 0 ] || { cat synth.log; echo "FAIL the app synthesized no template"; exit 1; }
node "$here/findings.js" cdk.out Dev/Api || { echo "FAIL findings on resources the library made"; exit 1; }

echo "== the pipeline's gates in IAM, decided by the policy simulator on cdk.out"
# The repository's simulator (an AGPL devDependency of the tests), never installed into the app.
(cd "$root" && node_modules/.bin/ts-node --project tsconfig.dev.json test/consumer/simulate.ts "$app/cdk.out") \
  || { echo "FAIL the simulator does not bear out a gate of the pipeline"; exit 1; }
