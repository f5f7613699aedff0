#!/usr/bin/env bash
# The event rules judged by AWS's own event-pattern engine: cases.ts synthesizes the reference app
# and writes its detection rules, its delivery record's rules and Dev's bootstrap clean-up rule
# (resolved as CloudFormation deploys them) with the events each must or must not match (CloudTrail
# API calls, CodePipeline and CodeBuild state changes, built by test/support/aws-samples.ts in the
# documented shapes); Event Ruler (software.amazon.event.ruler, the matching EventBridge
# runs), at the version pom.xml records, checks every case. Maven downloads into the machine's
# cache, as test/bindings/run.sh does.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/test/event-rules/.work"
mkdir -p "$work"
npx ts-node --transpile-only --project "$root/tsconfig.dev.json" "$root/test/event-rules/cases.ts" > "$work/cases.json"
cd "$root/test/event-rules"
mvn --batch-mode --quiet -Dmaven.repo.local="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-multi-env/m2" \
  compile exec:java -Dexec.args="$work/cases.json"
