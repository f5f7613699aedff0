import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as cpactions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ERRORFILE_ENV } from 'aws-cdk-lib/cx-api';
import { EnvironmentTier } from '../../src';
import { environment } from '../support/environments';
import { newPipeline, stagesOf } from '../support/pipelines';

/**
 * CDK Pipelines' escape hatch, through the library: `buildPipelines()` builds the pipelines with
 * every environment, after which each lane's CodePipeline pipeline can be changed as any other.
 */
function appWithDevAndHotfix(outdir?: string) {
  const app = new cdk.App({ outdir });
  const pipeline = newPipeline(app);
  pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
  const approvers = [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'ReleaseManagers', 'release-managers')];
  pipeline.addEnvironment(environment(app, EnvironmentTier.PROD, { cidr: '10.1.0.0/16' }), { approvers, bakeAlarmNames: ['errors'] });
  pipeline.addEnvironment(environment(app, EnvironmentTier.HOTFIX, { cidr: '10.2.0.0/16' }), { approvers });
  return { app, pipeline };
}

describe('buildPipelines', () => {
  test('then a stage added to the main pipeline and a property overridden on the hotfix lane\'s: both in the template, after the library\'s stages', () => {
    const { app, pipeline } = appWithDevAndHotfix();
    pipeline.buildPipelines();
    pipeline.pipeline.pipeline.addStage({
      stageName: 'Audit',
      actions: [new cpactions.ManualApprovalAction({ actionName: 'RecordRelease' })],
    });
    (pipeline.hotfixPipeline!.pipeline.node.defaultChild as codepipeline.CfnPipeline).addPropertyOverride('ExecutionMode', 'QUEUED');
    pipeline.buildPipelines(); // a second call does nothing

    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    const stages = stagesOf(template);
    const main = Object.keys(stages).find(id => id.startsWith('DeliveryPipelineDefinition'))!;
    const hotfix = Object.keys(stages).find(id => id.startsWith('DeliveryHotfixPipelineDefinition'))!;
    expect(Object.keys(stages[main])).toEqual(expect.arrayContaining(['dev', 'prod']));
    expect(Object.keys(stages[main]).at(-1)).toBe('Audit');
    expect(stages[main].Audit).toEqual(['RecordRelease[Approval/1]']);
    expect(template.Resources[hotfix].Properties.ExecutionMode).toBe('QUEUED');
    expect(template.Resources[main].Properties.ExecutionMode).not.toBe('QUEUED');
    expect(() => app.synth()).not.toThrow();
  });

  test('no environment can be added after it', () => {
    const { app, pipeline } = appWithDevAndHotfix();
    pipeline.buildPipelines();
    expect(() => pipeline.addEnvironment(environment(app, EnvironmentTier.DEMO, { cidr: '10.3.0.0/16' }))).toThrow(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'demo': pipelines are already built (buildPipelines()); add every environment and wave before building them");
  });

  test('CDK Pipelines\' own buildPipeline(), called before the environments are placed, is refused with what to call instead', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'escape-hatch-'));
    const { app, pipeline } = appWithDevAndHotfix(outdir);
    pipeline.pipeline.buildPipeline();
    expect(() => app.synth()).toThrow(
      "[Tooling/Delivery] MultiEnvPipeline 'Delivery': pipeline was built before the environments were placed in it (its buildPipeline() was called); "
      + 'call buildPipelines() of the MultiEnvPipeline instead, which places them first');
    // Found before any environment wrote its templates.
    expect(fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => f.endsWith('.template.json'))).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('a successful synth leaves nothing in the CDK CLI\'s error file (the check for a lane built too early throws nothing)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'error-file-'));
    const file = path.join(dir, 'error.txt');
    const previous = process.env[ERRORFILE_ENV];
    process.env[ERRORFILE_ENV] = file;
    try {
      const { app } = appWithDevAndHotfix(path.join(dir, 'cdk.out'));
      app.synth();
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      if (previous === undefined) delete process.env[ERRORFILE_ENV]; else process.env[ERRORFILE_ENV] = previous;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
