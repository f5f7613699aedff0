import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EnvironmentTier } from '../../src';
import { environment } from '../support/environments';
import { s3CopyStandIn } from '../support/gate-scripts';
import { actionOf, buildSpecOf, newPipeline } from '../support/pipelines';

/** The SHA-256 of some bytes, as `sha256sum` prints it. */
function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Every file under a directory, by its path relative to it. */
function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)));
}

/**
 * What the change review promises, run for real: the review job's and the deploy's commands, as
 * the pipeline writes them, in bash, in a git repository (the clone of the commit under review)
 * with the synthesized cloud assembly beside it, against a stand-in `aws` that serves the deployed
 * templates from a folder and the hotfix lane's executions from recorded responses. The review
 * script runs as the job runs it (bundled, on the cloudformation-diff this repository tests with);
 * the deploy goes on only where every stack is as reviewed, or where it rolls back.
 */
function reviewedProd() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'change-review-assembly-'));
  const app = new cdk.App({ outdir });
  const prod = environment(app, EnvironmentTier.PROD);
  const workload = new cdk.Stack(prod, 'Workload');
  workload.addDependency(prod.foundation);
  new sns.Topic(workload, 'Orders');
  const pipeline = newPipeline(app);
  const approvers = [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'A', 'a')];
  pipeline.addEnvironment(prod, { approvers, bakeAlarmNames: ['errors'] });
  pipeline.addEnvironment(environment(app, EnvironmentTier.HOTFIX, { cidr: '10.9.0.0/16' }), { approvers });
  const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
  app.synth();
  const review = buildSpecOf(template, actionOf(template, 'prod', 'ChangeReview'));
  const deploy = buildSpecOf(template, actionOf(template, 'prod', 'Deploy'));
  return {
    assembly: outdir,
    foundationTemplate: path.join(prod.outdir, prod.foundation.templateFile),
    baselineTemplate: path.join(prod.outdir, cdk.Stack.of(prod.complianceBaseline!).templateFile),
    reviewCommands: review.phases.build.commands as string[],
    // What runs right before the `cdk deploy`, once the CLI is installed.
    checkCommands: checkBeforeDeploy(deploy.phases.build.commands),
    reviewedStacks: deploy.batch['build-list'][0].env.variables.REVIEWED_STACKS as string,
    // The variables the deploy action passes its builds, as CodePipeline's variables, and those the review exports.
    deployActionVariables: JSON.parse(actionOf(template, 'prod', 'Deploy').Configuration.EnvironmentVariables) as { name: string; value: string }[],
    exported: review.env['exported-variables'] as string[],
    // The deploy build's stack clean-up, with the build's variables: the search after the CLI's install, the deletion after the deploy.
    cleanupCommands: cleanupOf(deploy.phases),
    buildVariables: deploy.batch['build-list'][0].env.variables as Record<string, string>,
  };
}

/** A deploy build's stack clean-up: its install phase after the CLI's install (the search), and its build phase after the deploy (the deletion). */
function cleanupOf(phases: { install: { commands: string[] }; build: { commands: string[] } }): string[] {
  expect(phases.install.commands[0]).toMatch(/^npm install -g aws-cdk@/);
  expect(phases.install.commands[2]).toBe('echo "== StackCleanup of $ENVIRONMENT_NAME =="');
  const deploy = phases.build.commands.findIndex(c => c.startsWith('[ -z "$STACKS" ] || cdk '));
  return [...phases.install.commands.slice(1), ...phases.build.commands.slice(deploy + 1)];
}

/** A deploy build's commands before the `cdk deploy`: its check of the review. */
function checkBeforeDeploy(commands: string[]): string[] {
  const deploy = commands.findIndex(c => c.startsWith('[ -z "$STACKS" ] || cdk '));
  expect(deploy).toBeGreaterThan(0);
  return commands.slice(0, deploy);
}

const {
  assembly, foundationTemplate, baselineTemplate, reviewCommands, checkCommands, reviewedStacks, cleanupCommands, buildVariables,
  deployActionVariables, exported,
} = reviewedProd();

/**
 * The deploy action's variables as CodePipeline resolves them before the build starts
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html#reference-variables-resolution):
 * `#{codepipeline.PipelineExecutionId}` is the execution's, `#{Review_prod.NAME}` what the review exported.
 */
function resolved(execution: string, reviewExported: Record<string, string>): Record<string, string> {
  return Object.fromEntries(deployActionVariables.map(({ name, value }) => [name, value
    .replace('#{codepipeline.PipelineExecutionId}', execution)
    .replace(/#\{Review_prod\.(\w+)\}/g, (_, variable) => {
      expect(exported).toContain(variable);
      return reviewExported[variable];
    })]));
}
const BASELINE = 'shop-baseline-444444444444-eu-west-1';
afterAll(() => fs.rmSync(assembly, { recursive: true, force: true }));

/**
 * A folder with a stand-in `aws` on the PATH, a copy of the cloud assembly (`assembly/`) and a git
 * repository (`repo/`, where the review runs and leaves its output). `get-template` prints
 * `deployed/<stack>.json`, or fails as for a stack that does not exist; the hotfix lane's
 * `list-action-executions` and `list-pipeline-executions` print `history/<command>.json`, or no
 * execution. Drift detection completes at once for a deployed stack, and finds what
 * `drift/<stack>.json` holds (nothing, without it); `describe-stacks` of a region prints
 * `stacks/<region>.json`; `delete-stack` records the stack and region in `deleted.txt`.
 */
function workspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'change-review-'));
  for (const sub of ['bin', 'deployed', 'history', 'repo', 'drift', 'stacks']) fs.mkdirSync(path.join(dir, sub));
  fs.cpSync(assembly, path.join(dir, 'assembly'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bin', 'aws'), [
    '#!/bin/bash',
    'if [ "$1 $2" = "sts assume-role" ] && [ -n "$DENY" ]; then echo "An error occurred (AccessDenied) when calling the AssumeRole operation" >&2; exit 254; fi',
    'if [ "$1 $2" = "sts assume-role" ]; then echo "AKIA SECRET TOKEN"; exit 0; fi',
    // The pipeline's own assets, as its stack's deploy published them (the original assembly, not the copy the job reads).
    ...s3CopyStandIn(assembly),
    'if [ "$1" = "codepipeline" ]; then',
    '  [ "$4" = "Tooling-Delivery-hotfix" ] || { echo "no pipeline $4" >&2; exit 254; }',
    `  if [ -f "${dir}/history/$2.json" ]; then cat "${dir}/history/$2.json"; elif [ "$2" = list-action-executions ]; then echo '{"actionExecutionDetails":[]}'; else echo '{"pipelineExecutionSummaries":[]}'; fi`,
    '  exit 0',
    'fi',
    'CMD="$2"',
    'while [ $# -gt 0 ]; do case "$1" in --stack-name) STACK="$2";; --region) REGION="$2";; esac; shift; done',
    `if [ "$CMD" = describe-stacks ]; then cat "${dir}/stacks/$REGION.json" 2>/dev/null || echo '{"Stacks":[]}'; exit 0; fi`,
    `if [ "$CMD" = delete-stack ]; then echo "$STACK $REGION" >> "${dir}/deleted.txt"; exit 0; fi`,
    'if [ "$CMD" = describe-stack-drift-detection-status ]; then echo DETECTION_COMPLETE; exit 0; fi',
    `if [ "$CMD" = describe-stack-resource-drifts ]; then cat "${dir}/drift/$STACK.json" 2>/dev/null || echo '{"StackResourceDrifts":[]}'; exit 0; fi`,
    `if [ "$CMD" = detect-stack-drift ] && [ -f "${dir}/deployed/$STACK.json" ]; then echo "detection-$STACK"; exit 0; fi`,
    `FILE="${dir}/deployed/$STACK.json"`,
    'if [ -f "$FILE" ]; then cat "$FILE"; else echo "An error occurred (ValidationError): Stack with id $STACK does not exist" >&2; exit 254; fi',
  ].join('\n'), { mode: 0o755 });
  return dir;
}

function run(dir: string, commands: string[], env: Record<string, string>, cwd = path.join(dir, 'repo')) {
  const script = ['set -e', ...commands].join('\n');
  return spawnSync('bash', ['--noprofile', '--norc', '-c', script], {
    cwd,
    // The review job installs cloudformation-diff into $REVIEW_TOOLS: here, this repository's.
    env: {
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      HOME: dir,
      TMPDIR: dir,
      REVIEW_TOOLS: process.cwd(),
      CODEBUILD_SRC_DIR_Synth_Output: path.join(dir, 'assembly'),
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@example.com',
      ...env,
    },
    encoding: 'utf-8',
  });
}

/** Runs git in the workspace's repository; its output. */
function git(dir: string, ...args: string[]): string {
  const result = run(dir, [['git', ...args].map(a => `'${a}'`).join(' ')], {});
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

describe('the change review, run', () => {
  let dir: string;
  beforeEach(() => {
    dir = workspace();
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'the release under review');
    // Foundation and the account baseline are deployed as synthesized, the workload with another resource; the other stacks are new.
    fs.copyFileSync(foundationTemplate, path.join(dir, 'deployed', 'prod-Foundation.json'));
    fs.copyFileSync(baselineTemplate, path.join(dir, 'deployed', `${BASELINE}.json`));
    fs.writeFileSync(path.join(dir, 'deployed', 'prod-Workload.json'), '{"Resources":{"Api":{"Type":"AWS::SQS::Queue"}}}');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** What the review exported, as CodeBuild hands exported variables to CodePipeline. */
  let reviewExported: Record<string, string> = {};
  const review = (execution = 'exec-1') => {
    const result = run(dir, [...reviewCommands, ...exported.map(name => `echo "exported ${name}=$${name}"`), 'echo "summary: $REVIEW_SUMMARY"'],
      { EXECUTION_ID: execution, CODEBUILD_BUILD_URL: `https://eu-west-1.console.aws.amazon.com/codebuild/home?region=eu-west-1#/builds/review:${execution}/view/new` });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    reviewExported = Object.fromEntries([...result.stdout.matchAll(/^exported (\w+)=(.*)$/gm)].map(([, name, value]) => [name, value]));
    return result.stdout.replace(/^exported .*\n/gm, '');
  };
  /** The deploy's check, in execution `execution`, with the variables CodePipeline resolves from the review's. */
  const check = (execution: string, exports = reviewExported) => run(dir, checkCommands, {
    ...resolved(execution, exports),
    REVIEWED_STACKS: reviewedStacks,
    CODEBUILD_SRC_DIR: path.join(dir, 'assembly'),
    CODEBUILD_SRC_DIR_ChangeReview_Review: path.join(dir, 'repo'),
  });

  test('records a fingerprint of every stack, deployed or not yet, every file of the assembly, and exports the digest of that record', () => {
    review();
    const lines = fs.readFileSync(path.join(dir, 'repo', 'deployed-templates.txt'), 'utf-8').trim().split('\n');
    expect(lines.map(l => l.split(' ')[0])).toEqual(['prod-Foundation', BASELINE, 'prod-FoundationBackupCopy', 'prod-Monitoring', 'prod-Workload']);
    expect(lines.every(l => /^\S+ [0-9a-f]{64}$/.test(l))).toBe(true);
    expect(new Set(lines.map(l => l.split(' ')[1])).size).toBe(4); // three templates, and "nothing" for the two new stacks
    const files = fs.readFileSync(path.join(dir, 'repo', 'assembly-files.txt'), 'utf-8').trim().split('\n');
    expect(files.map(l => l.slice(66)).sort()).toEqual(listFiles(path.join(dir, 'assembly')).map(f => `./${f}`).sort());
    expect(files).toContain(`${sha256(fs.readFileSync(foundationTemplate))}  ./${path.relative(assembly, foundationTemplate)}`);
    // The record: the assembly's files, the deployed templates' fingerprints, the listing of the stacks to delete (each file the review's output holds).
    const listed = fs.readdirSync(path.join(dir, 'repo')).filter(f => /^orphans-.*\.txt$/.test(f)).sort();
    expect(listed).toEqual(['orphans-prod-report.txt', 'orphans-prod-summary.txt', 'orphans-prod.txt']);
    const record = ['assembly-files.txt', 'deployed-templates.txt', ...listed].map(f => fs.readFileSync(path.join(dir, 'repo', f)));
    expect(reviewExported).toEqual({
      REVIEW_SUMMARY: expect.any(String),
      REVIEW_DIGEST: sha256(Buffer.concat(record)),
      REVIEWED_IN: 'exec-1',
      REVIEW_URL: 'https://eu-west-1.console.aws.amazon.com/codebuild/home?region=eu-west-1#/builds/review:exec-1/view/new',
    });
  });

  test('prints the review of every stack and exports its summary for the approval', () => {
    const printed = review();
    const text = fs.readFileSync(path.join(dir, 'repo', 'review.txt'), 'utf-8');
    expect(printed).toContain(text);
    expect(text).toContain('  prod-Workload (prod): 1 added, 0 modified, 0 replaced, 1 removed');
    expect(text).toContain('  prod-Foundation (prod): no change');
    expect(text).toMatch(/! deletes AWS::SQS::Queue Api/);
    // The backup copy is new, with a key and a vault whose policies grant and deny.
    expect(printed).toMatch(/summary: prod-Workload: DELETES 1, 1 added, 0 modified; prod-FoundationBackupCopy: IAM BROADENED, new, 2 resource\(s\); prod-Monitoring: IAM BROADENED, new, \d+ resource\(s\); no change: prod-Foundation, shop-baseline-444444444444-eu-west-1\n$/);
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

  test('stops the deploy, naming the file, when the cloud assembly was changed after the review (by an artifact a later push overwrote)', () => {
    review();
    const template = path.relative(assembly, foundationTemplate);
    const copy = path.join(dir, 'assembly', template);
    fs.writeFileSync(copy, fs.readFileSync(copy, 'utf-8').replace('"Resources": {', '"Resources": {"Open":{"Type":"AWS::EC2::SecurityGroup"},'));
    fs.writeFileSync(path.join(dir, 'assembly', 'asset.planted.js'), 'exfiltrate()');
    const result = check('exec-1');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`These files of the cloud assembly are not the ones reviewed (review digest ${reviewExported.REVIEW_DIGEST}): ./${template} ./asset.planted.js `);
    expect(result.stdout).toContain('Nothing was deployed. Release the change again to review it anew.');
  });

  test('stops the deploy when the review\'s output was overwritten to match another assembly and starting state (an artifact written by a later push)', () => {
    review();
    // The forger rewrites the assembly, and the review's record to match it and the stacks as they are now.
    fs.writeFileSync(path.join(dir, 'assembly', 'manifest.json'), '{"version":"forged"}');
    const forged = run(dir, ['cd "$CODEBUILD_SRC_DIR_Synth_Output" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum'], {});
    fs.writeFileSync(path.join(dir, 'repo', 'assembly-files.txt'), forged.stdout);
    fs.writeFileSync(path.join(dir, 'deployed', 'prod-Workload.json'), '{"Resources":{}}');
    fs.writeFileSync(path.join(dir, 'repo', 'deployed-templates.txt'), 'prod-Workload 0000\n');
    const result = check('exec-1');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`The review's record in its output is not the one the review made (review digest ${reviewExported.REVIEW_DIGEST}): it was changed after the review.`);
  });

  test('stops the deploy when no review digest reached it', () => {
    review();
    const result = check('exec-1', { ...reviewExported, REVIEW_DIGEST: '' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('(review digest missing)');
  });

  test('a synth output whose scripts were swapped (a hotfix branch\'s) changes nothing the approver reads: the scripts come from the pipeline', () => {
    const honest = review();
    fs.rmSync(path.join(dir, 'repo', 'summary.txt'));
    // Every script the branch's synth staged says "no change", as a forged review would.
    for (const staged of fs.readdirSync(path.join(dir, 'assembly')).filter(f => f.startsWith('asset.'))) {
      fs.writeFileSync(path.join(dir, 'assembly', staged, 'index.js'), 'require("fs").writeFileSync("summary.txt", "no change")');
    }
    const honestDigest = reviewExported.REVIEW_DIGEST;
    const withoutDigest = (printed: string) => printed.replace(/^Review digest: [0-9a-f]{64} /m, 'Review digest: ');
    expect(withoutDigest(review())).toEqual(withoutDigest(honest));
    expect(fs.readFileSync(path.join(dir, 'repo', 'summary.txt'), 'utf-8')).toMatch(/^prod-Workload: DELETES 1/);
    // What the approval shows differs all the same: the assembly the review read is not the honest one.
    expect(reviewExported.REVIEW_DIGEST).not.toBe(honestDigest);
  });

  test('refuses a script that is not the one the pipeline\'s definition names (the asset bucket written to), and writes no review', () => {
    const result = run(dir, reviewCommands, { EXECUTION_ID: 'exec-1', SWAP_GATE_SCRIPTS: '1' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toMatch(/The gate script s3:\/\/\S+\.zip is not the one this pipeline's definition names \(index\.js sha256 [0-9a-f]{64}\): nothing runs/);
    for (const file of ['summary.txt', 'review.txt']) expect(fs.existsSync(path.join(dir, 'repo', file))).toBe(false);
    expect(result.stdout).not.toContain('Review digest');
  });

  test('fails, recording nothing it could not read, when a role cannot be assumed', () => {
    const result = run(dir, reviewCommands, { EXECUTION_ID: 'exec-1', DENY: '1' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('Review digest');
  });

  test('lets CodePipeline roll the stage back (another execution, with the last good execution\'s review) over stacks it has changed since, only to the assembly reviewed then', () => {
    review();
    fs.writeFileSync(path.join(dir, 'deployed', 'prod-Workload.json'), '{"Resources":{"Api":{},"Broken":{}}}');
    const result = check('exec-2');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Rolling back to the templates reviewed in execution exec-1 (review digest ${reviewExported.REVIEW_DIGEST})`);
    fs.writeFileSync(path.join(dir, 'assembly', 'manifest.json'), '{}');
    expect(check('exec-2').stdout).toContain('These files of the cloud assembly are not the ones reviewed');
  });

  /**
   * A recorded history of the hotfix lane: execution hf-2 deployed `commit` to production; hf-1
   * stopped at the hotfix environment and hf-3 failed in production, so neither counts.
   */
  const recordHotfixLane = (commit: string) => {
    const detail = (execution: string, stageName: string, status: string) => ({
      pipelineExecutionId: execution,
      actionExecutionId: `${execution}-${stageName}`,
      pipelineVersion: 4,
      stageName,
      actionName: 'Deploy',
      startTime: '2026-11-20T09:00:00.000Z',
      lastUpdateTime: '2026-11-20T09:10:00.000Z',
      status,
    });
    fs.writeFileSync(path.join(dir, 'history', 'list-action-executions.json'), JSON.stringify({
      actionExecutionDetails: [detail('hf-3', 'prod', 'Failed'), detail('hf-3', 'hotfix', 'Succeeded'), detail('hf-2', 'prod', 'Succeeded'),
        detail('hf-2', 'hotfix', 'Succeeded'), detail('hf-1', 'hotfix', 'Succeeded')],
    }));
    const summary = (execution: string, status: string, revisionId: string) => ({
      pipelineExecutionId: execution,
      status,
      startTime: '2026-11-20T09:00:00.000Z',
      lastUpdateTime: '2026-11-20T09:40:00.000Z',
      sourceRevisions: [{ actionName: 'acme_shop', revisionId, revisionSummary: 'fix', revisionUrl: 'https://example.com' }],
      trigger: { triggerType: 'CodeStarSourceConnection' },
      executionMode: 'SUPERSEDED',
    });
    fs.writeFileSync(path.join(dir, 'history', 'list-pipeline-executions.json'), JSON.stringify({
      pipelineExecutionSummaries: [summary('hf-3', 'Failed', 'f'.repeat(40)), summary('hf-2', 'Succeeded', commit), summary('hf-1', 'Stopped', 'e'.repeat(40))],
    }));
  };

  /** A commit on branch hotfix/payments, cut from main; main is checked out again. */
  const hotfixFromMain = () => {
    git(dir, 'checkout', '-q', '-b', 'hotfix/payments');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'the hotfix');
    const hotfix = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'checkout', '-q', 'main');
    return hotfix;
  };

  test('reports first, in the review and its summary, a commit the hotfix lane took to production that the release does not contain', () => {
    const base = git(dir, 'rev-parse', 'HEAD');
    const hotfix = hotfixFromMain();
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'a feature, without the hotfix');
    const release = git(dir, 'rev-parse', 'HEAD');
    expect(git(dir, 'merge-base', 'HEAD', hotfix)).toBe(base);
    recordHotfixLane(hotfix);

    const printed = review();
    const text = fs.readFileSync(path.join(dir, 'repo', 'review.txt'), 'utf-8').split('\n');
    expect(text.slice(2, 4)).toEqual([
      'WOULD UNDO WHAT THE HOTFIX LANE TOOK TO PRODUCTION',
      `  ! commit ${hotfix} (deployed by execution hf-2) is not in commit ${release}: this release would undo it. Merge it into this branch, then release again.`,
    ]);
    expect(printed).toContain(`summary: WOULD UNDO HOTFIX LANE COMMIT(S) ${hotfix.slice(0, 7)}; prod-Workload: `);
  });

  test('passes a release that contains every commit the hotfix lane took to production', () => {
    const hotfix = hotfixFromMain();
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'a feature');
    git(dir, 'merge', '-q', '--no-edit', 'hotfix/payments');
    const release = git(dir, 'rev-parse', 'HEAD');
    recordHotfixLane(hotfix);

    const printed = review();
    const text = fs.readFileSync(path.join(dir, 'repo', 'review.txt'), 'utf-8').split('\n');
    expect(text.slice(2, 4)).toEqual(['HOTFIX LANE', `  every commit it took to production (1) is in commit ${release}`]);
    expect(printed).not.toContain('WOULD UNDO');
  });

  test('shows first, in the review and its summary, each resource of a deployed stack changed by hand, which the deploy would set back', () => {
    fs.writeFileSync(path.join(dir, 'drift', 'prod-Foundation.json'), JSON.stringify({
      StackResourceDrifts: [{
        StackId: 'arn:aws:cloudformation:eu-west-1:444444444444:stack/prod-Foundation/1',
        LogicalResourceId: 'NetworkApplicationSecurityGroup',
        PhysicalResourceId: 'sg-0123456789abcdef0',
        ResourceType: 'AWS::EC2::SecurityGroup',
        ExpectedProperties: '{"SecurityGroupIngress":[]}',
        ActualProperties: '{"SecurityGroupIngress":[{"CidrIp":"0.0.0.0/0","FromPort":22,"IpProtocol":"tcp","ToPort":22}]}',
        PropertyDifferences: [{ PropertyPath: '/SecurityGroupIngress/0', ExpectedValue: 'null', ActualValue: '{"CidrIp":"0.0.0.0/0"}', DifferenceType: 'ADD' }],
        StackResourceDriftStatus: 'MODIFIED',
        Timestamp: '2026-11-30T05:40:12.345Z',
      }],
    }));
    const printed = review();
    const text = fs.readFileSync(path.join(dir, 'repo', 'review.txt'), 'utf-8').split('\n');
    const attention = text.indexOf('NEEDS ATTENTION');
    expect(text.slice(attention + 1, attention + 3)).toEqual([
      '  prod-Foundation (prod)',
      '    ! AWS::EC2::SecurityGroup NetworkApplicationSecurityGroup was changed outside the pipeline (/SecurityGroupIngress/0 add): the deploy sets it back to the template',
    ]);
    expect(printed).toMatch(/summary: prod-Foundation: DRIFTED 1, 0 added, 0 modified; prod-Workload: DELETES 1/);
  });

  test('says so, in the review and its summary, where drift could not be checked', () => {
    // A role without DetectStackDrift: the stand-in refuses the detection of the workload.
    const aws = path.join(dir, 'bin', 'aws');
    fs.writeFileSync(aws, fs.readFileSync(aws, 'utf-8').replace('#!/bin/bash\n',
      '#!/bin/bash\nif [ "$2" = detect-stack-drift ] && [ "$6" = prod-Workload ]; then echo "An error occurred (AccessDenied) when calling the DetectStackDrift operation" >&2; exit 254; fi\n'));
    const printed = review();
    expect(printed).toContain('! drift could not be checked before the review: An error occurred (AccessDenied) when calling the DetectStackDrift operation');
    expect(printed).toMatch(/summary: prod-Workload: DRIFT NOT CHECKED, DELETES 1/);
  });

  /** The stacks of Prod's region: Prod's own (one the app no longer has, one of those protected), another app's, QA's. */
  const recordStacks = (...extra: string[]) => {
    const stack = (name: string, tags: Record<string, string>, protectedStack = false) => ({
      StackId: `arn:aws:cloudformation:eu-west-1:444444444444:stack/${name}/0f3c2a10-7b1e-11ef-9a4d-0a1b2c3d4e5f`,
      StackName: name,
      StackStatus: 'UPDATE_COMPLETE',
      CreationTime: '2026-10-02T09:14:27.512Z',
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      EnableTerminationProtection: protectedStack,
    });
    const prodTags = { 'Environment': 'prod', 'Tier': 'prod', 'cdk-multi-env:app': 'shop' };
    fs.writeFileSync(path.join(dir, 'stacks', 'eu-west-1.json'), JSON.stringify({
      Stacks: [
        stack('prod-Foundation', prodTags, true),
        stack(BASELINE, prodTags, true),
        stack('prod-Reports', prodTags),
        stack('prod-Archive', prodTags, true),
        stack('prod-Batch', { ...prodTags, 'cdk-multi-env:app': 'billing' }),
        stack('qa-Reports', { ...prodTags, Environment: 'qa' }),
        ...extra.map(name => stack(name, prodTags)),
      ],
    }));
  };

  test('lists, in the review and its summary, the stacks Prod no longer has; the deploy after the approval deletes those and no others', () => {
    recordStacks();
    const printed = review();
    const text = fs.readFileSync(path.join(dir, 'repo', 'review.txt'), 'utf-8');
    expect(text).toContain([
      'STACKS THE APP NO LONGER HAS',
      '  prod: 2 stack(s) of the environment that the app no longer has (tagged cdk-multi-env:app and Environment):',
      '    prod-Reports: deleted after the approval',
      '    prod-Archive: termination protection is on, not deleted; turn it off by hand to let the pipeline delete it',
    ].join('\n'));
    expect(printed).toMatch(/summary: prod: 2 stack\(s\) the app no longer has \(1 to delete after approval, 1 protected\): prod-Reports, prod-Archive; prod-Workload: /);

    // A stack that became an orphan after the review was not approved: it is left for the next one.
    recordStacks('prod-Late');
    const result = run(dir, cleanupCommands, { ...buildVariables, CODEBUILD_SRC_DIR_ChangeReview_Review: path.join(dir, 'repo') });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'deleted.txt'), 'utf-8')).toBe('prod-Reports eu-west-1\n');
    expect(result.stdout).toContain('prod-Late: found after the approval: listed for the next one, not deleted');
  });
});
