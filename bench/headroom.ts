import * as fs from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { APPROVAL_COMMENT_LIMIT } from '../src/pipeline/approval-limits';
import { PROJECT_DESCRIPTION_LIMIT } from '../src/pipeline/codebuild-job';
import {
  ACTION_CONFIGURATION_VALUE_LIMIT, approvalCommentLength, BUILD_SPEC_LIMIT, MANAGED_POLICY_LIMIT, PolicySize, policySizes, resolvedLength,
  ROLE_INLINE_POLICIES_LIMIT,
} from '../src/pipeline/private/pipeline-limits';
import { MAX_ROLE_PATH } from '../src/private/pipeline-role-paths';

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
  approvalCommentCharacters: APPROVAL_COMMENT_LIMIT,
  projectDescriptionCharacters: PROJECT_DESCRIPTION_LIMIT,
};

/** The longest of something in a template, and where. */
export interface Longest {
  readonly where: string;
  readonly characters: number;
}

/** What `buildHeadroom` measures. */
export interface BuildHeadroom {
  readonly buildSpec: Longest;
  readonly actionValue: Longest;
  readonly approvalComment: Longest;
  readonly description: Longest;
  readonly rolePath: Longest;
}

/**
 * The longest inline build spec and description of a template's CodeBuild projects, the longest
 * value of its pipelines' action configurations and the longest approval comment, at their longest
 * once CloudFormation resolves them and, for a comment, once the review's or orphan listing's
 * summary is in it (the measures MultiEnvPipeline refuses a pipeline by); and the longest IAM path
 * of its roles, which for the builds that review, deploy and test names the environments they serve.
 */
export function buildHeadroom(template: any): BuildHeadroom {
  const resources = Object.entries<any>(template.Resources ?? {});
  const longest = (items: Longest[]) => items.reduce((a, b) => (b.characters > a.characters ? b : a), { where: '-', characters: 0 });
  const projects = resources.filter(([, r]) => r.Type === 'AWS::CodeBuild::Project');
  const actions = resources.filter(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline')
    .flatMap(([id, r]) => r.Properties.Stages.flatMap((stage: any) => stage.Actions.map((action: any) => ({ where: `${id} ${stage.Name}/${action.Name}`, action }))));
  return {
    buildSpec: longest(projects.map(([id, r]) => ({ where: id, characters: resolvedLength(r.Properties.Source?.BuildSpec) }))),
    actionValue: longest(actions.flatMap(({ where, action }) =>
      Object.entries(action.Configuration ?? {}).map(([key, value]) => ({ where: `${where} ${key}`, characters: resolvedLength(value) })))),
    approvalComment: longest(actions.filter(({ action }) => action.ActionTypeId.Category === 'Approval' && action.Configuration?.CustomData !== undefined)
      .map(({ where, action }) => ({ where, characters: approvalCommentLength(action.Configuration.CustomData) }))),
    description: longest(projects.map(([id, r]) => ({ where: id, characters: resolvedLength(r.Properties.Description ?? '') }))),
    rolePath: longest(resources.filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .map(([id, r]) => ({ where: id, characters: resolvedLength(r.Properties.Path ?? '/') }))),
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
 * as MultiEnvPipeline refuses them (src/pipeline/private/pipeline-limits.ts cites the IAM User
 * Guide's quotas): the inline policies of one role together, and one managed policy.
 */
export const IAM_LIMITS = {
  source: 'IAM User Guide, "IAM and AWS STS quotas" (docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), read 2026-11',
  roleInline: ROLE_INLINE_POLICIES_LIMIT,
  managed: MANAGED_POLICY_LIMIT,
  /** A role's path, as MultiEnvPipeline refuses it (src/private/pipeline-role-paths.ts cites the CreateRole API reference). */
  rolePath: MAX_ROLE_PATH,
};

/** One role's inline policies, or one managed policy, against its IAM quota. */
export interface PolicyHeadroom extends PolicySize {
  readonly stack: string;
  readonly share: number;
}

/**
 * The size of every role's inline policies and of every managed policy in a stack, measured as
 * MultiEnvPipeline measures them before it refuses one (`policySizes`): each document at its
 * longest once CloudFormation resolves it.
 */
export function policyHeadroom(stack: cxapi.CloudFormationStackArtifact): PolicyHeadroom[] {
  return policySizes(stack.template).map(size => ({ ...size, stack: stack.stackName, share: size.characters / size.limit }));
}

