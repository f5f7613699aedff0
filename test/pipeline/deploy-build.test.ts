import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EnvironmentTier, TestKind } from '../../src';
import { environment } from '../support/environments';
import { s3CopyStandIn } from '../support/gate-scripts';
import { actionOf, ALL_TESTS, buildSpecOf, newPipeline } from '../support/pipelines';

/**
 * An environment's deploy build as the pipeline writes it (`tier`'s tests before and after
 * deploy), with the workload depending on the foundation and its outputs.
 */
function buildOf(tier: EnvironmentTier, stage: string, outputFromMonitoring = false) {
  const app = new cdk.App();
  const env = environment(app, tier);
  const workload = new cdk.Stack(env, 'Workload');
  workload.addDependency(env.foundation);
  new cdk.CfnOutput(workload, 'Url', { value: 'https://shop.example.com' });
  const dashboard = new cdk.CfnOutput(cdk.Stack.of(env.monitoring), 'Dashboard', { value: 'shop' });
  const pipeline = newPipeline(app, { tests: ALL_TESTS });
  pipeline.addEnvironment(env, {
    ...outputFromMonitoring ? { tests: [{ kind: TestKind.SMOKE, commands: ['./scripts/test SMOKE'], envFromOutputs: { DASHBOARD: dashboard } }] } : {},
    ...tier.profile.production ? { approvers: [new cdk.aws_iam.AccountRootPrincipal()] } : {},
  });
  const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
  const spec = buildSpecOf(template, actionOf(template, stage, 'Deploy'));
  return {
    commands: [...spec.phases.install.commands, ...spec.phases.build.commands] as string[],
    variables: spec.batch['build-list'][0].env.variables as Record<string, string>,
    // Where the synth staged the pipeline's own assets, the orphan script's among them.
    published: app.outdir,
  };
}

/**
 * Runs a build's commands for real, in bash, as CodeBuild does (in one shell, each as it is; a
 * failed command ends the build), with stand-ins that log when they start and end: `npm` (the
 * CLI's install), `cdk` (each deploy; the monitoring stack's slower than a test) and the test
 * script (`FAIL_TEST` fails; `SLOW_TEST` is slow), and `aws`, which describes the account's stacks
 * as `options.stacks` gives them and logs each stack it is asked to delete.
 */
interface BuildOptions {
  readonly failStack?: string;
  readonly failTest?: string;
  readonly slowTest?: string;
  readonly stacks?: object[];
}

function runBuild({ commands, variables, published }: ReturnType<typeof buildOf>, options: BuildOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-build-'));
  const beside = '/tmp/beside';
  fs.rmSync(beside, { recursive: true, force: true });
  try {
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    const log = path.join(dir, 'log.txt');
    fs.writeFileSync(path.join(dir, 'bin', 'npm'), `#!/bin/bash\necho "npm start" >> ${log}\nsleep 0.5\necho "npm end" >> ${log}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'bin', 'cdk'), [
      '#!/bin/bash',
      'STACKS=$(printf "%s\\n" "$@" | grep "^[A-Za-z].*/" | tr "\\n" " " | sed "s/ $//")',
      `echo "start $STACKS" >> ${log}`,
      'case "$STACKS" in *Monitoring*) sleep 1.5;; esac',
      `echo "end $STACKS" >> ${log}`,
      '[ -z "$FAIL_STACK" ] || [ "$STACKS" != "$FAIL_STACK" ] || { echo "$STACKS failed"; exit 1; }',
    ].join('\n'), { mode: 0o755 });
    // The account's stacks, as `options.stacks` gives them; deletions logged.
    fs.writeFileSync(path.join(dir, 'bin', 'aws'), [
      '#!/bin/bash',
      'if [ "$1 $2" = "sts assume-role" ]; then echo "AKIA SECRET TOKEN"; exit 0; fi',
      ...s3CopyStandIn(published),
      `if [ "$2" = describe-stacks ]; then echo '${JSON.stringify({ Stacks: options.stacks ?? [] })}'; exit 0; fi`,
      `if [ "$2" = delete-stack ]; then echo "delete $6 $4" >> ${log}; exit 0; fi`,
      'exit 1',
    ].join('\n'), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'scripts', 'test'), [
      '#!/bin/bash',
      `echo "test $1 start" >> ${log}`,
      '[ "$1" = "$SLOW_TEST" ] && sleep 1 || sleep 0.3',
      `echo "test $1 end" >> ${log}`,
      'echo "output of $1"',
      '[ "$1" != "$FAIL_TEST" ]',
    ].join('\n'), { mode: 0o755 });
    const script = commands.map(c => `${c} || exit $?`).join('\n');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-c', script], {
      cwd: dir,
      env: {
        PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
        HOME: dir,
        TMPDIR: dir,
        CODEBUILD_SRC_DIR_Synth_Output: dir,
        FAIL_STACK: options.failStack ?? '',
        FAIL_TEST: options.failTest ?? '',
        SLOW_TEST: options.slowTest ?? '',
        ...variables,
      },
      encoding: 'utf-8',
    });
    return { status: result.status, stdout: result.stdout, log: fs.readFileSync(log, 'utf-8').trim().split('\n') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(beside, { recursive: true, force: true });
  }
}

describe('an environment\'s deploy build', () => {
  const dev = buildOf(EnvironmentTier.DEV, 'dev');

  test('deploys the stacks the tests need once the CLI is installed, then runs the tests while the monitoring and account baseline stacks deploy, and waits for them', () => {
    expect([dev.variables.STACKS, dev.variables.STACKS_BESIDE_TESTS]).toEqual(['dev/Foundation dev/Workload', 'dev/Monitoring dev/AccountBaseline']);
    const { status, stdout, log } = runBuild(dev);
    expect(status).toBe(0);
    expect(log.slice(0, 4)).toEqual(['npm start', 'npm end', 'start dev/Foundation dev/Workload', 'end dev/Foundation dev/Workload']);
    // The monitoring stack's deploy overlaps the tests (which of the two starts first is the race of two processes).
    expect(new Set(log.slice(4, 6))).toEqual(new Set(['start dev/Monitoring dev/AccountBaseline', 'test SMOKE start']));
    expect(log.slice(6)).toEqual(['test SMOKE end', 'end dev/Monitoring dev/AccountBaseline']);
    expect(stdout).toContain('== Deploy of dev/Monitoring dev/AccountBaseline (beside the tests) ==');
  });

  test('fails when the stacks beside the tests fail to deploy, though the tests passed', () => {
    const { status, stdout, log } = runBuild(dev, { failStack: 'dev/Monitoring dev/AccountBaseline' });
    expect(status).not.toBe(0);
    expect(log).toContain('test SMOKE end');
    expect(stdout).toContain('dev/Monitoring dev/AccountBaseline failed');
  });

  test('last, once its stacks are deployed and tested, deletes the stacks of the environment the app no longer has (Dev\'s data is throwaway)', () => {
    const stack = (name: string, app = 'shop') => ({
      StackName: name,
      StackId: `arn:aws:cloudformation:eu-west-1:111111111111:stack/${name}/0f3c2a10-7b1e-11ef-9a4d-0a1b2c3d4e5f`,
      StackStatus: 'CREATE_COMPLETE',
      Tags: [{ Key: 'Environment', Value: 'dev' }, { Key: 'cdk-multi-env:app', Value: app }],
      EnableTerminationProtection: false,
    });
    const stacks = [stack('dev-Foundation'), stack('dev-Workload'), stack('dev-Reports'), stack('dev-Reports', 'billing')];
    const { status, stdout, log } = runBuild(dev, { stacks });
    expect(status).toBe(0);
    expect(log.slice(-2)).toEqual(['end dev/Monitoring dev/AccountBaseline', 'delete dev-Reports eu-west-1']);
    expect(stdout).toContain('dev-Reports: deleted now');
    expect(dev.variables).toMatchObject({
      ORPHAN_MODE: 'delete',
      ORPHAN_SEARCH: 'shop|dev|dev-Foundation,shop-baseline-111111111111-eu-west-1,dev-Monitoring,dev-Workload|shop-baseline-,shop-account-baseline',
      ORPHAN_REGIONS: 'eu-west-1',
    });
  });

  test('deleteOrphanedStacks: false: the build only reports them, and no job lists them for an approval', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app, { tests: ALL_TESTS });
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV), { deleteOrphanedStacks: false });
    pipeline.addEnvironment(environment(app, EnvironmentTier.STAGING, { cidr: '10.1.0.0/16' }), { deleteOrphanedStacks: false });
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    for (const stage of ['dev', 'staging']) {
      expect(buildSpecOf(template, actionOf(template, stage, 'Deploy')).batch['build-list'][0].env.variables.ORPHAN_MODE).toBe('report');
    }
    expect(JSON.stringify(template)).not.toContain('ListOrphans');
  });

  test('deploys the monitoring stack first where a test reads its outputs; the account baseline still beside the tests', () => {
    const reading = buildOf(EnvironmentTier.DEV, 'dev', true);
    expect(reading.variables.STACKS).toBe('dev/Foundation dev/Monitoring dev/Workload');
    expect(reading.variables.STACKS_BESIDE_TESTS).toBe('dev/AccountBaseline');
  });
});

describe('the tests of a deploy build', () => {
  const qa = buildOf(EnvironmentTier.QA, 'qa');
  const staging = buildOf(EnvironmentTier.STAGING, 'staging');

  test('after deploy, side by side, each one\'s output printed under its name, in the tier\'s order', () => {
    const { status, stdout, log } = runBuild(qa, { slowTest: 'INTEGRATION' });
    expect(status).toBe(0);
    const tests = log.filter(l => l.startsWith('test '));
    // Both start before either ends: side by side.
    expect(new Set(tests.slice(0, 2))).toEqual(new Set(['test INTEGRATION start', 'test PERFORMANCE start']));
    expect(tests.slice(2)).toEqual(['test PERFORMANCE end', 'test INTEGRATION end']);
    expect(log.indexOf('end qa/Foundation qa/Workload')).toBeLessThan(log.indexOf('test INTEGRATION start'));
    expect(stdout).toContain('== IntegrationTests, PerformanceTests of qa, side by side ==');
    const integration = stdout.indexOf('== IntegrationTests of qa ==');
    const performance = stdout.indexOf('== PerformanceTests of qa ==');
    expect(integration).toBeGreaterThan(-1);
    expect(performance).toBeGreaterThan(integration);
    expect(stdout.slice(integration, performance)).toContain('output of INTEGRATION');
  });

  test('a failed test fails the build, once the others have run', () => {
    const { status, stdout, log } = runBuild(qa, { failTest: 'INTEGRATION', slowTest: 'PERFORMANCE' });
    expect(status).not.toBe(0);
    expect(log).toContain('test PERFORMANCE end');
    expect(stdout).toContain('IntegrationTests of qa failed (exit status 1)');
    expect(stdout).toContain('output of PERFORMANCE');
    expect(stdout).not.toContain('PerformanceTests of qa failed');
  });

  test('before deploy, while the CLI installs, and a failed one deploys nothing', () => {
    const { status, log } = runBuild(staging);
    expect(status).toBe(0);
    expect(log.indexOf('test DATA_MIGRATION start')).toBeLessThan(log.indexOf('npm end'));
    expect(log.indexOf('test DATA_MIGRATION end')).toBeLessThan(log.indexOf('start staging/Foundation staging/Workload'));
    const failed = runBuild(staging, { failTest: 'DATA_MIGRATION' });
    expect(failed.status).not.toBe(0);
    expect(failed.log.filter(l => l.startsWith('start '))).toEqual([]);
  });
});
