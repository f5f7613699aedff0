import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EnvironmentTier, TestKind } from '../../src';
import { environment } from '../support/environments';
import { actionOf, buildSpecOf, newPipeline } from '../support/pipelines';

/**
 * An environment's deploy build, run for real: its commands, as the pipeline writes them, in bash,
 * with a stand-in `cdk` that logs each deploy (the monitoring stack's slower than the tests) and a
 * test script that logs its run. The stacks the tests need are deployed first; the monitoring
 * stack deploys beside the tests, and the build waits for it and fails with it.
 */
function devBuild(outputFromMonitoring = false) {
  const app = new cdk.App();
  const dev = environment(app, EnvironmentTier.DEV);
  const workload = new cdk.Stack(dev, 'Workload');
  workload.addDependency(dev.foundation);
  new cdk.CfnOutput(workload, 'Url', { value: 'https://shop.example.com' });
  const dashboard = new cdk.CfnOutput(cdk.Stack.of(dev.monitoring), 'Dashboard', { value: 'shop-dev' });
  const pipeline = newPipeline(app);
  pipeline.addEnvironment(dev, outputFromMonitoring
    ? { tests: [{ kind: TestKind.SMOKE, commands: ['./scripts/test SMOKE'], envFromOutputs: { DASHBOARD: dashboard } }] } : {});
  const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
  const spec = buildSpecOf(template, actionOf(template, 'dev', 'Deploy'));
  return { commands: spec.phases.build.commands as string[], variables: spec.batch['build-list'][0].env.variables as Record<string, string> };
}

function runBuild(commands: string[], variables: Record<string, string>, failStack = '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-build-'));
  try {
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    const log = path.join(dir, 'log.txt');
    fs.writeFileSync(path.join(dir, 'bin', 'cdk'), [
      '#!/bin/bash',
      'STACKS=$(printf "%s\\n" "$@" | grep "^[A-Za-z].*/" | tr "\\n" " " | sed "s/ $//")',
      `echo "start $STACKS" >> ${log}`,
      'case "$STACKS" in *Monitoring*) sleep 1.5;; esac',
      `echo "end $STACKS" >> ${log}`,
      '[ -z "$FAIL_STACK" ] || [ "$STACKS" != "$FAIL_STACK" ] || { echo "$STACKS failed"; exit 1; }',
    ].join('\n'), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'scripts', 'test'), `#!/bin/bash\necho "test $1 start" >> ${log}\nsleep 0.3\necho "test $1 end" >> ${log}\n`, { mode: 0o755 });
    // CodeBuild runs the commands in one shell, each as it is; a failed command ends the build.
    const script = commands.map(c => `${c} || exit $?`).join('\n');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-c', script], {
      cwd: dir,
      env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, HOME: dir, CODEBUILD_SRC_DIR_Synth_Output: dir, FAIL_STACK: failStack, ...variables },
      encoding: 'utf-8',
    });
    return { status: result.status, stdout: result.stdout, log: fs.readFileSync(log, 'utf-8').trim().split('\n') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('an environment\'s deploy build', () => {
  const { commands, variables } = devBuild();

  test('deploys the stacks the tests need, then runs the tests while the monitoring stack deploys, and waits for it', () => {
    expect([variables.STACKS, variables.STACKS_BESIDE_TESTS]).toEqual(['dev/Foundation dev/Workload', 'dev/Monitoring']);
    const { status, stdout, log } = runBuild(commands, variables);
    expect(status).toBe(0);
    expect(log.slice(0, 2)).toEqual(['start dev/Foundation dev/Workload', 'end dev/Foundation dev/Workload']);
    // The monitoring stack's deploy overlaps the tests (which of the two starts first is the race of two processes).
    expect(new Set(log.slice(2, 4))).toEqual(new Set(['start dev/Monitoring', 'test SMOKE start']));
    expect(log.slice(4)).toEqual(['test SMOKE end', 'end dev/Monitoring']);
    expect(stdout).toContain('== Deploy of dev/Monitoring (beside the tests) ==');
  });

  test('fails when the monitoring stack fails to deploy, though the tests passed', () => {
    const { status, stdout, log } = runBuild(commands, variables, 'dev/Monitoring');
    expect(status).not.toBe(0);
    expect(log).toContain('test SMOKE end');
    expect(stdout).toContain('dev/Monitoring failed');
  });

  test('deploys the monitoring stack first where a test reads its outputs', () => {
    const reading = devBuild(true);
    expect(reading.variables.STACKS).toBe('dev/Foundation dev/Monitoring dev/Workload');
    expect(reading.variables.STACKS_BESIDE_TESTS).toBeUndefined();
  });
});
