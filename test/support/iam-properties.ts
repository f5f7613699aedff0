import {
  AssumableRole, assumableRole, BOOTSTRAP_ROLE_KINDS, bootstrapRoleArn, bootstrapTrust, decide, DeployedRole, deployedRole, DeployedStack, Deployment,
  mayAssume, resolve,
} from './deployed-policies';
import { isAfter, lanesOf } from './lanes';

/**
 * A synthesized app: its stacks, and its environments of a production tier (their `Environment`
 * tag). The properties below are gates of its pipeline that IAM itself must hold, decided by the
 * offline policy simulator on the templates as deployed: one copy, for the reference app's tests
 * and for a new app from `cdk init` (test/consumer/simulate.ts, on its cdk.out).
 */
export interface SynthesizedApp {
  readonly stacks: DeployedStack[];
  readonly production: string[];
}

/** A request a property makes, what IAM must decide for it (`Denied`: either denial), and what the simulator decided. */
export interface Claim {
  readonly request: string;
  readonly expected: 'Allowed' | 'Denied' | 'ExplicitlyDenied';
  readonly decided: string;
}

/** The claims the simulator does not bear out, as text; a property that made no request is one, as it proves nothing. */
export function unmet(claims: Claim[]): string[] {
  if (claims.length === 0) return ['no request was made'];
  return claims.filter(c => c.decided !== c.expected && !(c.expected === 'Denied' && c.decided.endsWith('Denied')))
    .map(c => `${c.request}: ${c.decided}, expected ${c.expected}`);
}

/** A claim that at least one of the requests is allowed: a control that what the other claims deny is not denied by a wrong model. */
function someAllowed(request: string, decisions: Decision[]): Claim {
  return { request, expected: 'Allowed', decided: decisions.some(d => d.decided === 'Allowed') ? 'Allowed' : 'ImplicitlyDenied' };
}

/** The stack of the app's pipelines: the one whose pipelines carry the library's lane metadata. */
export function toolingOf(app: SynthesizedApp): DeployedStack {
  const found = app.stacks.filter(s => lanesOf(s.template).length > 0);
  if (found.length !== 1) throw new Error(`expected one stack with the pipelines, found ${found.map(s => s.displayName).join(', ') || 'none'}`);
  return found[0];
}

/** The stacks of each environment of the app, by its `Environment` tag. */
function environmentsOf(app: SynthesizedApp): Map<string, DeployedStack[]> {
  const environments = new Map<string, DeployedStack[]>();
  for (const stack of app.stacks.filter(s => s.tags.Environment !== undefined)) {
    environments.set(stack.tags.Environment, [...environments.get(stack.tags.Environment) ?? [], stack]);
  }
  return environments;
}

/** A role a pipeline job might assume, with the tags IAM matches `iam:ResourceTag` with, and a name for the report. */
interface Target {
  readonly name: string;
  readonly role: AssumableRole;
  readonly tags: Record<string, string>;
}

/** The CDK bootstrap roles of every account and region the stacks deploy to, trusting the tooling account as `cdk bootstrap --trust` makes them. */
function bootstrapTargets(stacks: DeployedStack[], tooling: DeployedStack, kinds = BOOTSTRAP_ROLE_KINDS): Target[] {
  const places = [...new Set(stacks.map(s => `${s.account}/${s.region}`))].map(p => p.split('/'));
  return places.flatMap(([account, region]) => kinds.map(kind => ({
    name: bootstrapRoleArn(kind, account, region),
    role: { arn: bootstrapRoleArn(kind, account, region), trust: bootstrapTrust(account, [tooling.account]) },
    tags: { 'aws-cdk:bootstrap-role': kind },
  })));
}

/** The roles of the stacks whose trust policy names the tooling account (an environment's deployment and clean-up roles), with their trust as deployed. */
function rolesTrusting(stacks: DeployedStack[], tooling: DeployedStack): Target[] {
  return stacks.flatMap(stack => Object.entries<any>(stack.template.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([id]) => assumableRole(stack.template, id, stack))
    .map(role => ({ role, tags: role.tags! }))
    .filter(({ role }) => JSON.stringify(role.trust).includes(`:iam::${tooling.account}:`))
    .map(target => ({ ...target, name: target.role.arn })));
}

/** What the simulator decided for one request. */
export interface Decision {
  readonly request: string;
  readonly decided: string;
}

/** The role of one or more CodeBuild jobs of the lanes, and what IAM decides for it on what the branch lanes must not reach. */
export interface JobRole {
  readonly roleId: string;
  /** Its jobs, as `<lane> <stage>/<action>`. */
  readonly jobs: string[];
  /** Whether a job of a lane that runs unprotected branches (hotfix, feature) runs with it, and one before the lane's first approval. */
  readonly branchLane: boolean;
  readonly beforeApproval: boolean;
  /** Reading and writing the protected lanes' artifact buckets and keys (with their bucket and key policies). */
  readonly artifacts: Decision[];
  /** Assuming a role of a production environment: its CDK bootstrap roles, and its roles that trust the tooling account (branch-lane roles only). */
  readonly production: Decision[];
}

/** A lane's artifact bucket as deployed: its ARN, its bucket policy's document (if it has one), and the pipeline's artifact store. */
export function artifactBucketOf(template: any, pipelineId: string, where: Deployment): { arn: string; policy?: any; store: any } {
  const store = template.Resources[pipelineId].Properties.ArtifactStore;
  if (!store) throw new Error(`${pipelineId} has no single artifact store`);
  const bucketPolicy = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === store.Location.Ref);
  return {
    arn: `arn:aws:s3:::${resolve(store.Location, template, where)}`,
    policy: bucketPolicy && resolve(bucketPolicy.Properties.PolicyDocument, template, where),
    store,
  };
}

/** Every role of the lanes' CodeBuild jobs, with what IAM decides for it. */
export async function jobRoles(app: SynthesizedApp): Promise<JobRole[]> {
  const tooling = toolingOf(app);
  const template = tooling.template;
  const lanes = lanesOf(template);
  const storage = lanes.filter(l => l.protected).flatMap(lane => {
    const { arn: bucket, policy, store } = artifactBucketOf(template, lane.pipelineId, tooling);
    const key = resolve(store.EncryptionKey.Id, template, tooling);
    const policies = {
      s3: policy,
      kms: resolve(template.Resources[store.EncryptionKey.Id['Fn::GetAtt'][0]].Properties.KeyPolicy, template, tooling),
    };
    const requests = [['s3:GetObject', `${bucket}/${lane.lane}/artifact`], ['s3:PutObject', `${bucket}/${lane.lane}/artifact`], ['s3:ListBucket', bucket],
      ['kms:Decrypt', key], ['kms:GenerateDataKey', key]];
    return requests.map(([action, resource]) => ({
      request: `${action} ${resource}`,
      ask: (role: DeployedRole) => decide({ principal: role.arn, action, resource, resourceAccount: tooling.account, context: { 'aws:SecureTransport': 'true' } },
        role.policies, policies[action.split(':')[0] as 's3' | 'kms']),
    }));
  });
  const environments = environmentsOf(app);
  const productionStacks = app.production.flatMap(name => environments.get(name) ?? []);
  const targets = [...bootstrapTargets(productionStacks, tooling), ...rolesTrusting(productionStacks, tooling)];

  const uses = new Map<string, { jobs: string[]; branchLane: boolean; beforeApproval: boolean }>();
  for (const lane of lanes) {
    for (const job of lane.jobs) {
      const use = uses.get(job.roleId) ?? { jobs: [], branchLane: false, beforeApproval: false };
      uses.set(job.roleId, {
        jobs: [...use.jobs, `${lane.lane} ${job.stage}/${job.action}`],
        branchLane: use.branchLane || !lane.protected,
        beforeApproval: use.beforeApproval || (!lane.protected && !isAfter(job, lane.firstApproval)),
      });
    }
  }
  return Promise.all([...uses].map(async ([roleId, use]) => {
    const role = deployedRole(template, roleId, tooling);
    const artifacts = await Promise.all(storage.map(async s => ({ request: s.request, decided: await s.ask(role) })));
    const production = use.branchLane
      ? await Promise.all(targets.map(async t => ({ request: `sts:AssumeRole ${t.name}`, decided: await mayAssume(role, t.role, t.tags) })))
      : [];
    return { roleId, ...use, artifacts, production };
  }));
}

/** What IAM allows a role that SafetyChecks' `branch-lane-isolation` forbids it: the protected lanes' artifacts to a branch lane's job, production's roles before its lane's approval. */
export function forbiddenReach(role: JobRole): Decision[] {
  return [...role.branchLane ? role.artifacts : [], ...role.beforeApproval ? role.production : []].filter(d => d.decided === 'Allowed');
}

/**
 * Where SafetyChecks' `branch-lane-isolation` and IAM disagree on the roles of the lanes' jobs:
 * a logical id it reports whose role IAM lets reach nothing `forbiddenReach` names, or a role IAM
 * lets reach something that it does not report.
 */
export function branchLaneDisagreements(roles: JobRole[], reported: string[]): string[] {
  const reach = new Map(roles.map(r => [r.roleId, forbiddenReach(r)]));
  return [
    ...reported.filter(id => (reach.get(id) ?? []).length === 0).map(id => `${id}: reported, but IAM lets it reach nothing forbidden`),
    ...[...reach].filter(([id, allowed]) => allowed.length > 0 && !reported.includes(id))
      .map(([id, allowed]) => `${id}: not reported, but IAM allows ${allowed.map(d => d.request).join(', ')}`),
  ];
}

/** No job of a branch lane reads or writes the protected lanes' artifacts; the protected lane's synth writes them. */
export function branchLaneArtifactClaims(roles: JobRole[]): Claim[] {
  return [
    ...roles.filter(r => r.branchLane).flatMap(r => r.artifacts.map(d => ({ request: `${r.jobs.join(', ')}: ${d.request}`, expected: 'Denied' as const, decided: d.decided }))),
    someAllowed('a job of the protected lane: s3:PutObject on its artifacts', roles.filter(r => !r.branchLane).flatMap(r => r.artifacts).filter(d => d.request.startsWith('s3:PutObject'))),
  ];
}

/** No job of a branch lane before its first approval assumes a role of production; a job of a lane with an approval does after it. */
export function branchLaneProductionClaims(app: SynthesizedApp, roles: JobRole[]): Claim[] {
  const approved = lanesOf(toolingOf(app).template).filter(l => !l.protected && l.firstApproval !== undefined).map(l => l.lane);
  return [
    ...roles.filter(r => r.beforeApproval).flatMap(r => r.production.map(d => ({ request: `${r.jobs.join(', ')}: ${d.request}`, expected: 'Denied' as const, decided: d.decided }))),
    ...[...new Set(approved)].map(lane => someAllowed(`a job of lane ${lane} after its approval: sts:AssumeRole on a production CDK deploy role`,
      roles.filter(r => r.branchLane && !r.beforeApproval && r.jobs.some(j => j.startsWith(`${lane} `)))
        .flatMap(r => r.production).filter(d => /:role\/cdk-\w+-deploy-role-/.test(d.request)))),
  ];
}

/**
 * No test build (a role under `/cdk-multi-env/<app>/tests/`) assumes a CDK bootstrap role or a
 * stack clean-up role of any environment: it cannot deploy or delete. Controls: a deploy build
 * assumes each environment's CDK deploy role, and a test build an environment's deployment role.
 */
export async function testBuildClaims(app: SynthesizedApp): Promise<Claim[]> {
  const tooling = toolingOf(app);
  const roleIds = [...new Set(lanesOf(tooling.template).flatMap(l => l.jobs.map(j => j.roleId)))];
  const roles = roleIds.map(id => deployedRole(tooling.template, id, tooling));
  const tests = roles.filter(r => /:role\/cdk-multi-env\/[^/]+\/tests\//.test(r.arn));
  const deploys = roles.filter(r => /:role\/cdk-multi-env\/[^/]+\/deploy\//.test(r.arn));
  const environments = [...environmentsOf(app).values()];
  const trusting = environments.flatMap(stacks => rolesTrusting(stacks, tooling));
  const forbidden = [...bootstrapTargets(environments.flat(), tooling), ...trusting.filter(t => t.name.endsWith('-stack-cleanup'))];
  const ask = (callers: DeployedRole[], target: Target) => Promise.all(callers.map(async caller => ({
    request: `${caller.arn}: sts:AssumeRole ${target.name}`, decided: await mayAssume(caller, target.role, target.tags),
  })));
  const denied = (await Promise.all(forbidden.map(t => ask(tests, t)))).flat().map(d => ({ ...d, expected: 'Denied' as const }));
  const foundations = environments.flat().filter(s => s.displayName.endsWith('/Foundation'));
  const controls = await Promise.all([
    ...bootstrapTargets(foundations, tooling, ['deploy']).map(async t => someAllowed(`a deploy build: sts:AssumeRole ${t.name}`, await ask(deploys, t))),
    ...trusting.filter(t => t.name.endsWith('-deployment')).map(async t => someAllowed(`a test build: sts:AssumeRole ${t.name}`, await ask(tests, t))),
  ]);
  return [...denied, ...controls];
}

/**
 * In each lane whose deploy builds signal its tests (`signal_ready`), no principal of the tooling
 * account but those deploy builds puts a signal (an object under `deploys-ready-for-tests/` of the lane's
 * artifact bucket), whatever its own policies allow: every role of the tooling stack (the synth,
 * which writes the bucket's artifacts, another lane's jobs, the pipelines' own roles) and an
 * administrator. A principal whose own policies allow the write must be denied explicitly, by the
 * bucket's policy; each deploy build of the lane is allowed.
 */
export async function signalClaims(app: SynthesizedApp): Promise<Claim[]> {
  const tooling = toolingOf(app);
  const template = tooling.template;
  const principals = [
    ...Object.keys(template.Resources).filter(id => template.Resources[id].Type === 'AWS::IAM::Role')
      .map(id => ({ id, role: deployedRole(template, id, tooling) })),
    { id: 'administrator', role: { arn: `arn:aws:iam::${tooling.account}:role/Administrator`, policies: ADMINISTRATOR } },
  ];
  const claims: Claim[] = [];
  for (const lane of lanesOf(template)) {
    const deploys = lane.jobs.filter(j => JSON.stringify(template.Resources[j.projectId].Properties.Source).includes('signal_ready'));
    if (deploys.length === 0) continue;
    const bucket = artifactBucketOf(template, lane.pipelineId, tooling);
    const signal = `${bucket.arn}/deploys-ready-for-tests/0f3c2a10-7b1e-11ef-9a4d-0a1b2c3d4e5f/${lane.lane}`;
    const signers = new Set(deploys.map(j => j.roleId));
    for (const { id, role } of principals) {
      const put = (resourcePolicy?: any) => decide({
        principal: role.arn, action: 's3:PutObject', resource: signal, resourceAccount: tooling.account, context: { 'aws:SecureTransport': 'true' },
      }, role.policies, resourcePolicy);
      const ownPoliciesAllow = await put() === 'Allowed';
      claims.push({
        request: `${role.arn}: s3:PutObject ${signal}`,
        expected: signers.has(id) ? 'Allowed' : ownPoliciesAllow ? 'ExplicitlyDenied' : 'Denied',
        decided: await put(bucket.policy),
      });
    }
  }
  return claims;
}

/**
 * Each environment's stack clean-up role may delete no account baseline stack of its account and
 * not the CDK bootstrap stack, even tagged as its environment's, nor a stack of another
 * environment; it may delete a stack of its environment (the control).
 */
export async function cleanupClaims(app: SynthesizedApp): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (const [name, stacks] of environmentsOf(app)) {
    const found = stacks.flatMap(s => Object.entries<any>(s.template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === `${s.tags['cdk-multi-env:app']}-${name}-stack-cleanup`)
      .map(([id]) => ({ stack: s, role: deployedRole(s.template, id, s) })));
    if (found.length === 0) continue;
    const [{ stack, role }] = found;
    const tags = stacks[0].tags;
    const deleteStack = async (stackName: string, region: string, withTags: Record<string, string>, expected: Claim['expected']): Promise<Claim> => ({
      request: `${role.arn}: cloudformation:DeleteStack ${stackName} in ${region} tagged ${JSON.stringify(withTags)}`,
      expected,
      decided: await decide({
        principal: role.arn,
        action: 'cloudformation:DeleteStack',
        resource: `arn:aws:cloudformation:${region}:${stack.account}:stack/${stackName}/0f3c2a10-7b1e-11ef-9a4d-0a1b2c3d4e5f`,
        resourceAccount: stack.account,
        context: Object.fromEntries(Object.entries(withTags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
      }, role.policies),
    });
    const baselines = app.stacks.filter(s => s.account === stack.account && s.displayName.endsWith('/AccountBaseline'));
    claims.push(
      ...await Promise.all(baselines.map(b => deleteStack(b.stackName, b.region, tags, 'ExplicitlyDenied'))),
      await deleteStack('CDKToolkit', stack.region, tags, 'ExplicitlyDenied'),
      await deleteStack(`${stack.stackName}-Gone`, stack.region, { ...tags, Environment: `${name}-other` }, 'ExplicitlyDenied'),
      await deleteStack(`${stack.stackName}-Gone`, stack.region, tags, 'Allowed'),
    );
  }
  return claims;
}

/** An identity policy that allows everything: an administrator's. */
export const ADMINISTRATOR = [{ name: 'AdministratorAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }];

/** The pipeline's guardrail as deployed, to give a simulated caller as its permissions boundary. */
export function guardrailOf(app: SynthesizedApp): Array<{ name: string; policy: any }> {
  const tooling = toolingOf(app);
  // The pipeline's `Guardrail/Policy`, by its logical id (path metadata is the CLI's, not every synthesis's).
  const guardrails = Object.entries<any>(tooling.template.Resources).filter(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && /Guardrail/.test(id));
  if (guardrails.length !== 1) throw new Error(`expected one guardrail in the stack of the pipelines, found ${guardrails.length}`);
  return [{ name: 'guardrail', policy: resolve(guardrails[0][1].Properties.PolicyDocument, tooling.template, tooling) }];
}

/**
 * Under the guardrail, an administrator approves no approval of a stage that names approvers, in
 * any lane, and each named approver does; an approval of a stage without named approvers stays
 * anyone's. `approvers`: the ARNs of the approvers, by stage name.
 */
export async function approvalClaims(app: SynthesizedApp, approvers: Record<string, string[]>): Promise<Claim[]> {
  const tooling = toolingOf(app);
  const template = tooling.template;
  const boundary = guardrailOf(app);
  const approve = async (principal: string, approval: string, expected: Claim['expected']): Promise<Claim> => ({
    request: `${principal}: codepipeline:PutApprovalResult ${approval}`,
    expected,
    decided: await decide({ principal, action: 'codepipeline:PutApprovalResult', resource: approval, resourceAccount: tooling.account }, ADMINISTRATOR, undefined, boundary),
  });
  const admin = `arn:aws:iam::${tooling.account}:role/Admin`;
  const claims: Array<Promise<Claim>> = [];
  for (const lane of lanesOf(template)) {
    const pipelineArn = `arn:aws:codepipeline:${tooling.region}:${tooling.account}:${resolve({ Ref: lane.pipelineId }, template, tooling)}`;
    for (const stage of template.Resources[lane.pipelineId].Properties.Stages) {
      for (const action of stage.Actions.filter((a: any) => a.ActionTypeId.Category === 'Approval')) {
        const approval = `${pipelineArn}/${stage.Name}/${action.Name}`;
        const named = approvers[stage.Name] ?? [];
        claims.push(approve(admin, approval, named.length > 0 ? 'ExplicitlyDenied' : 'Allowed'), ...named.map(a => approve(a, approval, 'Allowed')));
      }
    }
  }
  return Promise.all(claims);
}
