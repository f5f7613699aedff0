import * as cdk from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { buildReferenceApp, ReferenceApp, REGION } from '../../examples/reference-app';
import { bootstrapRoleArn, readAssembly } from '../support/deployed-policies';
import { branchLaneDisagreements, forbiddenReach, JobRole, jobRoles } from '../support/iam-properties';
import { checkedSynthesis, readReport } from '../support/safety';

jest.setTimeout(60_000);

/**
 * SafetyChecks' `branch-lane-isolation` decides by its own reading of the templates (the simulator's
 * licence keeps it out of the library); here its verdicts are held against an offline IAM policy
 * simulator's (@cloud-copilot/iam-simulate) on the same synthesized templates, as deployed: the
 * role of a branch lane's job is reported exactly when IAM lets it read or write the main lane's
 * artifact bucket or key, or assume a role of production before its lane's first approval.
 */

/** A grant a user adds to the role of one of the library's jobs, through the CDK API. */
interface Plant {
  readonly what: string;
  /** The role's construct path under the pipeline. */
  readonly role: string;
  readonly grant: (role: iam.Role, main: codepipeline.Pipeline) => void;
  /** A request IAM then allows the role. */
  readonly allows: string;
  /** Whether the rule must report the role. */
  readonly reported: boolean;
}

const PROD = '444444444444';
const PROD_DEPLOY = bootstrapRoleArn('deploy', PROD, REGION);
const PROD_LOOKUP = bootstrapRoleArn('lookup', PROD, REGION);
const assume = (role: iam.Role, resource: string) => role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [resource] }));

const PLANTS: Plant[] = [{
  what: 'the feature lane\'s deploy job may put objects in the main lane\'s artifact bucket',
  role: 'FeatureLane/DeployProject/Role',
  grant: (role, main) => role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [main.artifactBucket.arnForObjects('*')] })),
  allows: 's3:PutObject',
  reported: true,
}, {
  what: 'the hotfix lane\'s synth may decrypt with the main lane\'s artifact key',
  role: 'HotfixPipelineDefinition/Build/Synth/CdkBuildProject/Role',
  grant: (role, main) => main.artifactBucket.encryptionKey!.grantDecrypt(role),
  allows: 'kms:Decrypt',
  reported: true,
}, {
  what: 'the feature lane\'s teardown job (a lane with no approval) may assume Prod\'s CDK deploy role',
  role: 'FeatureLane/TeardownProject/Role',
  grant: role => assume(role, PROD_DEPLOY),
  allows: `sts:AssumeRole ${PROD_DEPLOY}`,
  reported: true,
}, {
  // Prod's own deployment and clean-up roles would not do: they trust only the builds that serve Prod (iam-simulation.test.ts).
  what: 'the hotfix tests, before the sign-off, may assume Prod\'s CDK lookup role (whose trust admits the whole tooling account)',
  role: 'HotfixPipelineDefinition/Hotfix/TestsAfterRole',
  grant: role => assume(role, PROD_LOOKUP),
  allows: `sts:AssumeRole ${PROD_LOOKUP}`,
  reported: true,
}, {
  what: 'the hotfix deploy, before the sign-off, may assume the CDK bootstrap roles of any account (a wildcard)',
  role: 'HotfixPipelineDefinition/Hotfix/DeployRole',
  grant: role => assume(role, 'arn:aws:iam::*:role/cdk-hnb659fds-*'),
  allows: `sts:AssumeRole ${PROD_DEPLOY}`,
  reported: true,
}, {
  what: 'the hotfix lane\'s Prod tests, after the approvals, may assume Prod\'s CDK deploy role',
  role: 'HotfixPipelineDefinition/Prod/TestsAfterRole',
  grant: role => assume(role, PROD_DEPLOY),
  allows: `sts:AssumeRole ${PROD_DEPLOY}`,
  reported: false,
}];

/** What the rule reports and what the simulator decides for the reference app, with `plants` added to its roles. */
async function verdicts(plants: Plant[]): Promise<{ roles: JobRole[]; reported: string[]; planted: Map<Plant, string> }> {
  const planted = new Map<Plant, string>();
  let reference: ReferenceApp;
  const { stacks, reported } = checkedSynthesis(app => {
    reference = buildReferenceApp(app);
    const pipeline = reference.pipeline;
    pipeline.buildPipelines();
    for (const plant of plants) {
      const role = plant.role.split('/').reduce<IConstruct>((scope, id) => scope.node.findChild(id), pipeline) as iam.Role;
      plant.grant(role, pipeline.pipeline.pipeline);
      planted.set(plant, cdk.Stack.of(role).resolve((role.node.defaultChild as cdk.CfnElement).logicalId));
    }
  }, outdir => ({
    stacks: readAssembly(outdir),
    reported: readReport(outdir).filter(f => f.rule === 'branch-lane-isolation').map(f => f.logicalId!),
  }), undefined, FEATURE_FLAGS);
  const production = reference!.environments.filter(e => e.profile.production).map(e => e.environmentName);
  return { roles: await jobRoles({ stacks, production }), reported, planted };
}

describe('branch-lane-isolation against the IAM policy simulator', () => {
  test('the reference app: the rule reports no role of a job, and IAM lets no branch lane reach the main lane\'s artifacts or production before its approval', async () => {
    const { roles, reported } = await verdicts([]);
    expect(reported).toEqual([]);
    expect(roles.filter(r => r.branchLane).flatMap(forbiddenReach)).toEqual([]);
    expect(branchLaneDisagreements(roles, reported)).toEqual([]);
    // What is checked: the jobs of the hotfix lane before and after its sign-off, and of the feature lane.
    expect(roles.filter(r => r.beforeApproval).flatMap(r => r.jobs)).toEqual(expect.arrayContaining(['hotfix Build/Synth', 'hotfix Hotfix/Deploy', 'feature Deploy/Deploy']));
    expect(roles.filter(r => r.branchLane && !r.beforeApproval).flatMap(r => r.jobs)).toEqual(expect.arrayContaining(['hotfix Prod/Deploy']));
  });

  describe('grants added to the library\'s roles', () => {
    let result: Awaited<ReturnType<typeof verdicts>>;
    beforeAll(async () => {
      result = await verdicts(PLANTS);
    });

    test.each(PLANTS.map(p => [p.what, p] as const))('%s: IAM allows it, and the rule reports the role exactly when that is forbidden', (_, plant) => {
      const role = result.roles.find(r => r.roleId === result.planted.get(plant))!;
      const allowed = [...role.artifacts, ...role.production].filter(d => d.decided === 'Allowed').map(d => d.request);
      expect(allowed).toEqual(expect.arrayContaining([expect.stringContaining(plant.allows)]));
      const found = { reported: result.reported.includes(role.roleId), forbidden: forbiddenReach(role).length > 0 };
      expect(found).toEqual({ reported: plant.reported, forbidden: plant.reported });
    });

    test('on every role of every lane\'s jobs, the rule and IAM agree; the rule reports the planted roles before the approvals, and no other', () => {
      expect(branchLaneDisagreements(result.roles, result.reported)).toEqual([]);
      expect([...result.reported].sort()).toEqual(PLANTS.filter(p => p.reported).map(p => result.planted.get(p)!).sort());
    });
  });
});
