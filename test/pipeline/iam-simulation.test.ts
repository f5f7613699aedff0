import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { buildReferenceApp } from '../../examples/reference-app';
import { EnvironmentTier, PipelineSource } from '../../src';
import { READY_PREFIX } from '../../src/pipeline/awaited-actions';
import {
  AssumableRole, assumableRole, bootstrapRoleArn, bootstrapTrust, decide, deployedRole, DeployedRole, mayAssume, readAssembly, resolve,
} from '../support/deployed-policies';
import { environment } from '../support/environments';
import {
  ADMINISTRATOR, approvalClaims, artifactBucketOf, branchLaneArtifactClaims, branchLaneProductionClaims, cleanupClaims, guardrailOf, JobRole,
  jobRoles, signalClaims, SynthesizedApp, testBuildClaims, toolingOf, unmet,
} from '../support/iam-properties';
import { isAfter, lanesOf } from '../support/lanes';
import { newPipeline } from '../support/pipelines';

/**
 * What the reference app's synthesized policies allow, evaluated by an offline IAM policy simulator
 * (@cloud-copilot/iam-simulate: identity policies, the target role's trust policy, explicit
 * Denies), on the policies as CloudFormation would deploy them: the gates hold in IAM itself, not
 * only in the commands the jobs run. The properties of test/support/iam-properties.ts are also
 * checked on a new app from `cdk init` (test/consumer/run.sh).
 */
const app = new cdk.App({ context: FEATURE_FLAGS });
const reference = buildReferenceApp(app);
const synthesized: SynthesizedApp = {
  stacks: readAssembly(app.synth().directory),
  production: reference.environments.filter(e => e.profile.production).map(e => e.environmentName),
};
const TOOLING = '999999999999';
const PROD = '444444444444';
const tooling = toolingOf(synthesized).template;
const lanes = lanesOf(tooling);
const main = lanes.find(l => l.lane === 'main')!;
const hotfix = lanes.find(l => l.lane === 'hotfix')!;
const toolingRole = (roleId: string) => deployedRole(tooling, roleId, { account: TOOLING, region: 'eu-west-1' });
const jobRole = (lane: typeof main, stage: string, action: string) =>
  toolingRole(lane.jobs.find(j => j.stage === stage && j.action === action)!.roleId);
const prodStack = synthesized.stacks.find(s => s.displayName === 'Prod/Foundation')!;
const prodFoundation = prodStack.template;
const prodRoleId = (name: string) => Object.entries<any>(prodFoundation.Resources).find(([, r]) => r.Properties?.RoleName === name)![0];
const prodRole = (name: string): DeployedRole => deployedRole(prodFoundation, prodRoleId(name), prodStack);
/** A Prod role as a caller meets it: its ARN and trust (the review role's ReadOnlyAccess is an AWS managed policy, which the simulation does not read). */
const prodTarget = (name: string): AssumableRole => assumableRole(prodFoundation, prodRoleId(name), prodStack);

/** A CDK bootstrap role of Prod after `cdk bootstrap --trust 999999999999`, and its tag. */
const bootstrapRole = (kind: string): [AssumableRole, Record<string, string>] =>
  [{ arn: bootstrapRoleArn(kind, PROD, 'eu-west-1'), trust: bootstrapTrust(PROD, [TOOLING]) }, { 'aws-cdk:bootstrap-role': kind }];

let roles: JobRole[];
// Reading every job's role takes seconds, more on a loaded machine: past Jest's default 5 s for a hook.
beforeAll(async () => {
  roles = await jobRoles(synthesized);
}, 60_000);

describe('who may assume what, as IAM decides it', () => {
  test('a test build may assume the environment\'s deployment role, never the CDK bootstrap deploy or publishing role or the clean-up role; the deploy builds may', async () => {
    const tests = jobRole(main, 'Prod', 'TestsAfter');
    const deploy = jobRole(main, 'Prod', 'Deploy');
    expect(tests.arn).toMatch(/^arn:aws:iam::999999999999:role\/cdk-multi-env\/shop\/tests\//);
    expect(await mayAssume(deploy, ...bootstrapRole('deploy'))).toBe('Allowed');
    expect(await mayAssume(tests, ...bootstrapRole('deploy'))).toBe('ImplicitlyDenied');
    expect(await mayAssume(tests, ...bootstrapRole('file-publishing'))).toBe('ImplicitlyDenied');
    // The clean-up role: the environment's deploy, and no other build.
    const cleanup = prodRole('shop-prod-stack-cleanup');
    expect(await mayAssume(deploy, cleanup)).toBe('Allowed');
    expect(await mayAssume(tests, cleanup)).toBe('ImplicitlyDenied');
    const deployment = prodRole('shop-prod-deployment');
    expect(await mayAssume(tests, deployment)).toBe('Allowed');
    // The deploy build no longer needs it: its trust names the test builds and the pipelines, not the deploy builds.
    expect(await mayAssume(deploy, deployment)).toBe('ImplicitlyDenied');
  });

  test('no test build of any lane may assume a CDK bootstrap role or the clean-up role of any environment; a deploy build may assume each environment\'s CDK deploy role', async () => {
    expect(unmet(await testBuildClaims(synthesized))).toEqual([]);
  });

  test('another principal of the tooling account, even one allowed to assume anything, may assume none of the deployment, clean-up and review roles', async () => {
    const admin: DeployedRole = { arn: `arn:aws:iam::${TOOLING}:role/Admin`, trust: {}, policies: ADMINISTRATOR };
    for (const name of ['shop-prod-deployment', 'shop-prod-stack-cleanup', 'shop-prod-review']) {
      const role = prodTarget(name);
      expect(await mayAssume(admin, role)).toBe('ImplicitlyDenied');
      // What stops it is the trust's condition on the caller's role: trusting the account alone would let it in.
      const accountOnly = { ...role.trust, Statement: role.trust.Statement.map(({ Condition, ...statement }: any) => statement) };
      expect(await mayAssume(admin, { arn: role.arn, trust: accountOnly })).toBe('Allowed');
    }
  });

  test('an environment\'s roles trust only the builds that serve it: a build of another environment (or of another purpose), even one whose policy allowed it, may assume none of Prod\'s deployment, clean-up and review roles', async () => {
    const anyRole = [{ name: 'AssumeAnyRole', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } }];
    const asIfAllowed = (role: DeployedRole): DeployedRole => ({ ...role, policies: [...role.policies, ...anyRole] });
    const deployment = prodRole('shop-prod-deployment');
    const cleanup = prodRole('shop-prod-stack-cleanup');
    // The hotfix lane's Hotfix builds (before its sign-off) and main's QA builds: on the same purposes' paths, but naming other environments.
    for (const [lane, stage] of [[hotfix, 'Hotfix'], [main, 'QA']] as const) {
      expect(await mayAssume(asIfAllowed(jobRole(lane, stage, 'TestsAfter')), deployment)).toBe('ImplicitlyDenied');
      expect(await mayAssume(asIfAllowed(jobRole(lane, stage, 'Deploy')), cleanup)).toBe('ImplicitlyDenied');
    }
    // Prod's own builds, of either lane, may.
    for (const lane of [main, hotfix]) {
      expect(await mayAssume(jobRole(lane, 'Prod', 'TestsAfter'), deployment)).toBe('Allowed');
      expect(await mayAssume(jobRole(lane, 'Prod', 'Deploy'), cleanup)).toBe('Allowed');
    }
    // The review role: Staging's orphan listing (beside QA's deploy) may not read Prod, Prod's review (beside Staging's deploy) and Prod's deploy may.
    const review = prodTarget('shop-prod-review');
    expect(await mayAssume(asIfAllowed(jobRole(main, 'QA', 'ListOrphans-Staging')), review)).toBe('ImplicitlyDenied');
    expect(await mayAssume(jobRole(main, 'Staging', 'Review-Prod-wave'), review)).toBe('Allowed');
    expect(await mayAssume(jobRole(main, 'Prod', 'Deploy'), review)).toBe('Allowed');
    expect(await mayAssume(asIfAllowed(jobRole(main, 'Prod', 'TestsAfter')), review)).toBe('ImplicitlyDenied');
  });

  test('a build\'s own policy reaches an environment\'s role by the role\'s name pattern and its Environment tag, as the environment deploys it: the same role tagged as another environment or untagged, or one named for another app, it may not assume even where the trust would let it (the trust keeps out an app whose name starts with this one\'s)', async () => {
    const trustingAll = (role: AssumableRole): AssumableRole => ({ ...role, trust: bootstrapTrust(PROD, [TOOLING]) });
    const cleanup = trustingAll(prodTarget('shop-prod-stack-cleanup'));
    const deployment = trustingAll(prodTarget('shop-prod-deployment'));
    const reviewed = trustingAll(prodTarget('shop-prod-review'));
    // As deployed, the roles carry the environment's name (set on each role by the environment).
    expect(cleanup.tags).toMatchObject({ Environment: 'prod' });
    for (const [caller, role] of [[jobRole(main, 'Prod', 'Deploy'), cleanup], [jobRole(main, 'Prod', 'TestsAfter'), deployment], [jobRole(main, 'Staging', 'Review-Prod-wave'), reviewed]] as const) {
      expect(await mayAssume(caller, role)).toBe('Allowed');
      expect(await mayAssume(caller, role, { ...role.tags, Environment: 'staging' })).toBe('ImplicitlyDenied');
      expect(await mayAssume(caller, { ...role, arn: role.arn.replace(':role/shop-', ':role/web-') })).toBe('ImplicitlyDenied');
      expect(await mayAssume(caller, role, {})).toBe('ImplicitlyDenied');
    }
    // An app named shop-web in the same account: its Prod review role matches the pattern and the tag, and its trust, which names shop-web's builds, keeps shop's out.
    const review = prodTarget('shop-prod-review');
    const otherApp: AssumableRole = {
      arn: review.arn.replace(':role/shop-prod-review', ':role/shop-web-prod-review'),
      trust: JSON.parse(JSON.stringify(review.trust).replace(/\/cdk-multi-env\/shop\//g, '/cdk-multi-env/shop-web/')),
      tags: review.tags,
    };
    expect(JSON.stringify(otherApp.trust)).toContain('/cdk-multi-env/shop-web/review/');
    expect(await mayAssume(jobRole(main, 'Staging', 'Review-Prod-wave'), otherApp)).toBe('ImplicitlyDenied');
    expect(await mayAssume(jobRole(main, 'Staging', 'Review-Prod-wave'), { ...otherApp, trust: review.trust })).toBe('Allowed');
  });

  test('no job of a branch lane before its first approval may assume a production account\'s bootstrap or environment role; the hotfix lane\'s may after it', () => {
    const early = hotfix.jobs.filter(job => !isAfter(job, hotfix.firstApproval));
    expect(early.map(j => `${j.stage}/${j.action}`)).toEqual(expect.arrayContaining(['Build/Synth', 'Hotfix/Deploy', 'Hotfix/TestsAfter']));
    expect(roles.filter(r => r.beforeApproval).flatMap(r => r.jobs)).toEqual(expect.arrayContaining(early.map(j => `hotfix ${j.stage}/${j.action}`)));
    expect(unmet(branchLaneProductionClaims(synthesized, roles))).toEqual([]);
  });
});

describe('the signal that an environment\'s tests may start, as IAM decides it', () => {
  // A lane's artifact bucket, as deployed, and its bucket policy: the signals are objects under deploys-ready-for-tests/<execution>/<build identifier>.
  const bucketOf = (lane: typeof main) => artifactBucketOf(tooling, lane.pipelineId, { account: TOOLING, region: 'eu-west-1' });
  const signal = 'deploys-ready-for-tests/0f3c2a10-7b1e-11ef-9a4d-0a1b2c3d4e5f/prod';
  const may = (role: DeployedRole, action: string, key: string, bucket = bucketOf(main)) =>
    decide({ principal: role.arn, action, resource: `${bucket.arn}/${key}`, resourceAccount: TOOLING }, role.policies, bucket.policy);

  test('a deploy build may put its signal, and nothing else in the bucket; a test build may read it, and put nothing', async () => {
    const deploy = jobRole(main, 'Prod', 'Deploy');
    const tests = jobRole(main, 'Prod', 'TestsAfter');
    expect(await may(deploy, 's3:PutObject', signal)).toBe('Allowed');
    expect(await may(deploy, 's3:PutObject', 'Tooling-Delivery/Synth_Outp/abc123')).toBe('ImplicitlyDenied');
    expect(await may(deploy, 's3:DeleteObject', signal)).toBe('ImplicitlyDenied');
    // HeadObject authorizes as s3:GetObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
    expect(await may(tests, 's3:GetObject', signal)).toBe('Allowed');
    expect(await decide({ principal: tests.arn, action: 's3:PutObject', resource: `${bucketOf(main).arn}/${signal}`, resourceAccount: TOOLING }, tests.policies))
      .toBe('ImplicitlyDenied');
  });

  test('no one but a lane\'s deploy builds puts a signal in its bucket: not the synth, which writes the bucket\'s artifacts, nor the pipeline', async () => {
    const synth = jobRole(main, 'Build', 'Synth');
    // The synth of a later commit runs while this one deploys; its role writes the bucket's artifacts, and would write a signal but for the bucket's policy.
    expect(await decide({ principal: synth.arn, action: 's3:PutObject', resource: `${bucketOf(main).arn}/${signal}`, resourceAccount: TOOLING }, synth.policies))
      .toBe('Allowed');
    expect(await may(synth, 's3:PutObject', signal)).toBe('ExplicitlyDenied');
    expect(await may(synth, 's3:PutObject', 'Tooling-Delivery/Synth_Outp/abc123')).toBe('Allowed');
    const claims = await signalClaims(synthesized);
    // Both lanes, each with its deploy builds' roles allowed: every stage of the main lane but Demo's, after production, whose tests
    // start once its deploy has ended, not on its signal; every group of the hotfix lane.
    const signalling = [main, hotfix].flatMap(l => l.jobs.filter(j => j.action === 'Deploy' && j.stage !== 'Demo').map(j => j.roleId));
    expect(claims.filter(c => c.expected === 'Allowed').length).toBe(new Set(signalling).size);
    expect(await may(jobRole(main, 'Demo', 'Deploy'), 's3:PutObject', signal)).toBe('ImplicitlyDenied');
    // Denied by the bucket's policy in each lane: the synth and an administrator, whose own policies allow the write.
    const explicit = claims.filter(c => c.expected === 'ExplicitlyDenied').map(c => c.request);
    expect(explicit).toEqual(expect.arrayContaining([expect.stringContaining(`${synth.arn}: s3:PutObject ${bucketOf(main).arn}/`),
      expect.stringContaining(':role/Administrator: s3:PutObject ' + bucketOf(main).arn), expect.stringContaining(':role/Administrator: s3:PutObject ' + bucketOf(hotfix).arn)]));
    expect(unmet(claims)).toEqual([]);
  }, 60_000);
});

describe('the signals\' prefix and the pipeline\'s own artifacts', () => {
  test('a pipeline named like the prefix still writes its artifacts: CodePipeline keeps them under the first 20 characters of its name, shorter than the prefix', async () => {
    for (const pipelineName of [READY_PREFIX, 'deploys-ready']) {
      const small = new cdk.App({ context: FEATURE_FLAGS });
      const pipeline = newPipeline(small, { pipelineName });
      pipeline.addEnvironment(environment(small, EnvironmentTier.DEV));
      const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
      const lane = lanesOf(template).find(l => l.lane === 'main')!;
      const where = { account: TOOLING, region: 'eu-west-1' };
      const synth = deployedRole(template, lane.jobs.find(j => j.stage === 'Build' && j.action === 'Synth')!.roleId, where);
      const bucket = artifactBucketOf(template, lane.pipelineId, where);
      const artifact = `${bucket.arn}/${pipelineName.slice(0, 20)}/Synth_Outp/abc123`;
      expect(await decide({ principal: synth.arn, action: 's3:PutObject', resource: artifact, resourceAccount: TOOLING }, synth.policies, bucket.policy)).toBe('Allowed');
    }
  }, 60_000);
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

  test('never the account\'s baseline stack or the CDK bootstrap stack, even tagged as its environment\'s, nor another environment\'s stack: in every environment', async () => {
    expect(unmet(await cleanupClaims(synthesized))).toEqual([]);
  });

  test('never a stack without both of its app\'s and environment\'s tags', async () => {
    expect(await deleteStack('prod-Reports', {})).toBe('ExplicitlyDenied');
    expect(await deleteStack('prod-Reports', { Environment: 'prod' })).toBe('ExplicitlyDenied');
    expect(await deleteStack('prod-Reports', { ...prodTags, Environment: 'qa' })).toBe('ExplicitlyDenied');
    expect(await deleteStack('prod-Reports', { ...prodTags, 'cdk-multi-env:app': 'billing' })).toBe('ExplicitlyDenied');
  });
});

describe('the main lane\'s artifacts, as IAM decides it', () => {
  test('no job of the hotfix or feature lane may read or write the main pipeline\'s artifact bucket or use its key; the main pipeline\'s synth may', () => {
    expect(roles.filter(r => r.branchLane).flatMap(r => r.jobs)).toEqual(expect.arrayContaining(['hotfix Build/Synth', 'hotfix Prod/Deploy', 'feature Deploy/Deploy']));
    expect(unmet(branchLaneArtifactClaims(roles))).toEqual([]);
  });
});

describe('under the guardrail (the pipeline\'s permissions boundary on the tooling account\'s people)', () => {
  const boundary = guardrailOf(synthesized);
  const pipelineName = (id: string) => tooling.Resources[id].Properties.Name;
  // A project's ARN as deployed: CDK Pipelines' own projects get a name CloudFormation generates (here their logical id).
  const projectArn = (lane: typeof main, stage: string, action: string) =>
    resolve({ 'Fn::GetAtt': [lane.jobs.find(j => j.stage === stage && j.action === action)!.projectId, 'Arn'] }, tooling, { account: TOOLING, region: 'eu-west-1' });
  const asAdmin = (action: string, resource: string, withBoundary = true) =>
    decide({ principal: `arn:aws:iam::${TOOLING}:role/Admin`, action, resource, resourceAccount: TOOLING }, ADMINISTRATOR, undefined, withBoundary ? boundary : undefined);

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

  test('an administrator cannot deploy around the pipeline: no CDK bootstrap role of the app\'s qualifier in any account, which `cdk bootstrap --trust` lets the whole tooling account assume; the deploy builds, which do not carry it, still can', async () => {
    const admin = `arn:aws:iam::${TOOLING}:role/Admin`;
    const assumeAsAdmin = (account: string, kind: string, withBoundary = true) => decide({
      principal: admin,
      action: 'sts:AssumeRole',
      resource: bootstrapRoleArn(kind, account, 'eu-west-1'),
      resourceAccount: account,
      context: { 'iam:ResourceTag/aws-cdk:bootstrap-role': kind },
    }, ADMINISTRATOR, bootstrapTrust(account, [TOOLING]), withBoundary ? boundary : undefined);
    // The environments' accounts; the tooling account's own (a `cdk deploy` of the tooling stack by hand would change the
    // pipelines through CloudFormation, around the guardrail's denial of UpdatePipeline); an account the app does not have yet.
    for (const account of [PROD, '111111111111', TOOLING, '123456789012']) {
      for (const kind of ['deploy', 'file-publishing', 'image-publishing', 'lookup']) expect(`${account} ${kind}: ${await assumeAsAdmin(account, kind)}`).toBe(`${account} ${kind}: ExplicitlyDenied`);
      expect(await assumeAsAdmin(account, 'deploy', false)).toBe('Allowed');
    }
    // Any other role of those accounts stays theirs.
    expect(await decide({
      principal: admin, action: 'sts:AssumeRole', resource: `arn:aws:iam::${PROD}:role/Auditor`, resourceAccount: PROD, context: {},
    }, ADMINISTRATOR, bootstrapTrust(PROD, [TOOLING]), boundary)).toBe('Allowed');
    expect(await mayAssume(jobRole(main, 'Prod', 'Deploy'), ...bootstrapRole('deploy'))).toBe('Allowed');
  });

  test('an administrator cannot change a pipeline', async () => {
    for (const id of [main.pipelineId, hotfix.pipelineId]) {
      expect(await asAdmin('codepipeline:UpdatePipeline', `arn:aws:codepipeline:eu-west-1:${TOOLING}:${pipelineName(id)}`)).toBe('ExplicitlyDenied');
    }
  });

  test('only the named approvers approve Prod\'s review and the hotfix sign-off, in both lanes; a gate without named approvers stays as it is', async () => {
    // The reference app's approvers, roles imported by name: of Prod, shop-release-managers; of Hotfix, shop-on-call.
    const claims = await approvalClaims(synthesized, {
      Prod: [`arn:aws:iam::${TOOLING}:role/shop-release-managers`],
      Hotfix: [`arn:aws:iam::${TOOLING}:role/shop-on-call`],
    });
    expect(unmet(claims)).toEqual([]);
    expect(claims.map(c => c.request)).toEqual(expect.arrayContaining([
      `arn:aws:iam::${TOOLING}:role/shop-release-managers: codepipeline:PutApprovalResult arn:aws:codepipeline:eu-west-1:${TOOLING}:${pipelineName(hotfix.pipelineId)}/Prod/Review`,
      `arn:aws:iam::${TOOLING}:role/Admin: codepipeline:PutApprovalResult arn:aws:codepipeline:eu-west-1:${TOOLING}:${pipelineName(main.pipelineId)}/QA/SignOff`,
    ]));
  });
});

describe('the repository connection, as IAM decides it', () => {
  /** A new app's pipeline on a connection: its template, and how IAM decides a use of the connection by its Dev test build, under a prefix, for a repository. */
  const cloning = (connectionArn: string) => {
    const other = new cdk.App({ context: FEATURE_FLAGS });
    const pipeline = newPipeline(other, { source: PipelineSource.connection('acme/shop', { connectionArn }) });
    pipeline.addEnvironment(environment(other, EnvironmentTier.DEV));
    const template = Template.fromStack(cdk.Stack.of(pipeline)).toJSON();
    const job = lanesOf(template).find(l => l.lane === 'main')!.jobs.find(j => j.action === 'TestsAfter')!;
    const tests = deployedRole(template, job.roleId, { account: TOOLING, region: 'eu-west-1' });
    const use = (prefix: string, repository: string) => decide({
      principal: tests.arn,
      action: `${prefix}:UseConnection`,
      resource: connectionArn,
      resourceAccount: TOOLING,
      context: { [`${prefix}:FullRepositoryId`]: repository },
    }, tests.policies);
    return { template, use };
  };

  test('a job that clones through the connection may use it for the app\'s repository, and for no other', async () => {
    // A connection under the service's former prefix, whose ARN the simulator knows the resource type of.
    const connectionArn = `arn:aws:codestar-connections:eu-west-1:${TOOLING}:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`;
    const { template, use } = cloning(connectionArn);
    expect(await use('codestar-connections', 'acme/shop')).toBe('Allowed');
    expect(await use('codestar-connections', 'acme/payroll')).toBe('ExplicitlyDenied');
    // A connection under the service's new prefix: a use for another repository is denied outright, whatever else allowed it.
    const renamed = cloning(connectionArn.replace(':codestar-connections:', ':codeconnections:'));
    expect(await renamed.use('codeconnections', 'acme/payroll')).toBe('ExplicitlyDenied');
    expect(await renamed.use('codeconnections', 'acme/shop')).not.toBe('ExplicitlyDenied');
    // Every policy of the pipelines that lets a role use the connection names the repository.
    const using = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r).includes(':UseConnection'));
    expect(using.length).toBeGreaterThan(0);
    expect(using.filter(r => !JSON.stringify(r).includes('"codestar-connections:FullRepositoryId":"acme/shop"'))).toEqual([]);
  });
});
