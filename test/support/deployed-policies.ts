import * as fs from 'fs';
import * as path from 'path';
import { runSimulation } from '@cloud-copilot/iam-simulate';

/** Where a template deploys, for the pseudo parameters its policies name. */
export interface Deployment {
  readonly account: string;
  readonly region: string;
}

/**
 * A template's value (a policy document, an ARN) as CloudFormation resolves it when the template is
 * deployed in `where`: pseudo parameters; `Ref` of an IAM role, a pipeline or a project to its name,
 * of an SNS topic to its ARN, of anything else without a name to its logical id (the physical name
 * CloudFormation would generate is not
 * known, and no policy compares it with a name of another stack); `Fn::GetAtt <id>.Arn` to the ARN
 * of its type, with the role's path; `Fn::Join`; `Fn::Sub` of a string. Anything else is an error, so no test reads a
 * policy it resolved wrong.
 */
export function resolve(value: unknown, template: any, where: Deployment): any {
  if (Array.isArray(value)) return value.map(v => resolve(v, template, where));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && entries[0][0] === 'Ref') return refOf(entries[0][1] as string, template, where);
  if (entries.length === 1 && entries[0][0] === 'Fn::GetAtt') return arnOf((entries[0][1] as string[])[0], (entries[0][1] as string[])[1], template, where);
  if (entries.length === 1 && entries[0][0] === 'Fn::Join') {
    const [separator, parts] = entries[0][1] as [string, unknown[]];
    return parts.map(p => resolve(p, template, where)).join(separator);
  }
  if (entries.length === 1 && entries[0][0] === 'Fn::Sub' && typeof entries[0][1] === 'string') {
    return (entries[0][1] as string).replace(/\$\{([^}]+)\}/g, (_, ref: string) => refOf(ref, template, where));
  }
  if (entries.length === 1 && entries[0][0].startsWith('Fn::')) throw new Error(`cannot resolve ${entries[0][0]}: ${JSON.stringify(value)}`);
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, template, where)]));
}

function refOf(name: string, template: any, where: Deployment): string {
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': where.account, 'AWS::Region': where.region, 'AWS::URLSuffix': 'amazonaws.com' };
  if (pseudo[name]) return pseudo[name];
  const resource = template.Resources[name];
  if (!resource) throw new Error(`cannot resolve Ref ${name}`);
  if (resource.Type === 'AWS::IAM::Role') return resource.Properties.RoleName ?? name;
  // A bucket's Ref is its name, as in its ARN below.
  if (resource.Type === 'AWS::S3::Bucket') return resource.Properties.BucketName ?? name.toLowerCase();
  if (resource.Type === 'AWS::SNS::Topic') return `arn:aws:sns:${where.region}:${where.account}:${name}`;
  // A pipeline's and a project's Ref is its name.
  return resource.Properties?.Name ?? name;
}

function arnOf(id: string, attribute: string, template: any, where: Deployment): string {
  const resource = template.Resources[id];
  if (!resource || attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
  const { account, region } = where;
  switch (resource.Type) {
    case 'AWS::IAM::Role': return `arn:aws:iam::${account}:role${resolve(resource.Properties.Path, template, where) ?? '/'}${resource.Properties.RoleName ?? id}`;
    case 'AWS::S3::Bucket': return `arn:aws:s3:::${resource.Properties.BucketName ?? id.toLowerCase()}`;
    case 'AWS::KMS::Key': return `arn:aws:kms:${region}:${account}:key/${id}`;
    case 'AWS::CodeBuild::Project': return `arn:aws:codebuild:${region}:${account}:project/${resource.Properties.Name ?? id}`;
    case 'AWS::Logs::LogGroup': return `arn:aws:logs:${region}:${account}:log-group:${id}:*`;
    case 'AWS::SNS::Topic': return `arn:aws:sns:${region}:${account}:${id}`;
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html#awslambda-resources-for-iam-policies
    case 'AWS::Lambda::Function': return `arn:aws:lambda:${region}:${account}:function:${resource.Properties.FunctionName ?? id}`;
    default: throw new Error(`cannot resolve the ARN of ${id} (${resource.Type})`);
  }
}

/** A role of a template as deployed, as a caller sees it: its ARN and its trust policy. */
export interface AssumableRole {
  readonly arn: string;
  readonly trust: any;
  /** Its tags, as IAM's `iam:ResourceTag` keys see them: its stack's (which CloudFormation passes on to it) and its own `Tags`. */
  readonly tags?: Record<string, string>;
}

/** A role of a template; `where` is its stack as the CLI deploys it, or else an account and region (no stack tags). */
export function assumableRole(template: any, roleId: string, where: Deployment & { readonly tags?: Record<string, string> }): AssumableRole {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role of the template`);
  return {
    arn: arnOf(roleId, 'Arn', template, where),
    trust: resolve(role.Properties.AssumeRolePolicyDocument, template, where),
    tags: { ...where.tags, ...Object.fromEntries((role.Properties.Tags ?? []).map((t: any) => [t.Key, t.Value])) },
  };
}

/**
 * A role of a template as deployed: its ARN, its trust policy and its identity policies: inline, the
 * policies and managed policies of the template attached to it (by their `Roles`, its
 * `ManagedPolicyArns`, or an `AWS::IAM::RolePolicy`). A managed policy that is not of the template
 * (an AWS managed policy) cannot be read, and is an error.
 */
export interface DeployedRole extends AssumableRole {
  readonly policies: Array<{ name: string; policy: any }>;
}

export function deployedRole(template: any, roleId: string, where: Deployment & { readonly tags?: Record<string, string> }): DeployedRole {
  const assumable = assumableRole(template, roleId, where);
  const role = template.Resources[roleId];
  const managed = (role.Properties.ManagedPolicyArns ?? []).map((arn: any) => {
    if (template.Resources[arn?.Ref]?.Type !== 'AWS::IAM::ManagedPolicy') throw new Error(`${roleId} has a managed policy the simulation cannot read: ${JSON.stringify(arn)}`);
    return arn.Ref;
  });
  const attached = Object.entries<any>(template.Resources)
    .filter(([id, r]) => (['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type) && (r.Properties.Roles ?? []).some((ref: any) => ref.Ref === roleId))
      || (r.Type === 'AWS::IAM::RolePolicy' && r.Properties.RoleName.Ref === roleId) || managed.includes(id))
    .map(([name, r]) => ({ name, policy: resolve(r.Properties.PolicyDocument, template, where) }));
  const inline = (role.Properties.Policies ?? []).map((p: any) => ({ name: p.PolicyName, policy: resolve(p.PolicyDocument, template, where) }));
  return { ...assumable, policies: [...attached, ...inline] };
}

/** A request to simulate: who, what, on which resource (in which account), with which context keys. */
export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context?: Record<string, string | string[]>;
}

/**
 * What IAM decides for a request, by @cloud-copilot/iam-simulate: `Allowed`, `ImplicitlyDenied`
 * or `ExplicitlyDenied`, given the caller's identity policies and, where given, the resource's
 * policy (a role's trust policy for `sts:AssumeRole`, a bucket's or a key's policy) and the
 * caller's permissions boundary. A request the simulator rejects (an unknown action, a malformed
 * policy) fails the test.
 */
export async function decide(
  request: Request, identityPolicies: Array<{ name: string; policy: any }>, resourcePolicy?: any, boundary?: Array<{ name: string; policy: any }>,
): Promise<string> {
  const response = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      // What IAM sets for every request and the simulator does not fill in itself: the caller's role ARN
      // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
      contextVariables: { 'aws:PrincipalArn': request.principal, 'aws:PrincipalAccount': request.principal.split(':')[4], ...request.context },
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    permissionBoundaryPolicies: boundary,
  }, {});
  if (response.resultType === 'error') throw new Error(`the simulator rejected the request: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

/** The CDK bootstrap roles a pipeline assumes in an environment (`cdk-<qualifier>-<kind>-role-<account>-<region>`), by the value of their `aws-cdk:bootstrap-role` tag. */
export const BOOTSTRAP_ROLE_KINDS = ['deploy', 'file-publishing', 'image-publishing', 'lookup'];

/** The ARN of a CDK bootstrap role of the default qualifier. */
export function bootstrapRoleArn(kind: string, account: string, region: string): string {
  return `arn:aws:iam::${account}:role/cdk-hnb659fds-${kind}-role-${account}-${region}`;
}

/**
 * The trust policy of a CDK bootstrap role after `cdk bootstrap --trust <trusted>` (its own
 * account, and the trusted accounts without an external id: `DeploymentActionRole` and the
 * publishing roles in aws-cdk's lib/api/bootstrap/bootstrap-template.yaml).
 */
export function bootstrapTrust(account: string, trusted: string[]): any {
  return {
    Version: '2012-10-17',
    Statement: [
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: account }, Condition: { Null: { 'sts:ExternalId': 'true' } } },
      { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { AWS: trusted }, Condition: { Null: { 'sts:ExternalId': 'true' } } },
    ],
  };
}

/** Whether `caller` may assume a role: its identity policies, and the role's trust policy; `tags` are the role's (by default, those it is deployed with). */
export function mayAssume(caller: DeployedRole, role: AssumableRole, tags: Record<string, string> = role.tags ?? {}): Promise<string> {
  return decide({
    principal: caller.arn,
    action: 'sts:AssumeRole',
    resource: role.arn,
    resourceAccount: role.arn.split(':')[4],
    context: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`iam:ResourceTag/${k}`, v])),
  }, caller.policies, role.trust);
}

/** A stack of a cloud assembly, as the CDK CLI deploys it. */
export interface DeployedStack extends Deployment {
  /** Its construct path: `Tooling`, `Prod/Foundation`. */
  readonly displayName: string;
  readonly stackName: string;
  /** The stack's tags, which CloudFormation puts on its resources. */
  readonly tags: Record<string, string>;
  readonly template: any;
}

/**
 * Every stack of a cloud assembly (`cdk.out`) and of the assemblies nested in it (a stage's), read
 * from its manifests: the templates the CLI deploys, wherever they were synthesized (in a test, or
 * by `cdk synth` in an app of its own with another aws-cdk-lib).
 */
export function readAssembly(directory: string): DeployedStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf-8'));
  return Object.entries<any>(manifest.artifacts ?? {}).flatMap(([id, artifact]): DeployedStack[] => {
    if (artifact.type === 'cdk:cloud-assembly') return readAssembly(path.join(directory, artifact.properties.directoryName));
    if (artifact.type !== 'aws:cloudformation:stack') return [];
    const [, account, region] = /^aws:\/\/(\d{12})\/([a-z0-9-]+)$/.exec(artifact.environment) ?? [];
    if (!account) throw new Error(`${artifact.displayName ?? id}: not in a given account and region (${artifact.environment})`);
    return [{
      displayName: artifact.displayName ?? id,
      stackName: artifact.properties.stackName ?? id,
      account,
      region,
      tags: artifact.properties.tags ?? {},
      template: JSON.parse(fs.readFileSync(path.join(directory, artifact.properties.templateFile), 'utf-8')),
    }];
  });
}
