import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EnvironmentTier } from '../../src';
import { environment } from '../support/environments';
import { actionOf, buildSpecOf, newPipeline } from '../support/pipelines';

/**
 * What the change review promises, run for real: the review job's and the deploy's commands, as
 * the pipeline writes them, in bash, against a stand-in `aws` that serves the deployed templates
 * from a folder. The deploy goes on only where every stack is as reviewed, or where it rolls back.
 */
function reviewedProd() {
  const app = new cdk.App();
  const prod = environment(app, EnvironmentTier.PROD);
  new cdk.Stack(prod, 'Workload').addDependency(prod.foundation);
  const pipeline = newPipeline(app);
  pipeline.addEnvironment(prod, { approvers: [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'A', 'a')], bakeAlarmNames: ['errors'] });
  const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
  const review = buildSpecOf(template, actionOf(template, 'prod', 'ChangeReview'));
  const deploy = buildSpecOf(template, actionOf(template, 'prod', 'Deploy'));
  return {
    // Everything but the `cdk diff` (the CLI is not what is tested here).
    reviewCommands: (review.phases.build.commands as string[]).slice(1),
    // Everything before the `cdk deploy`.
    checkCommands: (deploy.phases.build.commands as string[]).filter(c => !c.startsWith('cdk ') && !c.startsWith('echo "==') && !c.startsWith('./scripts')),
    reviewedStacks: deploy.batch['build-list'][0].env.variables.REVIEWED_STACKS as string,
  };
}

const { reviewCommands, checkCommands, reviewedStacks } = reviewedProd();

/** A folder with a stand-in `aws` on the PATH: `get-template` prints `deployed/<stack>.json`, or fails as for a stack that does not exist. */
function workspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'change-review-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'deployed'));
  fs.mkdirSync(path.join(dir, 'review'));
  fs.writeFileSync(path.join(dir, 'bin', 'aws'), [
    '#!/bin/bash',
    'if [ "$1 $2" = "sts assume-role" ] && [ -n "$DENY" ]; then echo "An error occurred (AccessDenied) when calling the AssumeRole operation" >&2; exit 254; fi',
    'if [ "$1 $2" = "sts assume-role" ]; then echo "AKIA SECRET TOKEN"; exit 0; fi',
    'while [ $# -gt 0 ]; do if [ "$1" = "--stack-name" ]; then STACK="$2"; fi; shift; done',
    `FILE="${dir}/deployed/$STACK.json"`,
    'if [ -f "$FILE" ]; then cat "$FILE"; else echo "An error occurred (ValidationError): Stack with id $STACK does not exist" >&2; exit 254; fi',
  ].join('\n'), { mode: 0o755 });
  return dir;
}

function run(dir: string, commands: string[], env: Record<string, string>) {
  const script = ['set -e', ...commands].join('\n');
  return spawnSync('bash', ['--noprofile', '--norc', '-c', script], {
    cwd: path.join(dir, 'review'),
    env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, HOME: dir, ...env },
    encoding: 'utf-8',
  });
}

describe('the change review, run', () => {
  let dir: string;
  beforeEach(() => {
    dir = workspace();
    // Foundation and workload are deployed; the other stacks are new.
    fs.writeFileSync(path.join(dir, 'deployed', 'prod-Foundation.json'), '{"Resources":{"Vpc":{}}}');
    fs.writeFileSync(path.join(dir, 'deployed', 'prod-Workload.json'), '{"Resources":{"Api":{}}}');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const review = () => {
    const result = run(dir, reviewCommands, { EXECUTION_ID: 'exec-1' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  };
  const check = (execution: string) => run(dir, checkCommands, {
    EXECUTION_ID: execution, REVIEWED_STACKS: reviewedStacks, CODEBUILD_SRC_DIR_ChangeReview_Review: path.join(dir, 'review'),
  });

  test('records a fingerprint of every stack, deployed or not yet, and the execution', () => {
    review();
    const lines = fs.readFileSync(path.join(dir, 'review', 'deployed-templates.txt'), 'utf-8').trim().split('\n');
    expect(lines.map(l => l.split(' ')[0])).toEqual(['prod-Foundation', 'prod-FoundationBackupCopy', 'prod-Monitoring', 'prod-Workload']);
    expect(lines.every(l => /^\S+ [0-9a-f]{64}$/.test(l))).toBe(true);
    expect(new Set(lines.map(l => l.split(' ')[1])).size).toBe(3); // two templates, and "nothing" for the two new stacks
    expect(fs.readFileSync(path.join(dir, 'review', 'execution.txt'), 'utf-8').trim()).toBe('exec-1');
  });

  test('lets the deploy go on when every stack is as reviewed', () => {
    review();
    expect(check('exec-1').status).toBe(0);
  });

  test('stops the deploy, naming the stack, when a stack changed after the review', () => {
    review();
    fs.writeFileSync(path.join(dir, 'deployed', 'prod-Workload.json'), '{"Resources":{"Api":{},"ByHand":{}}}');
    const result = check('exec-1');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('These stacks changed after the review: prod-Workload');
    expect(result.stdout).toContain('Nothing was deployed. Release the change again to review it anew.');
  });

  test('stops the deploy when a stack that did not exist at the review was created since', () => {
    review();
    fs.writeFileSync(path.join(dir, 'deployed', 'prod-Monitoring.json'), '{"Resources":{}}');
    expect(check('exec-1').stdout).toContain('These stacks changed after the review: prod-Monitoring');
  });

  test('fails, recording nothing it could not read, when a role cannot be assumed', () => {
    const result = run(dir, reviewCommands, { EXECUTION_ID: 'exec-1', DENY: '1' });
    expect(result.status).not.toBe(0);
    expect(fs.existsSync(path.join(dir, 'review', 'execution.txt'))).toBe(false);
  });

  test('lets CodePipeline roll the stage back (another execution, with the last good execution\'s review) over stacks it has changed since', () => {
    review();
    fs.writeFileSync(path.join(dir, 'deployed', 'prod-Workload.json'), '{"Resources":{"Api":{},"Broken":{}}}');
    const result = check('exec-2');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Rolling back to the templates reviewed in execution exec-1');
  });
});
