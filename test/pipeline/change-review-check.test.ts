import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { EnvironmentTier } from '../../src';
import { SIGNAL_READY } from '../../src/pipeline/awaited-actions';
import { FETCH_BUNDLE } from '../../src/pipeline/private/checked-bundle';
import {
  accessDenied, artifactsOf, assumeRole, describeStackResourceDrifts, describeStacks, DescribedStackSample, detectStackDrift,
  driftDetectionStatus, getTemplate, listActionExecutions, listPipelineExecutions, PipelineRun, stackIdOf, stackNotFound, stackResourceDrift, uuidOf,
} from '../support/aws-samples';
import { resolve } from '../support/deployed-policies';
import { environment } from '../support/environments';
import { s3CopyStandIn } from '../support/gate-scripts';
import { actionOf, actionVariablesOf, buildSpecOf, newPipeline } from '../support/pipelines';

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
 * with the synthesized cloud assembly beside it, against a stand-in `aws` that answers as AWS
 * would for the account the test sets up (`Account`, below). The review script runs as the job
 * runs it (bundled, on the cloudformation-diff this repository tests with); the deploy goes on only
 * where every stack is as reviewed, or where it rolls back.
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
  const hotfix = environment(app, EnvironmentTier.HOTFIX, { cidr: '10.9.0.0/16' });
  pipeline.addEnvironment(hotfix, { approvers });
  const tooling = cdk.Stack.of(pipeline);
  const template = Template.fromStack(tooling).toJSON();
  const stacks = artifactsOf(prod);
  const review = buildSpecOf(template, actionOf(template, 'prod', 'ChangeReview'));
  const deploy = buildSpecOf(template, actionOf(template, 'prod', 'Deploy'));
  const where = { account: tooling.account, region: tooling.region };
  const pipelines = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline');
  return {
    assembly: outdir,
    stacks,
    foundationTemplate: path.join(prod.outdir, prod.foundation.templateFile),
    applicationSecurityGroup: prod.foundation.getLogicalId(prod.applicationSecurityGroup.node.defaultChild as cdk.CfnElement),
    // The review's commands: its fetches from the pipeline's assets, then its build (the install of
    // cloudformation-diff is left out: $REVIEW_TOOLS is this repository's).
    reviewCommands: [...(review.phases.install.commands as string[]).filter(c => !c.startsWith('npm install ')), ...review.phases.build.commands] as string[],
    // What runs right before the `cdk deploy`, once the CLI is installed.
    checkCommands: [...fetchesOf(deploy.phases.install.commands), ...checkBeforeDeploy(deploy.phases.build.commands)],
    // The variables the deploy action passes its builds, as CodePipeline's variables, and those the review exports.
    deployActionVariables: actionVariablesOf(actionOf(template, 'prod', 'Deploy')),
    exported: review.env['exported-variables'] as string[],
    // The deploy build's stack clean-up, with the build's variables as deployed: the search and the deletion after the deploy.
    cleanupCommands: cleanupOf(deploy.phases),
    buildVariables: { CODEBUILD_BATCH_BUILD_IDENTIFIER: deploy.batch['build-list'][0].identifier as string },
    // Every role of Prod's stage, as deployed: those the jobs may assume there.
    roles: stacks.flatMap(stack => Object.entries<any>(stack.template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .map(([id]) => resolve({ 'Fn::GetAtt': [id, 'Arn'] }, stack.template, stack.environment) as string)),
    // The review job's own role, as deployed, and the pipelines of the tooling stack, as deployed, where they run.
    reviewJobRole: resolve(template.Resources[actionOf(template, 'prod', 'ChangeReview').Configuration.ProjectName.Ref].Properties.ServiceRole, template, where) as string,
    pipelines: pipelines.map(([, r]) => ({ ...r, Properties: { ...r.Properties, Name: resolve(r.Properties.Name, template, where) } })),
    toolingRegion: tooling.region,
    hotfixPipeline: pipelines.find(([id]) => id.startsWith('DeliveryHotfixPipelineDefinition'))![1],
    reviewRole: prod.reviewRoleArn,
    productionStage: prod.environmentName,
    hotfixStage: hotfix.environmentName,
  };
}

/**
 * What Prod's account and regions hold that the release under review does not, each as a release
 * synthesized it: the release deployed before (its workload had a queue where it now has a topic,
 * and it had stacks the app no longer has: Reports, Archive, and Late, which a run deploys after the
 * review), Prod's sibling prod-b of the same tier and account, and another app's Prod.
 */
function deployedBefore(current: string[]) {
  const app = new cdk.App();
  const prod = environment(app, EnvironmentTier.PROD);
  const workload = new cdk.Stack(prod, 'Workload');
  workload.addDependency(prod.foundation);
  const queue = new sqs.Queue(workload, 'Api');
  const reports = new cdk.Stack(prod, 'Reports');
  new sns.Topic(reports, 'Topic');
  new sns.Topic(new cdk.Stack(prod, 'Archive'), 'Topic');
  const lateStack = new cdk.Stack(prod, 'Late');
  new sns.Topic(lateStack, 'Topic');
  const sibling = environment(app, EnvironmentTier.PROD, { environmentName: 'prod-b', cidr: '10.1.0.0/16' });
  new sns.Topic(new cdk.Stack(sibling, 'Reports'), 'Topic');
  const billing = environment(new cdk.App(), EnvironmentTier.PROD, { appName: 'billing' });
  new sns.Topic(new cdk.Stack(billing, 'Batch'), 'Topic');
  const named = (name: string) => artifactsOf(prod).find(s => s.stackName === name)!;
  const late = named(lateStack.stackName);
  return {
    workload: named(workload.stackName),
    queue: workload.getLogicalId(queue.node.defaultChild as cdk.CfnElement),
    late,
    reports: reports.stackName,
    // Besides the stacks of the release under review: the ones it no longer has, the sibling's and the other app's.
    others: [...artifactsOf(prod).filter(s => !current.includes(s.stackName) && s !== late), ...artifactsOf(sibling), ...artifactsOf(billing)],
  };
}

/** A deploy build's stack clean-up: its fetches (its install phase but the CLI's install), its plan's read, and after its deploys the search and the deletion. */
function cleanupOf(phases: { install: { commands: string[] }; build: { commands: string[] } }): string[] {
  const cli = phases.install.commands.findIndex(c => /^npm install -g aws-cdk@/.test(c));
  expect(cli).toBeGreaterThan(0);
  const build = phases.build.commands;
  expect(build).toContain('search_orphans "$CODEBUILD_SRC_DIR_ChangeReview_Review/orphans-$ENVIRONMENT_NAME.txt"');
  const deploy = build.findIndex(c => c.startsWith('[ -z "$STACKS" ] || cdk '));
  // The fetches, the plan's read, then what follows the deploy of the stacks the tests need but for the signal to the tests
  // and the deploy of the stacks no test needs: the search for the stacks the app no longer has, and their deletion.
  const after = build.slice(deploy + 1).filter(c => c !== SIGNAL_READY && !c.endsWith('/await-actions.sh"') && !c.endsWith('$REST_STACKS'));
  expect(after.slice(-1)).toEqual(['delete_orphans']);
  return [...phases.install.commands.filter((_, i) => i !== cli), build.find(c => c.includes('/plan/'))!, ...after];
}

/** The commands of a deploy build's install phase that fetch its plan and the gate scripts. */
function fetchesOf(install: string[]): string[] {
  return install.filter(c => c === FETCH_BUNDLE || c.startsWith('fetch_bundle "'));
}

/** A deploy build's commands before the `cdk deploy`: its plan read, and its check of the review. */
function checkBeforeDeploy(commands: string[]): string[] {
  const deploy = commands.findIndex(c => c.startsWith('[ -z "$STACKS" ] || cdk '));
  expect(deploy).toBeGreaterThan(0);
  return commands.slice(0, deploy);
}

const {
  assembly, stacks, foundationTemplate, applicationSecurityGroup, reviewCommands, checkCommands, cleanupCommands, buildVariables,
  deployActionVariables, exported, roles, reviewJobRole, reviewRole, pipelines, toolingRegion, hotfixPipeline, productionStage, hotfixStage,
} = reviewedProd();
const before = deployedBefore(stacks.map(s => s.stackName));

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
afterAll(() => fs.rmSync(assembly, { recursive: true, force: true }));

/** The stack of Prod's stage with that name, as synthesized. */
function stackNamed(name: string): CloudFormationStackArtifact {
  const stack = stacks.find(s => s.stackName === name);
  if (!stack) throw new Error(`no stack ${name} in Prod's stage: ${stacks.map(s => s.stackName).join(', ')}`);
  return stack;
}
const BASELINE = stacks.find(s => s.stackName.startsWith('shop-baseline-'))!.stackName;
/** The name the jobs give their sessions of the roles they assume. */
const SESSION = /--role-session-name (\S+)/.exec(fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'pipeline', 'jobs', 'assume-role.sh'), 'utf-8'))![1];

/** What the account and the tooling account hold, as the stand-in `aws` answers for them. */
interface Account {
  /** The stacks of Prod's stage deployed, by name: the template deployed, and what drift detection finds in it. */
  readonly deployed: Map<string, { template: object; drifts: ReturnType<typeof stackResourceDrift>[] }>;
  /** The other stacks of Prod's account and regions, as DescribeStacks answers for them. */
  others: DescribedStackSample[];
  /** The runs of the tooling account's pipelines, by pipeline name (none: no run yet). */
  readonly runs: Map<string, PipelineRun[]>;
  /** Calls refused, as `<command> <stack name>`, with what the CLI prints. */
  readonly refused: Map<string, string>;
}

/**
 * The stand-in's answers for an account, under `<dir>/responses/<command>/<key>` (the key URI-encoded):
 * `<key>.json` a response (the stand-in applies the CLI's `--query` and `--output` to it), `<key>.error`
 * what the CLI prints for a refused call, `<key>.denied` what it prints for an AssumeRole refused where
 * `$DENY` is set. Each response is one of test/support/aws-samples.ts's; a call the account has no
 * answer for fails the command.
 */
function serve(dir: string, account: Account): void {
  const responses = path.join(dir, 'responses');
  fs.rmSync(responses, { recursive: true, force: true });
  const answer = (command: string, key: string, kind: 'json' | 'error' | 'denied', value: unknown) => {
    fs.mkdirSync(path.join(responses, command), { recursive: true });
    fs.writeFileSync(path.join(responses, command, `${encodeURIComponent(key)}.${kind}`), typeof value === 'string' ? value : JSON.stringify(value));
  };
  for (const role of roles) {
    answer('assume-role', `${role}|${SESSION}`, 'json', assumeRole(role, SESSION));
    answer('assume-role', `${role}|${SESSION}`, 'denied', accessDenied('AssumeRole', reviewJobRole, 'sts:AssumeRole', role));
  }
  for (const stack of stacks) {
    const name = stack.stackName;
    const deployed = account.deployed.get(name);
    if (!deployed) {
      for (const [command, operation] of [['get-template', 'GetTemplate'], ['detect-stack-drift', 'DetectStackDrift'], ['describe-stack-resource-drifts', 'DescribeStackResourceDrifts']]) {
        answer(command, name, 'error', stackNotFound(operation, name));
      }
      continue;
    }
    answer('get-template', name, 'json', getTemplate(deployed.template));
    const detection = detectStackDrift(stack);
    answer('detect-stack-drift', name, 'json', detection);
    answer('describe-stack-drift-detection-status', detection.StackDriftDetectionId, 'json', driftDetectionStatus(stack, deployed.drifts));
    answer('describe-stack-resource-drifts', name, 'json', describeStackResourceDrifts(deployed.drifts));
  }
  for (const [call, message] of account.refused) answer(call.split(' ')[0], call.split(' ')[1], 'error', message);
  const described = [...describeStacks(stacks.filter(s => account.deployed.has(s.stackName))).Stacks, ...account.others];
  for (const region of new Set(stacks.map(s => s.environment.region))) {
    answer('describe-stacks', region, 'json', { Stacks: described.filter(s => s.StackId.split(':')[3] === region) });
  }
  for (const pipeline of pipelines) {
    const runs = account.runs.get(pipeline.Properties.Name) ?? [];
    answer('list-action-executions', pipeline.Properties.Name, 'json', listActionExecutions(pipeline, toolingRegion, runs));
    answer('list-pipeline-executions', pipeline.Properties.Name, 'json', listPipelineExecutions(pipeline, runs));
  }
}

/**
 * The stand-in `aws` (after the gate scripts' `s3 cp`): the key of a call is `--role-arn|--role-session-name`
 * (sts assume-role), `--stack-name`, `--stack-drift-detection-id`, `--region` (describe-stacks) or
 * `--pipeline-name`; `--query` takes a path of names, the last one or a list of names in brackets.
 * `delete-stack` records the stack and region in `deleted.txt`.
 */
const STAND_IN = `
const fs = require('fs');
const path = require('path');
const [dir, service, command, ...args] = process.argv.slice(2);
const option = name => { const at = args.indexOf(name); return at >= 0 ? args[at + 1] : undefined; };
const fail = (message, status) => { process.stderr.write(message.trim() + '\\n'); process.exit(status); };
if (command === 'delete-stack') {
  fs.appendFileSync(path.join(dir, 'deleted.txt'), option('--stack-name') + ' ' + option('--region') + '\\n');
  process.exit(0);
}
const key = command === 'assume-role' ? option('--role-arn') + '|' + option('--role-session-name')
  : option('--stack-name') ?? option('--stack-drift-detection-id') ?? option('--pipeline-name') ?? option('--region');
const file = path.join(dir, 'responses', command, encodeURIComponent(key));
for (const refused of [process.env.DENY ? file + '.denied' : '', file + '.error']) {
  if (refused && fs.existsSync(refused)) fail(fs.readFileSync(refused, 'utf-8'), 254);
}
if (!fs.existsSync(file + '.json')) fail('stand-in aws: no answer for ' + service + ' ' + command + ' ' + key, 255);
let value = JSON.parse(fs.readFileSync(file + '.json', 'utf-8'));
const query = option('--query');
if (query) {
  const [, names, list] = /^([\\w.]+?)(?:\\.\\[([\\w,]+)\\])?$/.exec(query) ?? fail('stand-in aws: no such --query ' + query, 255);
  value = names.split('.').reduce((v, name) => v?.[name], value);
  if (list) value = list.split(',').map(name => value?.[name]);
}
const text = v => (v === null || v === undefined ? 'None' : Array.isArray(v) ? v.map(text).join('\\t') : String(v));
process.stdout.write((option('--output') === 'text' ? text(value) : JSON.stringify(value, undefined, 4)) + '\\n');
`;

/**
 * A folder with a stand-in `aws` on the PATH that answers for an account as `serve` set it up, a
 * copy of the cloud assembly (`assembly/`) and a git repository (`repo/`, where the review runs and
 * leaves its output).
 */
function workspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'change-review-'));
  for (const sub of ['bin', 'repo']) fs.mkdirSync(path.join(dir, sub));
  fs.cpSync(assembly, path.join(dir, 'assembly'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'aws.js'), STAND_IN);
  fs.writeFileSync(path.join(dir, 'bin', 'aws'), [
    '#!/bin/bash',
    // The pipeline's own assets, as its stack's deploy published them (the original assembly, not the copy the job reads).
    ...s3CopyStandIn(assembly),
    `exec node "${dir}/aws.js" "${dir}" "$@"`,
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
  let account: Account;
  /** Serves a stack of Prod's stage as deployed from a template (the release under review's, by default), its drift detection finding `drifts`. */
  const deploy = (name: string, template: object = stackNamed(name).template, drifts: ReturnType<typeof stackResourceDrift>[] = []) => {
    account.deployed.set(name, { template, drifts });
    serve(dir, account);
  };
  beforeEach(() => {
    dir = workspace();
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'the release under review');
    // Foundation and the account baseline are deployed as this release synthesizes them, the workload as the release before did; the other stacks are new.
    const deployedFrom = (stack: CloudFormationStackArtifact): [string, { template: object; drifts: [] }] =>
      [stack.stackName, { template: stack.template, drifts: [] }];
    account = {
      deployed: new Map([deployedFrom(stackNamed('prod-Foundation')), deployedFrom(stackNamed(BASELINE)), deployedFrom(before.workload)]),
      others: [],
      runs: new Map(),
      refused: new Map(),
    };
    serve(dir, account);
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
    ...buildVariables,
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
    expect(text).toMatch(new RegExp(`! deletes AWS::SQS::Queue (\\S+ \\()?${before.queue}\\b`));
    // The backup copy is new, with a key and a vault whose policies grant and deny.
    expect(printed).toMatch(/summary: prod-Workload: DELETES 1, 1 added, 0 modified; prod-FoundationBackupCopy: IAM BROADENED, new, 2 resource\(s\); prod-Monitoring: IAM BROADENED, new, \d+ resource\(s\); no change: prod-Foundation, shop-baseline-444444444444-eu-west-1\n$/);
  });

  test('lets the deploy go on when every stack is as reviewed', () => {
    review();
    expect(check('exec-1').status).toBe(0);
  });

  test('stops the deploy, naming the stack, when a stack changed after the review', () => {
    review();
    // Someone deployed the release by hand.
    deploy('prod-Workload');
    const result = check('exec-1');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('These stacks changed after the review: prod-Workload');
    expect(result.stdout).toContain('Nothing was deployed. Release the change again to review it anew.');
  });

  test('stops the deploy when a stack that did not exist at the review was created since', () => {
    review();
    deploy('prod-Monitoring');
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
    deploy('prod-Workload');
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

  test.each([
    ['a script', 'SWAP_GATE_SCRIPTS'],
    ['a plan (the stacks it reviews, the roles it reads them with)', 'SWAP_PLAN'],
  ])('refuses %s that is not the one the pipeline\'s definition names (the asset bucket written to), and writes no review', (_, swap) => {
    const result = run(dir, reviewCommands, { EXECUTION_ID: 'exec-1', [swap]: '1' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toMatch(/^s3:\/\/\S+\.zip is not the one this pipeline's definition names \(digest [0-9a-f]{64}\): nothing runs$/m);
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
    // The failed deploy changed the workload.
    deploy('prod-Workload');
    const result = check('exec-2');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Rolling back to the templates reviewed in execution exec-1 (review digest ${reviewExported.REVIEW_DIGEST})`);
    fs.writeFileSync(path.join(dir, 'assembly', 'manifest.json'), '{}');
    expect(check('exec-2').stdout).toContain('These files of the cloud assembly are not the ones reviewed');
  });

  /**
   * The hotfix lane's branch, cut from main (checked out again after): a first try, which its run
   * took to the hotfix environment and was stopped at the sign-off; the hotfix, which its run took to
   * production; a follow-up, whose run failed deploying production. The lane's history records the
   * three runs; only the hotfix was deployed to production.
   */
  const hotfixLane = () => {
    git(dir, 'checkout', '-q', '-b', 'hotfix/payments');
    const commit = (message: string) => {
      git(dir, 'commit', '-q', '--allow-empty', '-m', message);
      return git(dir, 'rev-parse', 'HEAD');
    };
    const [firstTry, hotfix, followUp] = [commit('a first try'), commit('the hotfix'), commit('a follow-up')];
    git(dir, 'checkout', '-q', 'main');
    const runOf = (commitId: string, status: PipelineRun['status'], until?: PipelineRun['until']): PipelineRun =>
      ({ executionId: uuidOf(`hotfix lane run of ${commitId}`), commit: commitId, status, until });
    const deployed = runOf(hotfix, 'Succeeded');
    // Newest first, as CodePipeline lists them.
    account.runs.set(hotfixPipeline.Properties.Name, [
      runOf(followUp, 'Failed', { stage: productionStage, action: 'Deploy' }), deployed, runOf(firstTry, 'Stopped', { stage: hotfixStage, action: 'SignOff' }),
    ]);
    serve(dir, account);
    return { hotfix, execution: deployed.executionId };
  };

  test('reports first, in the review and its summary, a commit the hotfix lane took to production that the release does not contain', () => {
    const base = git(dir, 'rev-parse', 'HEAD');
    const { hotfix, execution } = hotfixLane();
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'a feature, without the hotfix');
    const release = git(dir, 'rev-parse', 'HEAD');
    expect(git(dir, 'merge-base', 'HEAD', hotfix)).toBe(base);

    const printed = review();
    const text = fs.readFileSync(path.join(dir, 'repo', 'review.txt'), 'utf-8').split('\n');
    expect(text.slice(2, 4)).toEqual([
      'WOULD UNDO WHAT THE HOTFIX LANE TOOK TO PRODUCTION',
      `  ! commit ${hotfix} (deployed by execution ${execution}) is not in commit ${release}: this release would undo it. Merge it into this branch, then release again.`,
    ]);
    expect(printed).toContain(`summary: WOULD UNDO HOTFIX LANE COMMIT(S) ${hotfix.slice(0, 7)}; prod-Workload: `);
  });

  test('passes a release that contains every commit the hotfix lane took to production', () => {
    hotfixLane();
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'a feature');
    git(dir, 'merge', '-q', '--no-edit', 'hotfix/payments');
    const release = git(dir, 'rev-parse', 'HEAD');

    const printed = review();
    const text = fs.readFileSync(path.join(dir, 'repo', 'review.txt'), 'utf-8').split('\n');
    expect(text.slice(2, 4)).toEqual(['HOTFIX LANE', `  every commit it took to production (1) is in commit ${release}`]);
    expect(printed).not.toContain('WOULD UNDO');
  });

  test('shows first, in the review and its summary, each resource of a deployed stack changed by hand, which the deploy would set back', () => {
    // Someone opened SSH to the world on the application security group, by hand.
    const foundation = stackNamed('prod-Foundation');
    const ingress = foundation.template.Resources[applicationSecurityGroup].Properties.SecurityGroupIngress ?? [];
    deploy('prod-Foundation', foundation.template, [stackResourceDrift(foundation, applicationSecurityGroup, {
      SecurityGroupIngress: [...ingress, { CidrIp: '0.0.0.0/0', FromPort: 22, IpProtocol: 'tcp', ToPort: 22 }],
    })]);
    const printed = review();
    const text = fs.readFileSync(path.join(dir, 'repo', 'review.txt'), 'utf-8').split('\n');
    const attention = text.indexOf('NEEDS ATTENTION');
    expect(text.slice(attention + 1, attention + 3)).toEqual([
      '  prod-Foundation (prod)',
      `    ! AWS::EC2::SecurityGroup ${applicationSecurityGroup} was changed outside the pipeline (/SecurityGroupIngress/${ingress.length} add): the deploy sets it back to the template`,
    ]);
    expect(printed).toMatch(/summary: prod-Foundation: DRIFTED 1, 0 added, 0 modified; prod-Workload: DELETES 1/);
  });

  test('says so, in the review and its summary, where drift could not be checked', () => {
    // A review role without DetectStackDrift on the workload: IAM refuses the detection.
    account.refused.set('detect-stack-drift prod-Workload', accessDenied('DetectStackDrift', assumeRole(reviewRole, SESSION).AssumedRoleUser.Arn,
      'cloudformation:DetectStackDrift', stackIdOf(stackNamed('prod-Workload'))));
    serve(dir, account);
    const printed = review();
    expect(printed).toContain('! drift could not be checked before the review: An error occurred (AccessDenied) when calling the DetectStackDrift operation');
    expect(printed).toMatch(/summary: prod-Workload: DRIFT NOT CHECKED, DELETES 1/);
  });

  /**
   * Prod's account and regions hold, besides the release's stacks, those `deployedBefore` synthesized,
   * and `extra`. Reports and Late have had their termination protection turned off by hand, as the
   * review tells the approver to do for a stack the pipeline should delete: every stack of a
   * production tier is synthesized with it on.
   */
  const recordStacks = (...extra: CloudFormationStackArtifact[]) => {
    account.others = describeStacks([...before.others, ...extra]).Stacks
      .map(s => ([before.reports, before.late.stackName].includes(s.StackName) ? { ...s, EnableTerminationProtection: false } : s));
    serve(dir, account);
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
    recordStacks(before.late);
    const result = run(dir, cleanupCommands, { ...buildVariables, CODEBUILD_SRC_DIR_ChangeReview_Review: path.join(dir, 'repo') });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'deleted.txt'), 'utf-8')).toBe('prod-Reports eu-west-1\n');
    expect(result.stdout).toContain('prod-Late: found after the approval: listed for the next one, not deleted');
  });
});
