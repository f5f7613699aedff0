import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as cpactions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EnvironmentTier, SafetyChecks } from '../../src';
import { environment } from '../support/environments';
import { AS_SUBPROCESS, readReport } from '../support/safety';

/**
 * A throwaway app with one violation of each kind planted in it, synthesized as a user runs the
 * checks (`Validations.of(app).addPlugins(new SafetyChecks())`): each must be in the report that
 * aws-cdk-lib writes, and synthesis must fail.
 */
describe('planted violations', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'safety-planted-'));
  let exitCode: typeof process.exitCode;
  let found: ReturnType<typeof readReport> = [];

  beforeAll(() => {
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = new cdk.App({ outdir, context: AS_SUBPROCESS });
      cdk.Validations.of(app).addPlugins(new SafetyChecks());

      const prod = environment(app, EnvironmentTier.PROD);
      const workload = new cdk.Stack(prod, 'Workload');
      // production-data-retained: a table whose deletion protection is off.
      new dynamodb.Table(workload, 'Orders', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });

      const plain = new cdk.Stack(app, 'Plain', { env: { account: '999999999999', region: 'eu-west-1' } });
      // no-wildcard-action and trust-within-app: an administrator that an account outside the app may become.
      new iam.Role(plain, 'Admin', { assumedBy: new iam.AccountPrincipal('123456789012') })
        .addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
      // bucket-public-access-and-tls: a bucket with aws-cdk-lib's defaults.
      new s3.Bucket(plain, 'Uploads');
      // log-group-retention: a log group kept forever.
      new logs.LogGroup(plain, 'AuditLogs', { retention: logs.RetentionDays.INFINITE });
      // branch-lane-isolation: a hotfix lane whose job reads and writes the main lane's artifact storage.
      const source = new s3.Bucket(plain, 'Source', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, versioned: true });
      const lane = (id: string, props: Partial<codepipeline.PipelineProps>, metadata: object) => {
        const output = new codepipeline.Artifact();
        const pipeline = new codepipeline.Pipeline(plain, id, {
          pipelineType: codepipeline.PipelineType.V2,
          ...props,
          stages: [
            { stageName: 'Source', actions: [new cpactions.S3SourceAction({ actionName: 'Source', bucket: source, bucketKey: 'source.zip', output })] },
            { stageName: 'Build', actions: [new cpactions.CodeBuildAction({ actionName: 'Build', project: new codebuild.PipelineProject(plain, `${id}Job`), input: output })] },
          ],
        });
        (pipeline.node.defaultChild as cdk.CfnResource).addMetadata('cdk-multi-env:lane', metadata);
        return pipeline;
      };
      const main = lane('Main', { crossAccountKeys: true }, { lane: 'main', branches: ['main'], protected: true });
      lane('Hotfix', { artifactBucket: main.artifactBucket }, { lane: 'hotfix', branches: ['hotfix/*'], protected: false });

      app.synth();
      exitCode = process.exitCode;
      found = readReport(outdir);
    } finally {
      printed.mockRestore();
      process.exitCode = 0;
    }
  });

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('synthesis fails (exit code 1) and writes the report', () => {
    expect(exitCode).toBe(1);
    expect(fs.existsSync(path.join(outdir, 'validation-report.json'))).toBe(true);
  });

  test.each([
    ['no-wildcard-action', 'Plain/Admin/DefaultPolicy/Resource'],
    ['trust-within-app', 'Plain/Admin/Resource'],
    ['production-data-retained', 'prod/Workload/Orders/Resource'],
    ['bucket-public-access-and-tls', 'Plain/Uploads/Resource'],
    ['log-group-retention', 'Plain/AuditLogs/Resource'],
    ['branch-lane-isolation', 'Plain/HotfixJob/Role/Resource'],
  ])('%s is caught, at %s', (rule, constructPath) => {
    expect(found.filter(f => f.rule === rule).map(f => f.path)).toEqual([constructPath]);
  });

  test('nothing else is reported', () => {
    expect(found).toHaveLength(6);
  });
});
