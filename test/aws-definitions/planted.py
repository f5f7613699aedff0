"""Proves that check.py finds what it is there to find, on the reference app's own output.

    python test/aws-definitions/planted.py <the reference app's cloud assembly, cdk.out>

Each planted case copies one template that the reference app's synthesis wrote (or one of the
library's scripts in assets/pipeline/) into a directory of its own, changes one thing in it, and runs
check.py's check over that directory: the case passes when a finding names the changed resource (or
the script's line) and the fix. Before them, the naming rules that the checks rest on, on the names
the AWS documentation gives. Exits 1 when a case is missed or a rule does not hold.
"""

import json
import sys
import tempfile
from pathlib import Path

from check import ROOT, check, js_client_package, pascal_case, scheduler_service_id, services_by

# name -> what EventBridge Scheduler (the AWS SDK for Java v2) calls the member; the first from
# aws-cdk-lib's Universal example (rds:stopDBCluster with DbClusterIdentifier), BOOL -> Bool from Step
# Functions' AWS SDK integrations of DynamoDB.
PASCAL_CASE = {
    'DBClusterIdentifier': 'DbClusterIdentifier', 'DBInstanceIdentifier': 'DbInstanceIdentifier',
    'resourceTypes': 'ResourceTypes', 'cluster': 'Cluster', 'desiredCount': 'DesiredCount', 'BOOL': 'Bool',
}
# An SDK's name of a service -> botocore's: Scheduler's examples (cognitoidentityprovider, not
# cognito-idp) and the JavaScript SDK v3 packages the library requires.
SERVICES = {
    scheduler_service_id: {'rds': 'rds', 'autoscaling': 'autoscaling', 'inspector2': 'inspector2', 'cognitoidentityprovider': 'cognito-idp'},
    js_client_package: {'client-s3-control': 's3control', 'client-inspector2': 'inspector2', 'client-ec2': 'ec2'},
}


def replace(value, old, new):
    """A template value with `old` replaced by `new` in each of its strings."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: replace(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [replace(v, old, new) for v in value]
    return value


def in_template(kind, contains, change):
    """Plants `change` in the first resource of the type whose properties contain the text; the
    finding must name its logical id."""
    def plant(assembly, work):
        for template_file in sorted(Path(assembly).rglob('*.template.json')):
            template = json.loads(template_file.read_text())
            for logical_id, resource in template['Resources'].items():
                if resource['Type'] == kind and contains in json.dumps(resource['Properties']):
                    resource['Properties'] = change(resource['Properties'])
                    (work / template_file.name).write_text(json.dumps(template, indent=1))
                    return logical_id, []
        raise LookupError(f'no {kind} with {contains} in {assembly}')
    return plant


def in_script(path, old, new):
    """Plants a change in a copy of one of the library's scripts; the finding must name its line."""
    def plant(assembly, work):
        text = (ROOT / path).read_text()
        assert old in text, f'{old} is not in {path}'
        lines = text.split('\n')
        line = next(n for n, l in enumerate(lines, 1) if old in l)
        (work / Path(path).name).write_text(text.replace(old, new))
        return f'line {line}', [str(work / Path(path).name)]
    return plant


def schedule_input(arn_part, old, new):
    return in_template('AWS::Scheduler::Schedule', arn_part, lambda p: {**p, 'Target': {**p['Target'], 'Input': replace(p['Target']['Input'], old, new)}})


def buildspec(contains, old, new):
    return in_template('AWS::CodeBuild::Project', contains, lambda p: replace(p, old, new))


CASES = [
    ('Scheduler input key in the API\'s wire case (Inspector2 enable: resourceTypes)',
     schedule_input(':inspector2:enable', '"ResourceTypes"', '"resourceTypes"'), 'write ResourceTypes, not resourceTypes'),
    ('Scheduler input key in the API\'s wire case (RDS stop: DBInstanceIdentifier)',
     schedule_input(':rds:stopDBInstance', '"DbInstanceIdentifier"', '"DBInstanceIdentifier"'), 'write DbInstanceIdentifier, not DBInstanceIdentifier'),
    ('Scheduler input without a required member (CloudFormation detectStackDrift without StackName)',
     in_template('AWS::Scheduler::Schedule', ':cloudformation:detectStackDrift', lambda p: {**p, 'Target': {**p['Target'], 'Input': '{}'}}), 'add StackName'),
    ('Scheduler input with an invalid enum value (Inspector2 resource type LAMBDA_FUNCTION)',
     schedule_input(':inspector2:enable', '"LAMBDA"', '"LAMBDA_FUNCTION"'), "not 'LAMBDA_FUNCTION'"),
    ('Scheduler action that does not exist (rds:stopDbInstance)',
     in_template('AWS::Scheduler::Schedule', ':rds:stopDBInstance', lambda p: replace(p, ':rds:stopDBInstance', ':rds:stopDbInstance')),
     'write stopDBInstance, not stopDbInstance'),
    ('aws CLI option that does not exist (s3 cp --quite in a buildspec)',
     buildspec('aws s3 cp --quiet ', 'aws s3 cp --quiet ', 'aws s3 cp --quite '), 'write --quiet, not --quite'),
    ('aws CLI option that does not exist in a job\'s bash functions (describe-stacks --stack-names)',
     in_script('assets/pipeline/jobs/orphans.sh', 'aws cloudformation describe-stacks --region', 'aws cloudformation describe-stacks --stack-names "$STACK" --region'),
     'write --stack-name, not --stack-names'),
    ('cdk flag that does not exist (deploy --exclusive in a buildspec)',
     buildspec('deploy --method=direct', '--exclusively', '--exclusive'), 'write --exclusively, not --exclusive'),
    ('SDK v3 command with a member that does not exist (EnableCommand({ ResourceTypes }) in inline Lambda code)',
     in_template('AWS::Lambda::Function', 'EnableCommand({ resourceTypes', lambda p: replace(p, 'EnableCommand({ resourceTypes', 'EnableCommand({ ResourceTypes')),
     'write resourceTypes, not ResourceTypes'),
    ('aws CLI option that does not exist in a shipped script (review-script --max-item)',
     in_script('assets/pipeline/review/review-script/index.js', '"--max-items"', '"--max-item"'), 'write --max-items, not --max-item'),
]


def main(assembly):
    failed = 0
    for name, expected in PASCAL_CASE.items():
        ok = pascal_case(name) == expected
        failed += not ok
        print(f'{"ok" if ok else "FAILED"}      pascal_case({name}) = {pascal_case(name)} (expected {expected})')
    for rule, names in SERVICES.items():
        for name, expected in names.items():
            actual = services_by(rule).get(name)
            failed += actual != expected
            print(f'{"ok" if actual == expected else "FAILED"}      {rule.__name__}: {name} is botocore\'s {actual} (expected {expected})')
    for name, plant, fix in CASES:
        with tempfile.TemporaryDirectory() as work:
            where, scripts = plant(assembly, Path(work))
            findings, _ = check(work, scripts)
            hits = [f for f in findings if f.where.startswith(where) and fix in f.fix]
        failed += not hits
        print(f'{"found" if hits else "MISSED"}   {name}')
        print(f'        {hits[0] if hits else f"no finding on {where} with the fix {fix!r}"}'.replace('\n', '\n        '))
    print(f'{len(PASCAL_CASE) + sum(map(len, SERVICES.values())) + len(CASES) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ROOT / 'cdk.out'))
