import * as cdk from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as cpactions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EnvironmentTier } from '../../src';
import { branchLaneIsolation } from '../../src/validation/private/branch-lane-isolation';
import { IamReference } from '../../src/validation/private/iam-reference';
import { CheckedTemplate } from '../../src/validation/private/rule';
import { environment, TOOLING } from '../support/environments';
import { Found, safetyViolations, stackIn } from '../support/safety';

type LaneName = 'main' | 'hotfix' | 'feature';

/** Marks a pipeline with its lane, as the library marks the pipelines it creates. */
function markLane(pipeline: codepipeline.Pipeline, lane: LaneName): void {
  const branches = { main: ['main'], hotfix: ['hotfix/*'], feature: ['feature/*'] }[lane];
  (pipeline.node.defaultChild as cdk.CfnResource).addMetadata('cdk-multi-env:lane', { lane, branches, protected: lane === 'main' });
}

/** A stage: its name and its actions, built on the source's output. */
type StageOf = [name: string, actions: (input: codepipeline.Artifact) => codepipeline.IAction[]];

interface LanePipelineOptions extends Partial<codepipeline.PipelineProps> {
  readonly lane?: LaneName;
}

/** The tooling stack (999999999999), a Prod environment (444444444444 is a production account) and a source bucket. */
function tooling(app: cdk.App) {
  environment(app, EnvironmentTier.PROD);
  const stack = stackIn(app, 'Tooling', TOOLING);
  const source = new s3.Bucket(stack, 'Source', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, versioned: true });
  const pipeline = (id: string, stages: StageOf[], options: LanePipelineOptions = {}) => {
    const { lane, ...props } = options;
    const output = new codepipeline.Artifact();
    const created = new codepipeline.Pipeline(stack, id, {
      pipelineType: codepipeline.PipelineType.V2,
      ...props,
      stages: [
        { stageName: 'Source', actions: [new cpactions.S3SourceAction({ actionName: 'Source', bucket: source, bucketKey: 'source.zip', output })] },
        ...stages.map(([stageName, build]) => ({ stageName, actions: build(output) })),
      ],
    });
    if (lane) markLane(created, lane);
    return created;
  };
  return { stack, pipeline };
}

const job = (stack: cdk.Stack, id: string) => new codebuild.PipelineProject(stack, id);
const run = (project: codebuild.IProject, input: codepipeline.Artifact, runOrder = 1, actionName = project.node.id) =>
  new cpactions.CodeBuildAction({ actionName, project, input, runOrder });
const approval = (runOrder = 1) => new cpactions.ManualApprovalAction({ actionName: 'Approve', runOrder });

/** What the rule reports when the app is synthesized with `SafetyChecks` (other rules' findings left out). */
const violations = (build: (app: cdk.App) => void): Found[] => safetyViolations(build).filter(f => f.rule === 'branch-lane-isolation');

const PROD_DEPLOY_ROLE = `arn:${cdk.Aws.PARTITION}:iam::444444444444:role/cdk-hnb659fds-deploy-role-444444444444-eu-west-1`;
const assumeRole = (resource: string, action = 'sts:AssumeRole') => new iam.PolicyStatement({ actions: [action], resources: [resource] });

/** The ids of what the apps below create. */
const SMOKE_ROLE = 'SmokeRole995F9276';
const SMOKE_POLICY = 'SmokeRoleDefaultPolicyB5B03ED0';
const MAIN_BUCKET = 'MainArtifactsBucketC226FE11';
const MAIN_KEY = 'MainArtifactsBucketEncryptionKeyD21957CC';

/** The main lane (protected, storage of its own) with one build job; returns its pipeline. */
const mainLane = (stack: cdk.Stack, pipeline: ReturnType<typeof tooling>['pipeline']) => {
  const build = job(stack, 'Build');
  return pipeline('Main', [['Build', input => [run(build, input)]]], { lane: 'main', crossAccountKeys: true });
};

/**
 * An app with the main lane and a hotfix lane with artifact storage of its own that runs the job
 * `Smoke`: by default in stage `Test`, before the stage `Gate` with the lane's approval, or in the
 * `stages` given. `grant` gives the smoke job's role its permissions.
 */
type Grant = (smoke: codebuild.PipelineProject) => void;
const hotfixLane = (grant: Grant, stages?: (smoke: codebuild.PipelineProject) => StageOf[]) => (app: cdk.App) => {
  const { stack, pipeline } = tooling(app);
  mainLane(stack, pipeline);
  const smoke = job(stack, 'Smoke');
  grant(smoke);
  pipeline('Hotfix', stages?.(smoke) ?? [['Test', input => [run(smoke, input)]], ['Gate', () => [approval()]]], { lane: 'hotfix', crossAccountKeys: true });
};

describe('branch-lane-isolation: artifact storage', () => {
  test('GIVEN a hotfix lane sharing the main lane\'s artifact bucket, its job granted read on it WHEN synthesized THEN the job\'s role violates, '
    + 'at each statement on the bucket and on its key, naming the actions and lane main', () => {
    const found = violations(app => {
      const { stack, pipeline } = tooling(app);
      const main = mainLane(stack, pipeline);
      const smoke = job(stack, 'Smoke');
      main.artifactBucket.grantRead(smoke);
      pipeline('Hotfix', [['Gate', () => [approval()]], ['Test', input => [run(smoke, input)]]], { lane: 'hotfix', artifactBucket: main.artifactBucket });
    });
    expect(found).toEqual([{
      rule: 'branch-lane-isolation',
      path: 'Tooling/Smoke/Role/Resource',
      logicalId: SMOKE_ROLE,
      template: 'Tooling.template.json',
      locations: [
        `${SMOKE_POLICY}/Properties/PolicyDocument/Statement/2: s3:GetBucket*, s3:GetObject*, s3:List* on \${${MAIN_BUCKET}.Arn} (artifact storage of lane 'main')`,
        `${SMOKE_POLICY}/Properties/PolicyDocument/Statement/2: s3:GetBucket*, s3:GetObject*, s3:List* on \${${MAIN_BUCKET}.Arn}/* (artifact storage of lane 'main')`,
        // One statement on the key: @aws-cdk/aws-iam:minimizePolicies merges the role's two grants on it.
        `${SMOKE_POLICY}/Properties/PolicyDocument/Statement/3: kms:Decrypt, kms:DescribeKey, kms:Encrypt, kms:GenerateDataKey*, kms:ReEncrypt* on \${${MAIN_KEY}.Arn} (artifact storage of lane 'main')`,
      ],
    }]);
  });

  test('GIVEN a branch lane with storage of its own whose job may decrypt with the main lane\'s key WHEN synthesized THEN the role violates, at that statement', () => {
    const found = violations(app => {
      const { stack, pipeline } = tooling(app);
      const main = mainLane(stack, pipeline);
      const smoke = job(stack, 'Smoke');
      main.artifactBucket.encryptionKey!.grantDecrypt(smoke);
      pipeline('Feature', [['Test', input => [run(smoke, input)]]], { lane: 'feature', crossAccountKeys: true });
    });
    expect(found.map(f => [f.logicalId, f.locations])).toEqual([[SMOKE_ROLE, [
      `${SMOKE_POLICY}/Properties/PolicyDocument/Statement/2: kms:Decrypt on \${${MAIN_KEY}.Arn} (artifact storage of lane 'main')`,
    ]]]);
  });

  test('GIVEN a branch lane with artifact storage of its own WHEN synthesized THEN nothing violates', () => {
    expect(violations(hotfixLane(() => undefined))).toEqual([]);
  });
});

describe('branch-lane-isolation: production roles before the approval', () => {
  test('GIVEN a hotfix job that may assume the deploy role of the production account, before the approval WHEN synthesized THEN its role violates', () => {
    const found = violations(hotfixLane(smoke => smoke.addToRolePolicy(assumeRole(PROD_DEPLOY_ROLE))));
    expect(found).toEqual([{
      rule: 'branch-lane-isolation',
      path: 'Tooling/Smoke/Role/Resource',
      logicalId: SMOKE_ROLE,
      template: 'Tooling.template.json',
      locations: [`${SMOKE_POLICY}/Properties/PolicyDocument/Statement/2: sts:AssumeRole on arn:\${AWS::Partition}:iam::444444444444:role/cdk-hnb659fds-deploy-role-444444444444-eu-west-1 `
        + '(production account 444444444444) before the first approval of lane \'hotfix\''],
    }]);
  });

  const withDeployRole = (smoke: codebuild.PipelineProject) => smoke.addToRolePolicy(assumeRole(PROD_DEPLOY_ROLE));
  test.each<[string, (smoke: codebuild.PipelineProject) => StageOf[]]>([
    ['in a later stage than the approval', smoke => [['Gate', () => [approval()]], ['Test', input => [run(smoke, input)]]]],
    ['in the approval\'s stage, with a greater run order', smoke => [['Test', input => [approval(1), run(smoke, input, 2)]]]],
  ])('GIVEN the job %s WHEN synthesized THEN nothing violates', (_, stages) => {
    expect(violations(hotfixLane(withDeployRole, stages))).toEqual([]);
  });

  test.each<[string, (smoke: codebuild.PipelineProject) => StageOf[], string]>([
    ['in the approval\'s stage, with the same run order', smoke => [['Test', input => [approval(1), run(smoke, input, 1)]]], 'before the first approval of lane \'hotfix\''],
    ['in the approval\'s stage, with a smaller run order', smoke => [['Test', input => [approval(2), run(smoke, input, 1)]]], 'before the first approval of lane \'hotfix\''],
    ['after a second approval only', smoke => [['Test', input => [run(smoke, input)]], ['Gate', () => [approval()]], ['Again', input => [approval(), run(job(smoke.stack, 'Late'), input, 2)]]],
      'before the first approval of lane \'hotfix\''],
    ['in a lane without approval', smoke => [['Test', input => [run(smoke, input)]]], 'in lane \'hotfix\', which has no approval'],
  ])('GIVEN the job %s WHEN synthesized THEN its role violates', (_, stages, when) => {
    const found = violations(hotfixLane(withDeployRole, stages));
    expect(found.map(f => [f.logicalId, f.locations])).toEqual([[SMOKE_ROLE, [
      `${SMOKE_POLICY}/Properties/PolicyDocument/Statement/2: sts:AssumeRole on arn:\${AWS::Partition}:iam::444444444444:role/cdk-hnb659fds-deploy-role-444444444444-eu-west-1 `
        + `(production account 444444444444) ${when}`,
    ]]]);
  });

  test.each([
    ['any resource (*)', '*', 'sts:AssumeRole', 'sts:AssumeRole on * (any role, of production account 444444444444 too)'],
    ['a role of any account', 'arn:aws:iam::*:role/deployer', 'sts:AssumeRole', 'sts:AssumeRole on arn:aws:iam::*:role/deployer (an account wildcard that matches production account 444444444444)'],
    ['anything of IAM', 'arn:aws:iam::*', 'sts:AssumeRole', 'sts:AssumeRole on arn:aws:iam::* (an account wildcard that matches production account 444444444444)'],
    ['the production role, with sts:*', 'arn:aws:iam::444444444444:role/deployer', 'sts:*', 'sts:* on arn:aws:iam::444444444444:role/deployer (production account 444444444444)'],
    ['the production role, with sts:Assume*', 'arn:aws:iam::444444444444:role/deployer', 'sts:Assume*', 'sts:Assume* on arn:aws:iam::444444444444:role/deployer (production account 444444444444)'],
  ])('GIVEN a job before the approval that may assume %s WHEN synthesized THEN its role violates', (_, resource, action, location) => {
    const found = violations(hotfixLane(smoke => smoke.addToRolePolicy(assumeRole(resource, action))));
    expect(found.map(f => [f.logicalId, f.locations])).toEqual([[SMOKE_ROLE, [
      `${SMOKE_POLICY}/Properties/PolicyDocument/Statement/2: ${location} before the first approval of lane 'hotfix'`,
    ]]]);
  });

  test.each([
    ['a role of the tooling account', 'sts:AssumeRole', 'arn:aws:iam::999999999999:role/deployer'],
    ['a role of an account that holds no production stack', 'sts:AssumeRole', 'arn:aws:iam::111111111111:role/deployer'],
    ['a role of the tooling account in any partition', 'sts:AssumeRole', 'arn:*:iam::999999999999:role/*'],
    ['the production role, with an action other than sts:AssumeRole', 'sts:TagSession', PROD_DEPLOY_ROLE],
  ])('GIVEN a job before the approval that may assume %s WHEN synthesized THEN nothing violates', (_, action, resource) => {
    expect(violations(hotfixLane(smoke => smoke.addToRolePolicy(assumeRole(resource, action))))).toEqual([]);
  });
});

describe('branch-lane-isolation: what cannot be read', () => {
  test('GIVEN a branch-lane job whose role has an AWS managed policy WHEN synthesized THEN the role violates, at the policy\'s ARN', () => {
    const found = violations(hotfixLane(smoke => smoke.role!.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'))));
    expect(found.map(f => [f.logicalId, f.locations])).toEqual([[SMOKE_ROLE, [
      `${SMOKE_ROLE}/Properties/ManagedPolicyArns/0: arn:\${AWS::Partition}:iam::aws:policy/ReadOnlyAccess cannot be read at synth time `
        + '(a managed policy that is not in the template), on the role of a job of lane \'hotfix\'',
    ]]]);
  });

  test('GIVEN a branch-lane job whose role has a managed policy of the template WHEN synthesized THEN the policy\'s statements are read', () => {
    const found = violations(hotfixLane(smoke => {
      smoke.role!.addManagedPolicy(new iam.ManagedPolicy(smoke.stack, 'Deployer', { statements: [assumeRole(PROD_DEPLOY_ROLE)] }));
    }));
    expect(found.map(f => [f.logicalId, f.locations])).toEqual([[SMOKE_ROLE, [
      expect.stringMatching(/^Deployer[0-9A-F]{8}\/Properties\/PolicyDocument\/Statement\/0: sts:AssumeRole on .* before the first approval of lane 'hotfix'$/),
    ]]]);
  });

  test('GIVEN a branch-lane job whose service role is not in the template WHEN synthesized THEN its project violates: the role cannot be checked', () => {
    const found = violations(app => {
      const { stack, pipeline } = tooling(app);
      mainLane(stack, pipeline);
      const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::999999999999:role/smoke', { mutable: false });
      const smoke = new codebuild.PipelineProject(stack, 'Smoke', { role });
      pipeline('Hotfix', [['Test', input => [run(smoke, input)]]], { lane: 'hotfix', crossAccountKeys: true });
    });
    expect(found.map(f => [f.path, f.locations])).toEqual([['Tooling/Smoke/Resource', [
      'Properties/ServiceRole: arn:aws:iam::999999999999:role/smoke cannot be checked: not a role of this template (lane \'hotfix\')',
    ]]]);
  });
});

describe('branch-lane-isolation: what is not checked', () => {
  test('GIVEN the main lane\'s own job, and a pipeline without lane metadata, with production roles and the shared storage WHEN synthesized THEN nothing violates', () => {
    const found = violations(app => {
      const { stack, pipeline } = tooling(app);
      const build = job(stack, 'Build');
      build.addToRolePolicy(assumeRole(PROD_DEPLOY_ROLE));
      build.role!.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'));
      const main = pipeline('Main', [['Build', input => [run(build, input)]]], { lane: 'main', crossAccountKeys: true });
      const other = job(stack, 'Other');
      other.addToRolePolicy(assumeRole('*'));
      pipeline('Unmarked', [['Build', input => [run(other, input)]]], { artifactBucket: main.artifactBucket });
    });
    expect(found).toEqual([]);
  });

  test('GIVEN one role for two jobs of the hotfix lane on the shared storage WHEN synthesized THEN the role is reported once, each statement once', () => {
    const found = violations(app => {
      const { stack, pipeline } = tooling(app);
      const main = mainLane(stack, pipeline);
      const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
      const unit = new codebuild.PipelineProject(stack, 'Unit', { role });
      const smoke = new codebuild.PipelineProject(stack, 'Smoke', { role });
      role.addToPolicy(assumeRole(PROD_DEPLOY_ROLE));
      pipeline('Hotfix', [['Test', input => [run(unit, input), run(smoke, input, 2)]], ['Gate', () => [approval()]]], { lane: 'hotfix', artifactBucket: main.artifactBucket });
    });
    expect(found.map(f => f.path)).toEqual(['Tooling/JobRole/Resource']);
    const locations = found[0].locations!;
    expect(new Set(locations).size).toBe(locations.length);
    expect(locations.map(l => l.replace(/^.*?: /, ''))).toEqual([
      expect.stringMatching(/^sts:AssumeRole on .*444444444444.* before the first approval of lane 'hotfix'$/),
      `s3:GetBucket*, s3:GetObject*, s3:List* on \${${MAIN_BUCKET}.Arn} (artifact storage of lane 'main')`,
      `s3:GetBucket*, s3:GetObject*, s3:List* on \${${MAIN_BUCKET}.Arn}/* (artifact storage of lane 'main')`,
      `kms:Decrypt, kms:DescribeKey, kms:Encrypt, kms:GenerateDataKey*, kms:ReEncrypt* on \${${MAIN_KEY}.Arn} (artifact storage of lane 'main')`,
    ]);
  });
});

/**
 * The rule on a template written by hand: the main lane keeps its artifacts in a bucket and a key
 * of the template (eu-west-1) and in a replication bucket and key known by name and alias
 * (eu-central-1); the hotfix lane's only job has one inline statement.
 */
function checkStatement(actions: string[], resource: unknown) {
  const lane = (name: string) => ({ 'cdk-multi-env:lane': { lane: name, branches: [], protected: name === 'main' } });
  const template: CheckedTemplate = {
    templatePath: 'Tooling.template.json',
    account: TOOLING,
    production: false,
    stackTags: {},
    terminationProtection: false,
    resources: {
      MainBucket: { Type: 'AWS::S3::Bucket' },
      MainKey: { Type: 'AWS::KMS::Key' },
      Main: {
        Type: 'AWS::CodePipeline::Pipeline',
        Metadata: lane('main'),
        Properties: {
          ArtifactStores: [
            { Region: 'eu-west-1', ArtifactStore: { Type: 'S3', Location: { Ref: 'MainBucket' }, EncryptionKey: { Type: 'KMS', Id: { 'Fn::GetAtt': ['MainKey', 'Arn'] } } } },
            { Region: 'eu-central-1', ArtifactStore: { Type: 'S3', Location: 'tooling-replication-bucket-0123', EncryptionKey: { Type: 'KMS', Id: 'arn:aws:kms:eu-central-1:999999999999:alias/tooling-replication' } } },
          ],
        },
      },
      Hotfix: {
        Type: 'AWS::CodePipeline::Pipeline',
        Metadata: lane('hotfix'),
        Properties: { Stages: [{ Name: 'Test', Actions: [{ Name: 'Smoke', ActionTypeId: { Category: 'Test', Provider: 'CodeBuild' }, Configuration: { ProjectName: { Ref: 'Smoke' } } }] }] },
      },
      Smoke: { Type: 'AWS::CodeBuild::Project', Properties: { ServiceRole: { 'Fn::GetAtt': ['SmokeRole', 'Arn'] } } },
      SmokeRole: {
        Type: 'AWS::IAM::Role',
        Properties: { Policies: [{ PolicyName: 'Smoke', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] } }] },
      },
    },
  };
  return branchLaneIsolation.check(template, { accounts: new Set([TOOLING]), productionAccounts: new Set(['444444444444']), environmentAccounts: new Set(['444444444444']), iam: new IamReference() });
}

describe('branch-lane-isolation: which resources reach the protected storage', () => {
  test.each<[string, string[], unknown]>([
    ['the bucket by Fn::Sub', ['s3:GetObject'], { 'Fn::Sub': '${MainBucket.Arn}/*' }],
    ['the bucket by name, inside Fn::Join', ['s3:PutObject'], { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'MainBucket' }, '/*']] }],
    ['every resource, with every action of S3 and KMS', ['s3:*', 'kms:*'], '*'],
    ['any bucket whose name starts with cdk- (the bucket\'s name is not known at synth time)', ['s3:Get*'], 'arn:aws:s3:::cdk-*/*'],
    ['the replication bucket by its name', ['s3:GetObject'], 'arn:aws:s3:::tooling-replication-bucket-0123/*'],
    ['the replication bucket by a glob', ['s3:*'], 'arn:aws:s3:::tooling-replication-*'],
    ['any key of the account', ['kms:Decrypt'], 'arn:aws:kms:*:999999999999:key/*'],
    ['the replication key by its alias', ['kms:Decrypt'], 'arn:aws:kms:eu-central-1:999999999999:alias/tooling-replication'],
    ['every KMS resource', ['kms:*'], 'arn:aws:kms:*'],
  ])('GIVEN a branch-lane job allowed on %s WHEN checked THEN its role violates', (_, actions, resource) => {
    expect(checkStatement(actions, resource)).toEqual([{ logicalId: 'SmokeRole', locations: [expect.stringMatching(/^SmokeRole\/Properties\/Policies\/0\/PolicyDocument\/Statement\/0: .* \(artifact storage of lane 'main'\)$/)] }]);
  });

  test.each<[string, string[], unknown]>([
    ['a bucket of its own, by name', ['s3:GetObject'], 'arn:aws:s3:::hotfix-artifacts/*'],
    ['keys of another account', ['kms:Decrypt'], 'arn:aws:kms:*:111111111111:key/*'],
    ['the bucket, with KMS actions only', ['kms:Decrypt'], { 'Fn::Sub': '${MainBucket.Arn}/*' }],
    ['the key, with S3 actions only', ['s3:GetObject'], { 'Fn::GetAtt': ['MainKey', 'Arn'] }],
    ['aliases of the account (a key of unknown id is not an alias)', ['kms:Decrypt'], 'arn:aws:kms:eu-west-1:999999999999:alias/other-*'],
    ['every resource, with actions of other services', ['logs:PutLogEvents', 'sts:AssumeRole'], 'arn:aws:logs:*'],
  ])('GIVEN a branch-lane job allowed on %s WHEN checked THEN nothing violates', (_, actions, resource) => {
    expect(checkStatement(actions, resource)).toEqual([]);
  });

  test('GIVEN a branch-lane job of a lane without approval allowed every action on every resource WHEN checked THEN its role violates twice: the storage, and the production roles', () => {
    expect(checkStatement(['*'], '*')).toEqual([{
      logicalId: 'SmokeRole',
      locations: [
        'SmokeRole/Properties/Policies/0/PolicyDocument/Statement/0: * on * (artifact storage of lane \'main\')',
        'SmokeRole/Properties/Policies/0/PolicyDocument/Statement/0: * on * (any role, of production account 444444444444 too) in lane \'hotfix\', which has no approval',
      ],
    }]);
  });

  test('GIVEN a violation WHEN checked THEN the location names the statement, the actions that reach the storage and the resource as text', () => {
    expect(checkStatement(['logs:PutLogEvents', 's3:GetObject*', 's3:PutObject'], { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['MainBucket', 'Arn'] }, '/*']] })).toEqual([{
      logicalId: 'SmokeRole',
      locations: ['SmokeRole/Properties/Policies/0/PolicyDocument/Statement/0: s3:GetObject*, s3:PutObject on ${MainBucket.Arn}/* (artifact storage of lane \'main\')'],
    }]);
  });
});
