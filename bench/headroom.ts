import * as fs from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ACTION_CONFIGURATION_VALUE_LIMIT, BUILD_SPEC_LIMIT, resolvedLength } from '../src/pipeline/private/pipeline-limits';
import { renderValue } from '../src/validation/private/template-values';

/**
 * CloudFormation's limits on one stack's template, from the AWS CloudFormation User Guide,
 * "Understand CloudFormation quotas"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html),
 * read 2026-11. None of them can be raised. The CDK CLI and CDK Pipelines upload every template
 * to S3 before deploying it, so the S3 limit is the one that applies; the direct limit only
 * matters to someone who passes the template body in the API request.
 */
export const CLOUDFORMATION_LIMITS = {
  source: 'AWS CloudFormation User Guide, "Understand CloudFormation quotas" (docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html), read 2026-11',
  resources: 500,
  /** Template body in an S3 object: 1 MB. */
  templateBytesS3: 1_000_000,
  /** Template body passed in the CreateStack / UpdateStack request. */
  templateBytesDirect: 51_200,
  parameters: 200,
  outputs: 200,
  mappings: 200,
  /** `{{resolve:...}}` dynamic references per template. */
  dynamicReferences: 60,
};

/**
 * CodePipeline's limits on one pipeline, from the AWS CodePipeline User Guide, "Quotas in AWS
 * CodePipeline" (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html), read 2026-11.
 */
export const CODEPIPELINE_LIMITS = {
  source: 'AWS CodePipeline User Guide, "Quotas in AWS CodePipeline" (docs.aws.amazon.com/codepipeline/latest/userguide/limits.html), read 2026-11',
  stagesPerPipeline: 50,
  actionsPerStage: 50,
  // What MultiEnvPipeline refuses at synth; each cites its source in src/pipeline/private/pipeline-limits.ts.
  buildSpecCharacters: BUILD_SPEC_LIMIT,
  actionValueCharacters: ACTION_CONFIGURATION_VALUE_LIMIT,
};

/** The longest of something in a template, and where. */
export interface Longest {
  readonly where: string;
  readonly characters: number;
}

/**
 * The longest inline build spec of a template's CodeBuild projects and the longest value of its
 * pipelines' action configurations, at their longest once CloudFormation resolves them (the
 * measure MultiEnvPipeline refuses a pipeline by).
 */
export function buildHeadroom(template: any): { buildSpec: Longest; actionValue: Longest } {
  const resources = Object.entries<any>(template.Resources ?? {});
  const longest = (items: Longest[]) => items.reduce((a, b) => (b.characters > a.characters ? b : a), { where: '-', characters: 0 });
  return {
    buildSpec: longest(resources.filter(([, r]) => r.Type === 'AWS::CodeBuild::Project')
      .map(([id, r]) => ({ where: id, characters: resolvedLength(r.Properties.Source?.BuildSpec) }))),
    actionValue: longest(resources.filter(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline')
      .flatMap(([id, r]) => r.Properties.Stages.flatMap((stage: any) => stage.Actions.flatMap((action: any) =>
        Object.entries(action.Configuration ?? {}).map(([key, value]) => ({ where: `${id} ${stage.Name}/${action.Name} ${key}`, characters: resolvedLength(value) })))))),
  };
}

/** One stack's template against CloudFormation's limits. */
export interface StackHeadroom {
  readonly stack: string;
  readonly resources: number;
  /** Size of the template file CDK wrote (what is uploaded). */
  readonly templateBytes: number;
  readonly parameters: number;
  readonly outputs: number;
  readonly mappings: number;
  readonly dynamicReferences: number;
  /** The largest share of any limit the stack uses, 0..1 (above 1: it cannot be deployed). */
  readonly worstShare: number;
  /** Which limit that is. */
  readonly worstLimit: string;
}

/** Every stack of an assembly and its nested assemblies (the stages), in order. */
export function allStacks(assembly: cxapi.CloudAssembly): cxapi.CloudFormationStackArtifact[] {
  return [...assembly.stacks, ...assembly.nestedAssemblies.flatMap(n => allStacks(n.nestedAssembly))];
}

/** How close one stack's template comes to each limit. */
export function stackHeadroom(stack: cxapi.CloudFormationStackArtifact): StackHeadroom {
  const file = path.join(stack.assembly.directory, stack.templateFile);
  const text = fs.readFileSync(file, 'utf-8');
  const template = JSON.parse(text);
  const count = (section: string) => Object.keys(template[section] ?? {}).length;
  const figures = {
    resources: count('Resources'),
    templateBytes: Buffer.byteLength(text),
    parameters: count('Parameters'),
    outputs: count('Outputs'),
    mappings: count('Mappings'),
    dynamicReferences: (text.match(/\{\{resolve:/g) ?? []).length,
  };
  const L = CLOUDFORMATION_LIMITS;
  const shares: [string, number][] = [
    [`resources (${L.resources})`, figures.resources / L.resources],
    ['template size (1 MB via S3)', figures.templateBytes / L.templateBytesS3],
    [`parameters (${L.parameters})`, figures.parameters / L.parameters],
    [`outputs (${L.outputs})`, figures.outputs / L.outputs],
    [`mappings (${L.mappings})`, figures.mappings / L.mappings],
    [`dynamic references (${L.dynamicReferences})`, figures.dynamicReferences / L.dynamicReferences],
  ];
  const [worstLimit, worstShare] = shares.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { stack: stack.stackName, ...figures, worstShare, worstLimit };
}

/** The stages and largest stage of each pipeline in a template, against CodePipeline's limits. */
export interface PipelineHeadroom {
  readonly pipeline: string;
  readonly stages: number;
  readonly mostActionsInAStage: number;
}

export function pipelineHeadroom(template: any): PipelineHeadroom[] {
  return Object.entries<any>(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline')
    .map(([id, r]) => ({
      pipeline: id,
      stages: r.Properties.Stages.length,
      mostActionsInAStage: Math.max(...r.Properties.Stages.map((s: any) => s.Actions.length)),
    }));
}

/**
 * IAM's limits on the size of policies, in characters of the policy document without white space,
 * from the IAM User Guide, "IAM and AWS STS quotas"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), read 2026-11:
 * the inline policies of one role, user or group add up against one quota; a managed policy has
 * its own. None can be raised.
 */
export const IAM_LIMITS = {
  source: 'IAM User Guide, "IAM and AWS STS quotas" (docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), read 2026-11',
  roleInline: 10_240,
  userInline: 2_048,
  groupInline: 5_120,
  managed: 6_144,
};

/** One principal's inline policies, or one managed policy, against its IAM quota. */
export interface PolicyHeadroom {
  readonly stack: string;
  /** The role, user or group (its logical id, or its name when it is imported), or the managed policy. */
  readonly principal: string;
  readonly kind: 'role inline' | 'user inline' | 'group inline' | 'managed';
  readonly characters: number;
  readonly limit: number;
  readonly share: number;
}

/**
 * The size of every principal's inline policies and of every managed policy in a stack. A policy
 * document's size is its JSON without white space, with each intrinsic function rendered as
 * SafetyChecks renders it (`Ref` as `${LogicalId}`, `Fn::GetAtt` as `${LogicalId.Attribute}`,
 * `Fn::Join` joined): an ARN that CloudFormation resolves may be somewhat longer or shorter.
 */
export function policyHeadroom(stack: cxapi.CloudFormationStackArtifact): PolicyHeadroom[] {
  const resources = Object.entries<any>(stack.template.Resources ?? {});
  const size = (document: unknown) => JSON.stringify(flatten(document)).length;
  const inline = new Map<string, { kind: PolicyHeadroom['kind']; characters: number }>();
  const add = (principal: unknown, kind: 'role inline' | 'user inline' | 'group inline', characters: number) => {
    // A role of the stack by its logical id; one imported by name by that name.
    const name = (principal as { Ref?: string })?.Ref ?? renderValue(principal);
    const entry = inline.get(`${kind}:${name}`) ?? { kind, characters: 0 };
    inline.set(`${kind}:${name}`, { kind, characters: entry.characters + characters });
  };
  const managed: PolicyHeadroom[] = [];
  for (const [id, r] of resources) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Policy') {
      const characters = size(p.PolicyDocument);
      for (const role of p.Roles ?? []) add(role, 'role inline', characters);
      for (const user of p.Users ?? []) add(user, 'user inline', characters);
      for (const group of p.Groups ?? []) add(group, 'group inline', characters);
    }
    const own = { 'AWS::IAM::Role': 'role inline', 'AWS::IAM::User': 'user inline', 'AWS::IAM::Group': 'group inline' } as const;
    const kind = own[r.Type as keyof typeof own];
    if (kind) for (const policy of p.Policies ?? []) add({ Ref: id }, kind, size(policy.PolicyDocument));
    if (r.Type === 'AWS::IAM::ManagedPolicy') {
      const characters = size(p.PolicyDocument);
      managed.push({ stack: stack.stackName, principal: id, kind: 'managed', characters, limit: IAM_LIMITS.managed, share: characters / IAM_LIMITS.managed });
    }
  }
  const limitOf = { 'role inline': IAM_LIMITS.roleInline, 'user inline': IAM_LIMITS.userInline, 'group inline': IAM_LIMITS.groupInline, 'managed': IAM_LIMITS.managed };
  return [
    ...[...inline.entries()].map(([key, { kind, characters }]) => ({
      stack: stack.stackName, principal: key.slice(kind.length + 1), kind, characters, limit: limitOf[kind], share: characters / limitOf[kind],
    })),
    ...managed,
  ];
}

/** A template value with every intrinsic function rendered to text, at any depth. */
function flatten(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flatten);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return renderValue(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flatten(v)]));
  }
  return value;
}
