import { runSimulation } from '@cloud-copilot/iam-simulate';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { buildReferenceApp } from '../../examples/reference-app';
import { EnvironmentTier, PipelineSource } from '../../src';
import { decide, deployedRole, DeployedRole, resolve } from '../support/deployed-policies';
import { environment } from '../support/environments';
import { isAfter, lanesOf } from '../support/lanes';
import { newPipeline } from '../support/pipelines';

/**
 * What the reference app's synthesized policies allow, evaluated by an offline IAM policy simulator
 * (@cloud-copilot/iam-simulate: identity policies, the target role's trust policy, explicit
 * Denies), on the policies as CloudFormation would deploy them: the gates hold in IAM itself, not
 * only in the commands the jobs run.
 */
const app = new cdk.App({ context: FEATURE_FLAGS });
const reference = buildReferenceApp(app);
app.synth();
const TOOLING = '999999999999';
const PROD = '444444444444';
const tooling = Template.fromStack(cdk.Stack.of(reference.pipeline)).toJSON();
const lanes = lanesOf(tooling);
const main = lanes.find(l => l.lane === 'main')!;
const hotfix = lanes.find(l => l.lane === 'hotfix')!;
const toolingRole = (roleId: string) => deployedRole(tooling, roleId, { account: TOOLING, region: 'eu-west-1' });
const jobRole = (lane: typeof main, stage: string, action: string) =>
  toolingRole(lane.jobs.find(j => j.stage === stage && j.action === action)!.roleId);
const prod = reference.environments.find(e => e.environmentName === 'prod')!;
const prodFoundation = Template.fromStack(prod.foundation).toJSON();
const prodRole = (name: string): DeployedRole => {
  const [id] = Object.entries<any>(prodFoundation.Resources).find(([, r]) => r.Properties?.RoleName === name)!;
  return deployedRole(prodFoundation, id, { account: PROD, region: 'eu-west-1' });
};

/**
 * The trust policy of a CDK bootstrap role after `cdk bootstrap --trust 999999999999` (its own
 * account, and the trusted accounts without an external id: `DeploymentActionRole` and the
 * publishing roles in aws-cdk's lib/api/bootstrap/bootstrap-template.yaml).
 */
const BOOTSTRAP_TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: PROD }, Condition: { Null: { 'sts:ExternalId': 'true' } } },
    { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { AWS: [TOOLING] }, Condition: { Null: { 'sts:ExternalId': 'true' } } },
  ],
};
const bootstrapRole = (kind: string, account = PROD) => `arn:aws:iam::${account}:role/cdk-hnb659fds-${kind}-role-${account}-eu-west-1`;

/** Whether `caller` may assume a role: its identity policies, and the role's trust policy. */
const mayAssume = (caller: DeployedRole, roleArn: string, trust: any, tags: Record<string, string> = {}) => decide({
  principal: caller.arn,
  action: 'sts:AssumeRole',
  resource: roleArn,
  resourceAccount: roleArn.split(':')[4],
  context: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`iam:ResourceTag/${k}`, v])),
}, caller.policies, trust);

describe('who may assume what, as IAM decides it', () => {
  test('a test build may assume the environment\'s deployment role, never the CDK bootstrap deploy or publishing role or the clean-up role; the deploy builds may', async () => {
    const tests = jobRole(main, 'Prod', 'TestsAfter');
    const deploy = jobRole(main, 'Prod', 'Deploy');
    expect(tests.arn).toMatch(/^arn:aws:iam::999999999999:role\/cdk-multi-env\/shop\/tests\//);
    const deployRole = bootstrapRole('deploy');
    expect(await mayAssume(deploy, deployRole, BOOTSTRAP_TRUST, { 'aws-cdk:bootstrap-role': 'deploy' })).toBe('Allowed');
    expect(await mayAssume(tests, deployRole, BOOTSTRAP_TRUST, { 'aws-cdk:bootstrap-role': 'deploy' })).toBe('ImplicitlyDenied');
    expect(await mayAssume(tests, bootstrapRole('file-publishing'), BOOTSTRAP_TRUST, { 'aws-cdk:bootstrap-role': 'file-publishing' })).toBe('ImplicitlyDenied');
    // The clean-up role: the environment's last deploy (here the deploy of the stacks beside the tests), and no other build.
    const cleanup = prodRole('shop-prod-stack-cleanup');
    expect(await mayAssume(jobRole(main, 'Prod', 'DeployRest'), cleanup.arn, cleanup.trust)).toBe('Allowed');
    expect(await mayAssume(deploy, cleanup.arn, cleanup.trust)).toBe('ImplicitlyDenied');
    expect(await mayAssume(tests, cleanup.arn, cleanup.trust)).toBe('ImplicitlyDenied');
    const deployment = prodRole('shop-prod-deployment');
    expect(await mayAssume(tests, deployment.arn, deployment.trust)).toBe('Allowed');
    // The deploy build no longer needs it: its trust names the test builds and the pipelines, not the deploy builds.
    expect(await mayAssume(deploy, deployment.arn, deployment.trust)).toBe('ImplicitlyDenied');
  });

  test('another principal of the tooling account, even one allowed to assume anything, may assume neither the deployment nor the clean-up role', async () => {
    const admin: DeployedRole = {
      arn: `arn:aws:iam::${TOOLING}:role/Admin`,
      trust: {},
      policies: [{ name: 'AdministratorAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
    };
    for (const name of ['shop-prod-deployment', 'shop-prod-stack-cleanup']) {
      const role = prodRole(name);
      expect(await mayAssume(admin, role.arn, role.trust)).toBe('ImplicitlyDenied');
      // What stops it is the trust's condition on the caller's role: trusting the account alone would let it in.
      const accountOnly = { ...role.trust, Statement: role.trust.Statement.map(({ Condition, ...statement }: any) => statement) };
      expect(await mayAssume(admin, role.arn, accountOnly)).toBe('Allowed');
    }
  });

  test('no job of the hotfix lane before its first approval may assume a production account\'s bootstrap or environment role', async () => {
    const early = hotfix.jobs.filter(job => !isAfter(job, hotfix.firstApproval));
    expect(early.map(j => `${j.stage}/${j.action}`)).toEqual(expect.arrayContaining(['Build/Synth', 'Hotfix/Deploy', 'Hotfix/TestsAfter']));
    const targets: Array<[string, any, Record<string, string>]> = [
      ...['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(kind => [bootstrapRole(kind), BOOTSTRAP_TRUST, { 'aws-cdk:bootstrap-role': kind }] as [string, any, Record<string, string>]),
      ...['shop-prod-deployment', 'shop-prod-stack-cleanup'].map(name => [prodRole(name).arn, prodRole(name).trust, {}] as [string, any, Record<string, string>]),
    ];
    for (const job of early) {
      for (const [arn, trust, tags] of targets) {
        expect(`${job.stage}/${job.action} -> ${arn}: ${await mayAssume(toolingRole(job.roleId), arn, trust, tags)}`).toMatch(/Denied$/);
      }
    }
    // After the approvals, the hotfix lane's production deploy may.
    expect(await mayAssume(jobRole(hotfix, 'Prod', 'Deploy'), bootstrapRole('deploy'), BOOTSTRAP_TRUST, { 'aws-cdk:bootstrap-role': 'deploy' })).toBe('Allowed');
  });
});

describe('what the clean-up role may delete, as IAM decides it', () => {
  const cleanup = prodRole('shop-prod-stack-cleanup');
  const deleteStack = (name: string, tags: Record<string, string>) => decide({
    principal: cleanup.arn,
    action: 'cloudformation:DeleteStack',
    resource: `arn:aws:cloudformation:eu-west-1:${PROD}:stack/${name}/0f3c2a10-7b1e-11ef-9a4d-0a1b2c3d4e5f`,
    resourceAccount: PROD,
    context: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
  }, cleanup.policies);
  const prodTags = { 'Environment': 'prod', 'cdk-multi-env:app': 'shop' };

  test('a stack of its environment the app no longer has', async () => {
    expect(await deleteStack('prod-Reports', prodTags)).toBe('Allowed');
  });

  test('never the account\'s baseline stack or the CDK bootstrap stack, even tagged as its environment\'s', async () => {
    expect(await deleteStack(`shop-baseline-${PROD}-eu-west-1`, prodTags)).toBe('ExplicitlyDenied');
    expect(await deleteStack('CDKToolkit', prodTags)).toBe('ExplicitlyDenied');
  });

  test('never a stack without both of its app\'s and environment\'s tags', async () => {
    expect(await deleteStack('prod-Reports', {})).toBe('ExplicitlyDenied');
    expect(await deleteStack('prod-Reports', { Environment: 'prod' })).toBe('ExplicitlyDenied');
    expect(await deleteStack('prod-Reports', { ...prodTags, Environment: 'qa' })).toBe('ExplicitlyDenied');
    expect(await deleteStack('prod-Reports', { ...prodTags, 'cdk-multi-env:app': 'billing' })).toBe('ExplicitlyDenied');
  });
});

describe('the hotfix lane\'s artifacts, as IAM decides it', () => {
  test('no job of the hotfix lane may write the main pipeline\'s artifact bucket', async () => {
    const mainBucket = Object.entries<any>(tooling.Resources).find(([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('DeliveryPipelineDefinitionArtifactsBucket'))![0];
    const object = `arn:aws:s3:::${mainBucket.toLowerCase()}/Tooling-Delivery/Synth_Outp/abc123`;
    for (const job of hotfix.jobs) {
      const role = toolingRole(job.roleId);
      const request = { principal: role.arn, action: 's3:PutObject', resource: object, resourceAccount: TOOLING };
      expect(`${job.stage}/${job.action}: ${await decide(request, role.policies)}`).toMatch(/Denied$/);
    }
    // The main pipeline's synth may.
    const synth = jobRole(main, 'Build', 'Synth');
    expect(await decide({ principal: synth.arn, action: 's3:PutObject', resource: object, resourceAccount: TOOLING }, synth.policies)).toBe('Allowed');
  });
});

describe('under the guardrail (the pipeline\'s permissions boundary on the tooling account\'s people)', () => {
  const [guardrailId] = Object.entries<any>(tooling.Resources).find(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && id.startsWith('DeliveryGuardrail'))!;
  const boundary = [{ name: 'guardrail', policy: resolve(tooling.Resources[guardrailId].Properties.PolicyDocument, tooling, { account: TOOLING, region: 'eu-west-1' }) }];
  const ADMIN = [{ name: 'AdministratorAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }];
  const pipelineName = (id: string) => tooling.Resources[id].Properties.Name;
  // A project's ARN as deployed: CDK Pipelines' own projects get a name CloudFormation generates (here their logical id).
  const projectArn = (lane: typeof main, stage: string, action: string) =>
    resolve({ 'Fn::GetAtt': [lane.jobs.find(j => j.stage === stage && j.action === action)!.projectId, 'Arn'] }, tooling, { account: TOOLING, region: 'eu-west-1' });
  const asAdmin = (action: string, resource: string, withBoundary = true) => runAs(`arn:aws:iam::${TOOLING}:role/Admin`, ADMIN, action, resource, withBoundary);
  const runAs = async (principal: string, policies: any[], action: string, resource: string, withBoundary = true) => {
    const response = await runSimulation({
      request: { principal, action, resource: { resource, accountId: TOOLING }, contextVariables: { 'aws:PrincipalArn': principal } },
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: withBoundary ? boundary : undefined,
    }, {});
    if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
    return response.overallResult;
  };

  test('an administrator cannot start, retry or change a build of the pipelines\' projects (a build spec override would run as a deploy role), though without it they could', async () => {
    for (const [lane, stage, action] of [[main, 'Prod', 'Deploy'], [hotfix, 'Prod', 'Deploy'], [main, 'Build', 'Synth'], [main, 'UpdatePipeline', 'SelfMutate']] as const) {
      const arn = projectArn(lane, stage, action);
      for (const api of ['codebuild:StartBuild', 'codebuild:StartBuildBatch', 'codebuild:RetryBuild', 'codebuild:UpdateProject']) {
        expect(`${api} ${arn}: ${await asAdmin(api, arn)}`).toBe(`${api} ${arn}: ExplicitlyDenied`);
      }
      expect(await asAdmin('codebuild:StartBuild', arn, false)).toBe('Allowed');
    }
    // Anything else stays theirs.
    expect(await asAdmin('codebuild:StartBuild', `arn:aws:codebuild:eu-west-1:${TOOLING}:project/nightly-report`)).toBe('Allowed');
  });

  test('an administrator cannot change a pipeline', async () => {
    for (const id of [main.pipelineId, hotfix.pipelineId]) {
      expect(await asAdmin('codepipeline:UpdatePipeline', `arn:aws:codepipeline:eu-west-1:${TOOLING}:${pipelineName(id)}`)).toBe('ExplicitlyDenied');
    }
  });

  test('only the named approvers approve Prod\'s review, in both lanes; a gate without named approvers stays as it is', async () => {
    const review = (id: string) => `arn:aws:codepipeline:eu-west-1:${TOOLING}:${pipelineName(id)}/Prod/Review`;
    // The reference app's approvers of Prod: the role shop-release-managers, imported by name.
    const releaseManagers = `arn:aws:iam::${TOOLING}:role/shop-release-managers`;
    for (const id of [main.pipelineId, hotfix.pipelineId]) {
      expect(await asAdmin('codepipeline:PutApprovalResult', review(id))).toBe('ExplicitlyDenied');
      expect(await runAs(releaseManagers, ADMIN, 'codepipeline:PutApprovalResult', review(id))).toBe('Allowed');
    }
    expect(await asAdmin('codepipeline:PutApprovalResult', `arn:aws:codepipeline:eu-west-1:${TOOLING}:${pipelineName(main.pipelineId)}/QA/SignOff`)).toBe('Allowed');
  });
});

describe('the repository connection, as IAM decides it', () => {
  test('a job that clones through the connection may use it for the app\'s repository, and for no other', async () => {
    // A connection under the service's former prefix, whose ARN the simulator knows the resource type of.
    const connectionArn = `arn:aws:codestar-connections:eu-west-1:${TOOLING}:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`;
    const other = new cdk.App({ context: FEATURE_FLAGS });
    const pipeline = newPipeline(other, { source: PipelineSource.connection('acme/shop', { connectionArn }) });
    pipeline.addEnvironment(environment(other, EnvironmentTier.DEV));
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    const job = lanesOf(template).find(l => l.lane === 'main')!.jobs.find(j => j.action === 'TestsAfter')!;
    const tests = deployedRole(template, job.roleId, { account: TOOLING, region: 'eu-west-1' });
    const use = (repository: string) => decide({
      principal: tests.arn,
      action: 'codestar-connections:UseConnection',
      resource: connectionArn,
      resourceAccount: TOOLING,
      context: { 'codestar-connections:FullRepositoryId': repository },
    }, tests.policies);
    expect(await use('acme/shop')).toBe('Allowed');
    expect(await use('acme/payroll')).toBe('ExplicitlyDenied');
    // Every policy of the pipelines that lets a role use the connection names the repository.
    const using = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r).includes(':UseConnection'));
    expect(using.length).toBeGreaterThan(0);
    expect(using.filter(r => !JSON.stringify(r).includes('"codestar-connections:FullRepositoryId":"acme/shop"'))).toEqual([]);
  });
});
