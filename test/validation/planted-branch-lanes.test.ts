import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { EnvironmentTier, SafetyChecks } from '../../src';
import { environment } from '../support/environments';
import { newPipeline } from '../support/pipelines';
import { AS_SUBPROCESS, Found, readReport } from '../support/safety';

/**
 * A user's own additions that would reopen what the branch lanes close, planted in an app built
 * with the library's pipeline and checked as users check their apps
 * (`Validations.of(app).addPlugins(new SafetyChecks())`): synthesis fails, and the report names
 * the role and the permission.
 */
describe('planted branch-lane violations', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'branch-lanes-planted-'));
  let exitCode: typeof process.exitCode;
  let found: Found[] = [];

  beforeAll(() => {
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = new cdk.App({ outdir, context: AS_SUBPROCESS });
      cdk.Validations.of(app).addPlugins(new SafetyChecks());
      const [dev, prod, hotfix] = [EnvironmentTier.DEV, EnvironmentTier.PROD, EnvironmentTier.HOTFIX]
        .map((tier, i) => environment(app, tier, { cidr: `10.${i}.0.0/16` }));
      const pipeline = newPipeline(app);
      const tooling = cdk.Stack.of(pipeline);
      const people = new iam.Role(tooling, 'People', { assumedBy: new iam.AccountRootPrincipal() });
      pipeline.addEnvironment(dev);
      pipeline.addEnvironment(prod, { approvers: [people], bakeAlarmNames: ['shop-prod-errors'] });
      pipeline.addEnvironment(hotfix, { approvers: [people] });
      const features = pipeline.addFeatureEnvironments(dev);

      // A scan in the hotfix lane, before the hotfix sign-off, that may assume Prod's deploy role.
      pipeline.hotfixPipeline!.addWave('Scan', {
        pre: [new pipelines.CodeBuildStep('ScanProduction', {
          commands: ['./scripts/scan-prod.sh'],
          rolePolicyStatements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [prod.deploymentRoleArn] })],
        })],
      });
      // A feature build granted read access to the main pipeline's artifacts.
      const mainDefinition = pipeline.node.findChild('PipelineDefinition') as codepipeline.Pipeline;
      const featureBuild = features.node.findChild('DeployProject') as cdk.aws_codebuild.PipelineProject;
      mainDefinition.artifactBucket.grantRead(featureBuild);

      app.synth();
      exitCode = process.exitCode;
      found = readReport(outdir).filter(f => f.rule === 'branch-lane-isolation');
    } finally {
      printed.mockRestore();
      process.exitCode = 0;
    }
  });

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('synthesis fails (exit code 1)', () => {
    expect(exitCode).toBe(1);
  });

  test('the hotfix scan\'s role is named, with sts:AssumeRole on Prod\'s deploy role before the first approval', () => {
    const scan = found.filter(f => f.path.includes('ScanProduction'));
    expect(scan.map(f => f.path)).toEqual(['Tooling/Delivery/HotfixPipelineDefinition/Scan/ScanProduction/ScanProduction/Role/Resource']);
    expect(scan[0].locations).toEqual([expect.stringMatching(
      /^\w+DefaultPolicy\w+\/Properties\/PolicyDocument\/Statement\/\d+: sts:AssumeRole on arn:aws:iam::444444444444:role\/shop-prod-deployment \(production account 444444444444\) before the first approval of lane 'hotfix'$/)]);
  });

  test('the feature build\'s role is named, with the S3 actions it has on the main pipeline\'s bucket and the KMS actions on its key', () => {
    const feature = found.filter(f => f.path.includes('FeatureLane'));
    expect(feature.map(f => f.path)).toEqual(['Tooling/Delivery/FeatureLane/DeployProject/Role/Resource']);
    expect(feature[0].locations).toEqual([
      expect.stringMatching(/: s3:GetBucket\*, s3:GetObject\*, s3:List\* on \$\{DeliveryPipelineDefinitionArtifactsBucket\w+\.Arn\} \(artifact storage of lane 'main'\)$/),
      expect.stringMatching(/: s3:GetBucket\*, s3:GetObject\*, s3:List\* on \$\{DeliveryPipelineDefinitionArtifactsBucket\w+\.Arn\}\/\* \(artifact storage of lane 'main'\)$/),
      expect.stringMatching(/: kms:Decrypt, kms:DescribeKey on \$\{DeliveryPipelineDefinitionArtifactsBucketEncryptionKey\w+\.Arn\} \(artifact storage of lane 'main'\)$/),
    ]);
  });

  test('nothing else of the library\'s lanes is reported', () => {
    expect(found).toHaveLength(2);
  });
});
