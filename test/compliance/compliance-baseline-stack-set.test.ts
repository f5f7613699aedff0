import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ComplianceBaselineStackSet, ComplianceBaselineStackSetProps, EnvironmentTier } from '../../src';

function stackSetIn(props: Partial<ComplianceBaselineStackSetProps> = {}): { stackSet: ComplianceBaselineStackSet; template: Template } {
  const app = new cdk.App();
  const management = new cdk.Stack(app, 'Management', { env: { account: '111111111111', region: 'eu-west-1' } });
  const stackSet = new ComplianceBaselineStackSet(management, 'Workloads', {
    tier: EnvironmentTier.PROD, organizationalUnitIds: ['ou-ab12-cdefgh34'], regions: ['eu-west-1'], ...props,
  });
  return { stackSet, template: Template.fromStack(management) };
}

describe('ComplianceBaselineStackSet', () => {
  const { stackSet, template } = stackSetIn();
  const body = JSON.parse(stackSet.templateBody);

  test('a service-managed StackSet that deploys to every account of the OUs, and to accounts that join later', () => {
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'compliance-baseline-prod',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      CallAs: 'SELF',
      Capabilities: ['CAPABILITY_IAM'],
      ManagedExecution: { Active: true },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdefgh34'] }, Regions: ['eu-west-1'] }],
      TemplateBody: stackSet.templateBody,
    });
  });

  test('its template is self-contained: no parameters, no bootstrap rule, no assets, no imports, no fixed account or region', () => {
    expect(Object.keys(body).sort()).toEqual(['Description', 'Resources']);
    const text = stackSet.templateBody;
    expect(text).not.toMatch(/BootstrapVersion|AssetParameters|cdk-[a-z0-9]+-assets|Fn::ImportValue|S3Bucket"|S3Key"/);
    expect(text).not.toMatch(/111111111111/);
    for (const fn of Object.values(body.Resources).filter((r: any) => r.Type === 'AWS::Lambda::Function') as any[]) {
      expect(Object.keys(fn.Properties.Code)).toEqual(['ZipFile']);
    }
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(51_200);
  });

  test('the same template when the CDK CLI runs the app (its context and output directory)', () => {
    const saved = { context: process.env.CDK_CONTEXT_JSON, outdir: process.env.CDK_OUTDIR };
    // The CLI passes cdk.json's context (the feature flags every test's app has) with its own keys added.
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...JSON.parse(saved.context ?? '{}'), 'aws:cdk:enable-path-metadata': true });
    process.env.CDK_OUTDIR = '/nonexistent/cdk.out';
    try {
      expect(stackSetIn().stackSet.templateBody).toEqual(stackSet.templateBody);
    } finally {
      for (const [name, value] of [['CDK_CONTEXT_JSON', saved.context], ['CDK_OUTDIR', saved.outdir]] as const) {
        if (value === undefined) delete process.env[name]; else process.env[name] = value;
      }
    }
  });

  test('the template holds the whole baseline of the tier', () => {
    const types = Object.values(body.Resources).map((r: any) => r.Type);
    for (const type of ['AWS::CloudTrail::Trail', 'AWS::Config::ConfigurationRecorder', 'AWS::GuardDuty::Detector', 'AWS::SecurityHub::Hub',
      'AWS::AccessAnalyzer::Analyzer', 'Custom::S3PublicAccessBlock', 'Custom::EbsEncryptionByDefault']) {
      expect(types).toContain(type);
    }
    expect(types.filter(t => t === 'AWS::Logs::MetricFilter')).toHaveLength(14);
  });

  test('the management stack holds only the StackSet', () => {
    expect(Object.values(template.toJSON().Resources).map((r: any) => r.Type)).toEqual(['AWS::CloudFormation::StackSet']);
  });

  test('options switch parts off in every account; more regions without the trail', () => {
    const { stackSet: regional } = stackSetIn({ cloudTrail: false, guardDuty: false, regions: ['eu-west-1', 'eu-central-1'], delegatedAdministrator: true });
    const types = Object.values(JSON.parse(regional.templateBody).Resources).map((r: any) => r.Type);
    expect(types).not.toContain('AWS::CloudTrail::Trail');
    expect(types).not.toContain('AWS::GuardDuty::Detector');
    Template.fromStack(cdk.Stack.of(regional)).hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'DELEGATED_ADMIN',
      StackInstancesGroup: [{ DeploymentTargets: Match.anyValue(), Regions: ['eu-west-1', 'eu-central-1'] }],
    });
  });

  test.each([
    [{ organizationalUnitIds: ['ou-1'] }, "organizationalUnitIds has 'ou-1'; expected an organizational unit id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)"],
    [{ organizationalUnitIds: [] }, 'organizationalUnitIds is empty'],
    [{ regions: ['mars-1'] }, "regions has 'mars-1'; expected an AWS region such as eu-west-1"],
    [{ regions: ['eu-west-1', 'us-east-1'] }, "regions has 2 regions, but the baseline's trail records every region from one"],
    [{ stackSetName: 'Bad Name' }, "stackSetName is 'Bad Name'"],
  ])('rejects %j', (props, message) => {
    expect(() => stackSetIn(props)).toThrow(message);
  });

  test('the baseline\'s own checks apply', () => {
    expect(() => stackSetIn({ cloudTrail: false, cisAlarms: true })).toThrow(/cisAlarms is true, but cloudTrail is false/);
  });
});
