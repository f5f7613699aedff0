#!/usr/bin/env bash
# Holds what the library tells AWS to do against AWS's own published definitions (check.py): the
# EventBridge Scheduler universal targets, `aws` and `cdk` CLI calls and AWS SDK for JavaScript v3
# commands of a synthesized cloud assembly, and the library's shipped scripts (assets/pipeline/);
# then proves the check finds what it is there for, on cases planted in copies of the reference
# app's own templates (planted.py).
#
#   bash test/aws-definitions/run.sh [cloud-assembly-dir]    (default: cdk.out, from npx projen reference:cli)
#
# The Python packages (botocore's service models, awscli's command tables) are those of
# requirements.txt, frozen, in a virtualenv scripts/python-env.sh keeps in the machine's cache; the
# CDK CLI is the lock's (node_modules/.bin/cdk). The planted cases always read the reference app's
# cdk.out. Fails on any finding or any planted case not found.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1 # planted.py imports check.py: no __pycache__ left in the work tree

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
assembly=${1:-cdk.out}
for dir in "$assembly" cdk.out; do
  [ -f "$dir/manifest.json" ] || { echo "$dir is not a cloud assembly: run npx projen reference:cli first"; exit 1; }
done
venv=$(bash scripts/python-env.sh test/aws-definitions/requirements.txt)

status=0
echo "== The calls in $assembly and assets/pipeline/, against AWS's definitions"
"$venv/bin/python" test/aws-definitions/check.py "$assembly" assets/pipeline || status=1
echo
echo "== Planted cases, each in a copy of one of cdk.out's templates or scripts: each must be found"
"$venv/bin/python" test/aws-definitions/planted.py cdk.out || status=1
exit $status
