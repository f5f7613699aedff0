import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnvironmentTier } from '../../src';
import { environment } from '../support/environments';
import { actionOf, buildSpecOf, newPipeline } from '../support/pipelines';
import { AS_SUBPROCESS } from '../support/safety';

/**
 * The pipeline's synth job fails on any finding of the app's validation plugins in any stage: the
 * CDK CLI reports only on the stacks it selected, and an environment's stacks sit in a stage. Run
 * for real: the job's last command, in bash, over the cloud assembly an app with cdk-nag's
 * AwsSolutions pack as a validation plugin synthesized, with a finding planted in Dev's stage and
 * without.
 */
function synthesized(plant: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-validation-'));
  const app = new cdk.App({ outdir: path.join(dir, 'cdk.out'), context: AS_SUBPROCESS });
  cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const dev = environment(app, EnvironmentTier.DEV);
  const workload = new cdk.Stack(dev, 'Workload');
  if (plant) new s3.Bucket(workload, 'Unlogged', { enforceSSL: true, versioned: true });
  const pipeline = newPipeline(app);
  pipeline.addEnvironment(dev);
  const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    app.synth();
    const commands: string[] = buildSpecOf(template, actionOf(template, 'Build', 'Synth')).phases.build.commands;
    return { dir, check: commands[commands.length - 1] };
  } finally {
    printed.mockRestore();
    process.exitCode = 0;
  }
}

/** The synth job's last command, run in bash over the assembly of an app with or without the planted finding. */
function runCheck(plant: boolean) {
  const { dir, check } = synthesized(plant);
  try {
    return spawnSync('bash', ['--noprofile', '--norc', '-c', check], { cwd: dir, encoding: 'utf-8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a finding in a stage fails the synth job, naming the plugin, the rule and the resource', () => {
  const result = runCheck(true);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(1);
  expect(result.stdout).toContain('AwsSolutions: AwsSolutions-S1 on dev/Workload/Unlogged/Resource');
  expect(result.stdout).toContain('nothing is deployed');
});

test('without the finding, the same job passes', () => {
  const result = runCheck(false);
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
});
