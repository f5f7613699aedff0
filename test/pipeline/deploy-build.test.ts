import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { planOf } from '../../bench/job-plans';
import { EnvironmentTier, TestKind } from '../../src';
import { environment } from '../support/environments';
import { s3CopyStandIn } from '../support/gate-scripts';
import { actionOf, actionVariablesOf, ALL_TESTS, buildSpecOf, newPipeline, projectStatementsOf } from '../support/pipelines';

/**
 * The batch actions of an environment's stage as the pipeline writes them (`tier`'s tests before
 * and after deploy), with the workload depending on the foundation and the monitoring stack on the
 * workload (alarms on its resources, as in the reference app): per action, its
 * commands (install, then build phase) and the variables its first build gets (the build list's and
 * the action's, as CodePipeline resolves them).
 */
function stageOf(tier: EnvironmentTier, stage: string, outputFromMonitoring = false) {
  const app = new cdk.App();
  const env = environment(app, tier);
  const workload = new cdk.Stack(env, 'Workload');
  workload.addDependency(env.foundation);
  new cdk.CfnOutput(workload, 'Url', { value: 'https://shop.example.com' });
  const dashboard = new cdk.CfnOutput(cdk.Stack.of(env.monitoring), 'Dashboard', { value: 'shop' });
  cdk.Stack.of(env.monitoring).addDependency(workload);
  const pipeline = newPipeline(app, { tests: ALL_TESTS });
  pipeline.addEnvironment(env, {
    ...outputFromMonitoring ? { tests: [{ kind: TestKind.SMOKE, commands: ['./scripts/test SMOKE'], envFromOutputs: { DASHBOARD: dashboard } }] } : {},
    ...tier.profile.production ? { approvers: [new cdk.aws_iam.AccountRootPrincipal()] } : {},
  });
  const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
  const actions = template.Resources[Object.keys(template.Resources).find(id => id.startsWith('DeliveryPipelineDefinition')
    && template.Resources[id].Type === 'AWS::CodePipeline::Pipeline')!].Properties.Stages.find((s: any) => s.Name === stage).Actions
    .filter((a: any) => a.Configuration.BatchEnabled === 'true');
  return {
    stage,
    actions: actions.map((action: any) => {
      const spec = buildSpecOf(template, action);
      const resolvedActionVariables = Object.fromEntries(actionVariablesOf(action)
        .map(({ name, value }) => [name, value.replace('#{codepipeline.PipelineExecutionId}', 'exec-1')]));
      return {
        name: action.Name as string,
        commands: [...spec.phases.install?.commands ?? [], ...spec.phases.build.commands] as string[],
        // The variables of its first build: the spec's, the one CodeBuild sets to the build's identifier, and the action's.
        variables: { ...spec.env?.variables, CODEBUILD_BATCH_BUILD_IDENTIFIER: spec.batch['build-list'][0].identifier, ...resolvedActionVariables } as Record<string, string>,
        // What its first build reads from the job's plan (the deploys'; the test builds have none).
        plan: action.Name.startsWith('Deploy') ? planOf(spec, app.outdir, spec.batch['build-list'][0].identifier) : {},
      };
    }) as Array<{ name: string; commands: string[]; variables: Record<string, string>; plan: Record<string, string | string[]> }>,
    // Where the synth staged the pipeline's own assets, the orphan script's among them.
    published: app.outdir,
  };
}

/**
 * What a stage's builds do, run for real as CodePipeline and CodeBuild run them: every batch action
 * of the stage started together, each build's commands in bash in one shell (a failed command
 * ends the build), its action Succeeded or Failed when it ends, as `aws codepipeline
 * list-action-executions` then lists it for this execution (what the CLI prints for the build's
 * `--query` and `--output text`). Stand-ins log when they start and end: `npm` (the CLI's install),
 * `cdk` (each deploy; the monitoring stack's slower than a test) and the test script (`FAIL_TEST`
 * fails; `SLOW_TEST` is slow); `aws` describes the account's stacks as `options.stacks` gives them,
 * logs each stack it is asked to delete, and keeps the objects the builds put in the artifact
 * bucket (a deploy build's signal that its environment's tests may start) for `head-object` to
 * find; `sleep` is short.
 */
interface StageOptions {
  readonly failStack?: string;
  readonly failTest?: string;
  readonly slowTest?: string;
  readonly stacks?: object[];
  /** Signals a run before this one of the stage in the same execution left in the bucket (before a retry), by key. */
  readonly signalledBefore?: string[];
}

async function runStage({ stage, actions, published }: ReturnType<typeof stageOf>, options: StageOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-builds-'));
  try {
    for (const sub of ['bin', 'scripts', 'status', 'bucket']) fs.mkdirSync(path.join(dir, sub));
    const log = path.join(dir, 'log.txt');
    fs.writeFileSync(log, '');
    // Each action's latest run started at this time, as `aws codepipeline list-action-executions` prints it; an earlier run's signals an hour before.
    const started = new Date(Math.floor(Date.now() / 1000) * 1000);
    for (const key of options.signalledBefore ?? []) {
      const file = path.join(dir, 'bucket', '${DeliveryPipelineDefinitionArtifactsBucket1FDB993C}', key);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '');
      fs.utimesSync(file, new Date(started.getTime() - 3_600_000), new Date(started.getTime() - 3_600_000));
    }
    fs.writeFileSync(path.join(dir, 'bin', 'npm'), `#!/bin/bash\necho "npm start" >> ${log}\n/bin/sleep 0.3\necho "npm end" >> ${log}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'bin', 'sleep'), '#!/bin/bash\n/bin/sleep 0.1\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'bin', 'cdk'), [
      '#!/bin/bash',
      'STACKS=$(printf "%s\\n" "$@" | grep "^[A-Za-z].*/" | tr "\\n" " " | sed "s/ $//")',
      `echo "start $STACKS" >> ${log}`,
      'case "$STACKS" in *Monitoring*) /bin/sleep 1.5;; *) /bin/sleep 0.5;; esac',
      `echo "end $STACKS" >> ${log}`,
      '[ -z "$FAIL_STACK" ] || [ "$STACKS" != "$FAIL_STACK" ] || { echo "$STACKS failed"; exit 1; }',
    ].join('\n'), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'bin', 'aws'), [
      '#!/bin/bash',
      'if [ "$1 $2" = "sts assume-role" ]; then echo "AKIA SECRET TOKEN"; exit 0; fi',
      ...s3CopyStandIn(published),
      // The action's latest execution in this stage, as the CLI prints `[startTime,status]` in text.
      'if [ "$1 $2" = "codepipeline list-action-executions" ]; then',
      '  [ "$4" = "Tooling-Delivery" ] && [ "$6" = "pipelineExecutionId=exec-1" ] || { echo "unexpected $*" >&2; exit 254; }',
      '  s=$(sed -E "s/.*stageName==\'([^\']*)\'.*/\\1/" <<< "$8"); a=$(sed -E "s/.*actionName==\'([^\']*)\'.*/\\1/" <<< "$8")',
      `  f="${dir}/status/$s.$a"; [ -f "$f" ] && printf "${started.toISOString().replace('.000Z', '.000000+00:00')}\\t%s\\n" "$(cat "$f")"; exit 0`,
      'fi',
      `if [ "$2" = describe-stacks ]; then echo '${JSON.stringify({ Stacks: options.stacks ?? [] })}'; exit 0; fi`,
      // The artifact bucket's objects, by bucket and key (`aws s3api put-object|head-object --bucket B --key K`).
      '[ "$1 $3 $5" = "s3api --bucket --key" ] || [ "$1" != s3api ] || { echo "unexpected $*" >&2; exit 252; }',
      `if [ "$1 $2" = "s3api put-object" ]; then mkdir -p "${dir}/bucket/$4/$(dirname "$6")" && touch "${dir}/bucket/$4/$6" && echo "put $6" >> ${log}; exit 0; fi`,
      // HeadObject's LastModified (`--query LastModified --output text`), as S3 keeps it: when the object was put.
      `if [ "$1 $2" = "s3api head-object" ]; then [ -f "${dir}/bucket/$4/$6" ] && { date -u -r "${dir}/bucket/$4/$6" +%Y-%m-%dT%H:%M:%S+00:00; exit 0; }; `
        + 'echo "An error occurred (404) when calling the HeadObject operation: Not Found" >&2; exit 254; fi',
      `if [ "$2" = delete-stack ]; then echo "delete $6 $4" >> ${log}; exit 0; fi`,
      'exit 1',
    ].join('\n'), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'scripts', 'test'), [
      '#!/bin/bash',
      `echo "test $1 start" >> ${log}`,
      '[ "$1" = "$SLOW_TEST" ] && /bin/sleep 1 || /bin/sleep 0.3',
      `echo "test $1 end" >> ${log}`,
      'echo "output of $1"',
      'echo "environment of $1: $TIER $TARGET_ACCOUNT $TARGET_REGION ${DEPLOYMENT_ROLE_ARN##*/}"',
      '[ "$1" != "$FAIL_TEST" ]',
    ].join('\n'), { mode: 0o755 });
    const results = await Promise.all(actions.map(action => new Promise<{ name: string; status: number; stdout: string }>(resolve => {
      const status = path.join(dir, 'status', `${stage}.${action.name}`);
      fs.writeFileSync(status, 'InProgress');
      // Each build in a directory of its own, as CodeBuild gives each build its own container.
      const work = fs.mkdtempSync(path.join(dir, `${action.name}-`));
      fs.symlinkSync(path.join(dir, 'scripts'), path.join(work, 'scripts'));
      const child = spawn('bash', ['--noprofile', '--norc', '-c', action.commands.map(c => `${c} || exit $?`).join('\n')], {
        cwd: work,
        env: {
          PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
          HOME: work,
          TMPDIR: work,
          CODEBUILD_SRC_DIR: work,
          FAIL_STACK: options.failStack ?? '',
          FAIL_TEST: options.failTest ?? '',
          SLOW_TEST: options.slowTest ?? '',
          ...action.variables,
        },
      });
      let stdout = '';
      child.stdout.on('data', chunk => stdout += chunk);
      child.stderr.on('data', chunk => stdout += chunk);
      child.on('close', code => {
        fs.writeFileSync(status, code === 0 ? 'Succeeded' : 'Failed');
        resolve({ name: action.name, status: code ?? 1, stdout });
      });
    })));
    const byName = Object.fromEntries(results.map(r => [r.name, r]));
    return { byName, succeeded: results.every(r => r.status === 0), log: fs.readFileSync(log, 'utf-8').trim().split('\n').filter(Boolean) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('an environment\'s stage', () => {
  const dev = stageOf(EnvironmentTier.DEV, 'dev');
  const planned = (name: string) => dev.actions.find(a => a.name === name)!.plan;

  test('deploys the stacks the tests need, signals, and deploys the monitoring stack while the tests run; the account baseline, which lengthens no chain, deploys first', async () => {
    expect(dev.actions.map(a => a.name).sort()).toEqual(['Deploy', 'TestsAfter']);
    expect([planned('Deploy').STACKS, planned('Deploy').REST_STACKS]).toEqual(['dev/Foundation dev/AccountBaseline dev/Workload', 'dev/Monitoring']);
    const { byName, succeeded, log } = await runStage(dev);
    expect(succeeded).toBe(true);
    const at = (line: string) => log.indexOf(line);
    // The signal, under this execution's id and the build's identifier, once the stacks the tests need are deployed.
    expect(at('end dev/Foundation dev/AccountBaseline dev/Workload')).toBeLessThan(at('put deploys-ready-for-tests/exec-1/dev'));
    expect(at('put deploys-ready-for-tests/exec-1/dev')).toBeLessThan(at('start dev/Monitoring'));
    expect(at('put deploys-ready-for-tests/exec-1/dev')).toBeLessThan(at('test SMOKE start'));
    // The tests start on the signal, while the deploy action still runs: the monitoring stack's deploy overlaps them.
    expect(at('test SMOKE start')).toBeLessThan(at('end dev/Monitoring'));
    expect(at('start dev/Monitoring')).toBeLessThan(at('test SMOKE end'));
    expect(byName.TestsAfter.stdout).toContain('Deploy deployed the stacks the tests need');
  });

  test('the tests and the rest of the deploy run nothing when the deploy failed', async () => {
    const { byName, succeeded, log } = await runStage(dev, { failStack: 'dev/Foundation dev/AccountBaseline dev/Workload' });
    expect(succeeded).toBe(false);
    expect(log.filter(l => l.startsWith('test ') || l.startsWith('put ') || l.includes('Monitoring'))).toEqual([]);
    expect(byName.TestsAfter.stdout).toContain('Deploy: Failed in this execution; nothing runs');
  });

  test('a signal an earlier run of the stage left in this execution (before a retry) does not start the tests: this run\'s does', async () => {
    const { succeeded, log } = await runStage(dev, { signalledBefore: ['deploys-ready-for-tests/exec-1/dev'] });
    expect(succeeded).toBe(true);
    expect(log.indexOf('put deploys-ready-for-tests/exec-1/dev')).toBeGreaterThan(-1);
    expect(log.indexOf('put deploys-ready-for-tests/exec-1/dev')).toBeLessThan(log.indexOf('test SMOKE start'));
    const failed = await runStage(dev, { signalledBefore: ['deploys-ready-for-tests/exec-1/dev'], failStack: 'dev/Foundation dev/AccountBaseline dev/Workload' });
    expect(failed.log.filter(l => l.startsWith('test '))).toEqual([]);
    expect(failed.byName.TestsAfter.stdout).toContain('Deploy: Failed in this execution; nothing runs');
  }, 20_000);

  test('fails when the stacks no test needs fail to deploy, though the tests passed', async () => {
    const { byName, succeeded, log } = await runStage(dev, { failStack: 'dev/Monitoring' });
    expect(succeeded).toBe(false);
    expect(log).toContain('test SMOKE end');
    expect(byName.TestsAfter.status).toBe(0);
    expect(byName.Deploy.stdout).toContain('dev/Monitoring failed');
  });

  test('last, once its stacks are deployed, deletes the stacks of the environment the app no longer has (Dev\'s data is throwaway)', async () => {
    const stack = (name: string, app = 'shop') => ({
      StackName: name,
      StackId: `arn:aws:cloudformation:eu-west-1:111111111111:stack/${name}/0f3c2a10-7b1e-11ef-9a4d-0a1b2c3d4e5f`,
      StackStatus: 'CREATE_COMPLETE',
      Tags: [{ Key: 'Environment', Value: 'dev' }, { Key: 'cdk-multi-env:app', Value: app }],
      EnableTerminationProtection: false,
    });
    const stacks = [stack('dev-Foundation'), stack('dev-Workload'), stack('dev-Reports'), stack('dev-Reports', 'billing')];
    const { byName, succeeded, log } = await runStage(dev, { stacks });
    expect(succeeded).toBe(true);
    expect(log.slice(-2)).toEqual(['end dev/Monitoring', 'delete dev-Reports eu-west-1']);
    expect(byName.Deploy.stdout).toContain('dev-Reports: deleted now');
    expect(planned('Deploy')).toMatchObject({
      ORPHAN_MODE: 'delete',
      ORPHAN_SEARCH: 'shop|dev|dev-Foundation,shop-baseline-111111111111-eu-west-1,dev-Monitoring,dev-Workload|shop-baseline-,shop-account-baseline',
      ORPHAN_REGIONS: ['eu-west-1'],
    });
    // A failed deploy deletes nothing: of the stacks the tests need, or of those no test needs.
    for (const failStack of ['dev/Foundation dev/AccountBaseline dev/Workload', 'dev/Monitoring']) {
      const failed = await runStage(dev, { stacks, failStack });
      expect(failed.log.filter(l => l.startsWith('delete '))).toEqual([]);
    }
  }, 20_000);

  test('deleteOrphanedStacks: false: the build only reports them, and no job lists them for an approval', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app, { tests: ALL_TESTS });
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV), { deleteOrphanedStacks: false });
    pipeline.addEnvironment(environment(app, EnvironmentTier.STAGING, { cidr: '10.1.0.0/16' }), { deleteOrphanedStacks: false });
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    for (const stage of ['dev', 'staging']) {
      const spec = buildSpecOf(template, actionOf(template, stage, 'Deploy'));
      expect(planOf(spec, app.outdir, spec.batch['build-list'][0].identifier).ORPHAN_MODE).toBe('report');
    }
    expect(JSON.stringify(template)).not.toContain('ListOrphans');
  });

  test('deploys the monitoring stack first where a test reads its outputs', () => {
    const reading = stageOf(EnvironmentTier.DEV, 'dev', true);
    expect(reading.actions.map(a => a.name).sort()).toEqual(['Deploy', 'TestsAfter']);
    expect(reading.actions.find(a => a.name === 'Deploy')!.plan.STACKS).toBe('dev/Foundation dev/AccountBaseline dev/Monitoring dev/Workload');
  });
});

describe('the tests of an environment', () => {
  const qa = stageOf(EnvironmentTier.QA, 'qa');
  const staging = stageOf(EnvironmentTier.STAGING, 'staging');

  test('after deploy, side by side, each one\'s output printed under its name, in the tier\'s order', async () => {
    const { byName, succeeded, log } = await runStage(qa, { slowTest: 'INTEGRATION' });
    expect(succeeded).toBe(true);
    const tests = log.filter(l => l.startsWith('test '));
    // Both start before either ends: side by side.
    expect(new Set(tests.slice(0, 2))).toEqual(new Set(['test INTEGRATION start', 'test PERFORMANCE start']));
    expect(tests.slice(2)).toEqual(['test PERFORMANCE end', 'test INTEGRATION end']);
    expect(log.indexOf('end qa/Foundation qa/AccountBaseline qa/Workload')).toBeLessThan(log.indexOf('test INTEGRATION start'));
    const stdout = byName.TestsAfter.stdout;
    expect(stdout).toContain('== IntegrationTests, PerformanceTests of qa, side by side ==');
    const integration = stdout.indexOf('== IntegrationTests of qa ==');
    const performance = stdout.indexOf('== PerformanceTests of qa ==');
    expect(integration).toBeGreaterThan(-1);
    expect(performance).toBeGreaterThan(integration);
    expect(stdout.slice(integration, performance)).toContain('output of INTEGRATION');
    // Each test reads its environment from the variables the build exports from the job's plan.
    expect(stdout.slice(integration, performance)).toContain('environment of INTEGRATION: qa 222222222222 eu-west-1 shop-qa-deployment');
  });

  test('a variable a step sets itself keeps the step\'s value, not the environment\'s', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app, { tests: [...ALL_TESTS.filter(t => t.kind !== TestKind.SMOKE), { kind: TestKind.SMOKE, commands: ['./scripts/test SMOKE'], env: { TARGET_REGION: 'us-east-1' } }] });
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    const spec = buildSpecOf(template, actionOf(template, 'dev', 'TestsAfter'));
    // The step's variable, and where the deploy signals that the tests may start.
    expect(spec.env.variables).toEqual({ TARGET_REGION: 'us-east-1', READY_BUCKET: '${DeliveryPipelineDefinitionArtifactsBucket1FDB993C}', READY_PREFIX: 'deploys-ready-for-tests' });
    expect(planOf(spec, app.outdir, 'dev')).toEqual({
      ENVIRONMENT_NAME: 'dev', TIER: 'dev', TARGET_ACCOUNT: '111111111111', DEPLOYMENT_ROLE_ARN: 'arn:aws:iam::111111111111:role/shop-dev-deployment',
    });
  });

  test('a failed test fails the build, once the others have run', async () => {
    const { byName, log } = await runStage(qa, { failTest: 'INTEGRATION', slowTest: 'PERFORMANCE' });
    expect(byName.TestsAfter.status).not.toBe(0);
    expect(log).toContain('test PERFORMANCE end');
    expect(byName.TestsAfter.stdout).toContain('IntegrationTests of qa failed (exit status 1)');
    expect(byName.TestsAfter.stdout).toContain('output of PERFORMANCE');
    expect(byName.TestsAfter.stdout).not.toContain('PerformanceTests of qa failed');
  });

  test('before deploy, in a build of their own while the deploy installs the CLI, and a failed one deploys nothing', async () => {
    expect(staging.actions.map(a => a.name).sort()).toEqual(['Deploy', 'TestsAfter', 'TestsBefore']);
    const { succeeded, log } = await runStage(staging);
    expect(succeeded).toBe(true);
    expect(log.indexOf('test DATA_MIGRATION start')).toBeLessThan(log.indexOf('npm end'));
    expect(log.indexOf('test DATA_MIGRATION end')).toBeLessThan(log.indexOf('start staging/Foundation staging/AccountBaseline staging/Workload'));
    const failed = await runStage(staging, { failTest: 'DATA_MIGRATION' });
    expect(failed.succeeded).toBe(false);
    expect(failed.log.filter(l => l.startsWith('start ') || l.startsWith('test LOAD'))).toEqual([]);
    expect(failed.byName.Deploy.stdout).toContain('TestsBefore: Failed in this execution; nothing runs');
  });

  test('a test build holds no credential that deploys: its role may assume the environment\'s deployment role, read the pipeline\'s action executions and the jobs\' bash functions, nothing else', () => {
    const app = new cdk.App();
    const env = environment(app, EnvironmentTier.STAGING);
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(env);
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    for (const name of ['TestsBefore', 'TestsAfter']) {
      const statements = projectStatementsOf(template, actionOf(template, 'staging', name));
      expect(statements.filter(st => st.Action === 'sts:AssumeRole' || (Array.isArray(st.Action) && st.Action.some((a: string) => a.startsWith('sts:'))))).toEqual([{
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'iam:ResourceTag/Environment': ['staging'] } },
        Effect: 'Allow',
        Resource: 'arn:aws:iam::333333333333:role/shop-*-deployment',
      }]);
      // The tests after deploy wait for the deploy: they read the pipeline's action executions.
      if (name === 'TestsAfter') {
        expect(statements).toContainEqual({
          Action: 'codepipeline:ListActionExecutions',
          Effect: 'Allow',
          Resource: 'arn:aws:codepipeline:eu-west-1:999999999999:Tooling-Delivery',
        });
      }
      // A test build fetches its plan (its environment's variables) from the pipeline's assets, and the tests after deploy the
      // jobs' bash functions (await_actions): those objects only.
      const fetched = [...JSON.stringify(buildSpecOf(template, actionOf(template, 'staging', name)))
        .matchAll(/fetch_bundle \\"\$\{TMPDIR:-\/tmp\}\/([\w/-]+)\\" \\"s3:\/\/([^/]+)\/(\w+\.zip)/g)].map(([, bundle, bucket, key]) => [bundle, `arn:aws:s3:::${bucket}/${key}`]);
      expect(fetched.map(([bundle]) => bundle)).toEqual(name === 'TestsAfter' ? ['plan', 'gate-scripts/jobs'] : ['plan']);
      expect(statements.filter(st => JSON.stringify(st).includes('s3:GetObject"')).flatMap(st => [st.Resource].flat()).sort())
        .toEqual(fetched.map(([, arn]) => arn).sort());
      // Nothing of the deploy builds': no bootstrap role, no clean-up role, no other script.
      expect(JSON.stringify(statements)).not.toMatch(/cdk-hnb659fds-(deploy|file|image|cfn)|stack-cleanup/);
    }
  });
});
