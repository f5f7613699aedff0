import { Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { IConstruct } from 'constructs';
import { ValidationErrors } from '../../private/validation-errors';
import { APPROVAL_COMMENT_LIMIT, DIGEST_LENGTH, DIGEST_VARIABLE, ORPHANS_VARIABLE, SUMMARY_LIMIT, SUMMARY_VARIABLE } from '../approval-limits';

/** The variables an approval's comment may name, each with the longest value it resolves to. */
const COMMENT_VARIABLES: Record<string, number> = {
  [SUMMARY_VARIABLE]: SUMMARY_LIMIT,
  [DIGEST_VARIABLE]: DIGEST_LENGTH,
  [ORPHANS_VARIABLE]: SUMMARY_LIMIT,
};

/**
 * CodeBuild refuses a project whose inline build spec is longer than this: "Max buildspec length
 * is 25600" (the error CloudFormation reports, aws/aws-cdk#30326; CDK Pipelines moved its asset
 * jobs' build specs into the cloud assembly for the same reason, aws/aws-cdk#14974).
 */
export const BUILD_SPEC_LIMIT = 25_600;

/**
 * CodePipeline's limit on each value of an action's configuration (ActionConfiguration: "Value
 * Length Constraints: Minimum length of 1. Maximum length of 1000",
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionConfiguration.html).
 */
export const ACTION_CONFIGURATION_VALUE_LIMIT = 1_000;

/**
 * The context key under which a pipeline past these limits is synthesized anyway, for the bench to
 * measure how far past they are. An app that sets it writes a tooling stack AWS refuses to deploy.
 */
export const MEASURE_PAST_LIMITS = 'cdk-multi-env:measurePastLimits';

/**
 * The longest value a reference can take once CloudFormation resolves it, so that a measured
 * length is at most what AWS will count: the longest partition (`aws-iso-b`... `aws-us-gov`) and
 * region names, an account id, and a resource's name or ARN (IAM's longest role ARN is 2,048
 * characters, but what the pipeline's build specs and actions name are project, pipeline and
 * bucket names, at most 255 characters, and ARNs built from them).
 */
const RESOLVED_LENGTH: Record<string, number> = {
  'AWS::Partition': 10, 'AWS::Region': 14, 'AWS::AccountId': 12, 'AWS::URLSuffix': 16, 'AWS::StackName': 128, 'AWS::NoValue': 0,
};
const RESOURCE_NAME_LENGTH = 255;
const RESOURCE_ARN_LENGTH = 512;

/**
 * How long references to the resources of one template resolve to, at most, where the template
 * says more than the generic bound: a `Ref` or `Fn::GetAtt` the function does not know is undefined.
 */
export type ReferenceLengths = (logicalId: string, attribute?: string) => number | undefined;

/**
 * The lengths of references to a template's CodeBuild projects, IAM roles, CodePipeline pipelines,
 * KMS keys, buckets and log groups, the resources the pipeline's policies name most (the
 * CloudFormation User Guide's resource reference, "Return values", of each type). A name or path the
 * template gives literally counts as it is; otherwise the longest the service allows:
 * - a project's `Ref` is its name, at most 150 characters (API_CreateProject,
 *   https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html), its `Arn`
 *   `arn:<partition>:codebuild:<region>:<account>:project/<name>`;
 * - a role's `Arn` is `arn:<partition>:iam::<account>:role<path><name>`, a name of at most 64
 *   characters (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html);
 * - a pipeline's `Ref` is its name, at most 100 characters (API_PipelineDeclaration,
 *   https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineDeclaration.html);
 * - a KMS key's `Arn` is `arn:<partition>:kms:<region>:<account>:key/<key id>`, a key id of 36
 *   characters (https://docs.aws.amazon.com/kms/latest/developerguide/find-cmk-id-arn.html);
 * - a bucket's `Arn` is `arn:<partition>:s3:::<name>`, a name of at most 63 characters
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html);
 * - a named log group's `Arn` is `arn:<partition>:logs:<region>:<account>:log-group:<name>:*`.
 */
export function referenceLengthsOf(template: any): ReferenceLengths {
  const resources = template.Resources ?? {};
  const partition = RESOLVED_LENGTH['AWS::Partition'];
  const [region, account] = [RESOLVED_LENGTH['AWS::Region'], RESOLVED_LENGTH['AWS::AccountId']];
  return (logicalId, attribute) => {
    const resource = resources[logicalId];
    const properties = resource?.Properties ?? {};
    if (resource?.Type === 'AWS::CodeBuild::Project') {
      const name = typeof properties.Name === 'string' ? properties.Name.length : 150;
      if (attribute === undefined) return name;
      if (attribute === 'Arn') return 'arn::codebuild:::project/'.length + partition + region + account + name;
    }
    if (resource?.Type === 'AWS::CodePipeline::Pipeline' && attribute === undefined) return typeof properties.Name === 'string' ? properties.Name.length : 100;
    if (attribute === 'Arn' && resource?.Type === 'AWS::KMS::Key') return 'arn::kms:::key/'.length + partition + region + account + 36;
    if (attribute === 'Arn' && resource?.Type === 'AWS::S3::Bucket') {
      return 'arn::s3:::'.length + partition + (typeof properties.BucketName === 'string' ? properties.BucketName.length : 63);
    }
    if (attribute === 'Arn' && resource?.Type === 'AWS::Logs::LogGroup' && typeof properties.LogGroupName === 'string') {
      return 'arn::logs:::log-group::*'.length + partition + region + account + properties.LogGroupName.length;
    }
    if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn' && (properties.Path === undefined || typeof properties.Path === 'string')) {
      const name = typeof properties.RoleName === 'string' ? properties.RoleName.length : 64;
      return `arn::iam:::role${properties.Path ?? '/'}`.length + partition + account + name;
    }
    return undefined;
  };
}

/**
 * The length of a value of a template once CloudFormation has resolved it, at most: a string as it
 * is, `Fn::Join` and `Fn::Sub` with each reference at the longest it can resolve to (`references`:
 * what the template says of its own resources, where it says more).
 */
export function resolvedLength(value: unknown, references: ReferenceLengths = () => undefined): number {
  const length = (v: unknown) => resolvedLength(v, references);
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (!value || typeof value !== 'object') return 0;
  const obj = value as Record<string, any>;
  if ('Ref' in obj) return RESOLVED_LENGTH[obj.Ref] ?? references(obj.Ref) ?? RESOURCE_NAME_LENGTH;
  if ('Fn::GetAtt' in obj) {
    const [id, attribute] = Array.isArray(obj['Fn::GetAtt']) ? obj['Fn::GetAtt'] : String(obj['Fn::GetAtt']).split('.');
    return references(id, attribute) ?? RESOURCE_ARN_LENGTH;
  }
  if ('Fn::Join' in obj) {
    const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
    return parts.reduce<number>((sum, part) => sum + length(part), 0) + separator.length * Math.max(parts.length - 1, 0);
  }
  if ('Fn::Sub' in obj) {
    const [text, variables] = Array.isArray(obj['Fn::Sub']) ? obj['Fn::Sub'] : [obj['Fn::Sub'], {}];
    return (text as string).replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) =>
      'x'.repeat(name in variables ? length(variables[name]) : RESOLVED_LENGTH[name] ?? (name.includes('.') ? RESOURCE_ARN_LENGTH : RESOURCE_NAME_LENGTH))).length;
  }
  if ('Fn::Select' in obj || 'Fn::ImportValue' in obj || 'Fn::GetStackOutput' in obj) return RESOURCE_ARN_LENGTH;
  return JSON.stringify(value).length;
}

/**
 * Holds a pipeline's build projects and actions to the limits CodeBuild and CodePipeline enforce
 * when the tooling stack deploys, so that a pipeline that would fail there fails at synth instead,
 * naming the resource, its size, the limit and what to do: every inline build spec, every value
 * of an action's configuration, and every approval's comment once the variables it names (the
 * review's summary and digest, the orphan listing's summary) are resolved at their longest.
 */
export function checkPipelineLimits(scope: IConstruct, errors: ValidationErrors): void {
  const stack = Stack.of(scope);
  const advice = 'put fewer environments in each wave (addWave), or split the app into several apps with a pipeline each';
  const buildSpecAdvice = 'put fewer environments in each wave (addWave), move long commands into a script of the repository, or split the app into several apps with a pipeline each';
  for (const project of scope.node.findAll().filter((c): c is codebuild.CfnProject => c instanceof codebuild.CfnProject)) {
    const source = stack.resolve(project.source);
    const length = resolvedLength(source?.buildSpec);
    if (length > BUILD_SPEC_LIMIT) {
      errors.add(`build project ${project.node.path}`, `has a build spec of ${length.toLocaleString('en-US')} characters; CodeBuild refuses more than ${BUILD_SPEC_LIMIT.toLocaleString('en-US')}: ${buildSpecAdvice}`);
    }
  }
  for (const pipeline of scope.node.findAll().filter((c): c is codepipeline.CfnPipeline => c instanceof codepipeline.CfnPipeline)) {
    const stages: any[] = stack.resolve(pipeline.stages) ?? [];
    for (const stage of stages) {
      for (const action of stage.actions ?? []) {
        for (const [key, value] of Object.entries<unknown>(action.configuration ?? {})) {
          const approval = action.actionTypeId?.category === 'Approval' && key === 'CustomData';
          const length = approval ? approvalCommentLength(value) : resolvedLength(value);
          const limit = approval ? APPROVAL_COMMENT_LIMIT : ACTION_CONFIGURATION_VALUE_LIMIT;
          if (length > limit) {
            errors.add(`action ${stage.name}/${action.name} of ${pipeline.node.path}`, `has a value of ${length.toLocaleString('en-US')} characters for ${key}`
              + `${approval ? ' once the review\'s or the orphan listing\'s summary is in it' : ''}; CodePipeline refuses more than ${limit.toLocaleString('en-US')}: ${advice}`);
          }
        }
      }
    }
  }
}

/** An approval's comment at its longest: the review's summary and digest, or the orphan listing's summary, it names at theirs. */
export function approvalCommentLength(value: unknown): number {
  const resolved = Object.entries(COMMENT_VARIABLES).reduce((text, [name, longest]) =>
    text.replace(new RegExp(`#\\{[^}]*\\.${name}\\}`, 'g'), 'x'.repeat(longest)), JSON.stringify(value));
  return resolvedLength(JSON.parse(resolved));
}

/**
 * CloudFormation's limit on a template's body in an S3 object, which the CDK CLI and CDK Pipelines
 * upload every template to: 1 MB ("Template body size in an Amazon S3 object: 1 MB", AWS
 * CloudFormation User Guide, "Understand CloudFormation quotas",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 * aws-cdk-lib counts it as 1,000,000 characters of the written template (TEMPLATE_BODY_MAXIMUM_SIZE
 * in core/lib/stack.ts) and only warns past it.
 */
export const TEMPLATE_BODY_LIMIT = 1_000_000;

/**
 * IAM's limits on policy sizes, in characters of the policy document without white space (IAM User
 * Guide, "IAM and AWS STS quotas",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): all the inline
 * policies of one role together, and one managed policy.
 */
export const ROLE_INLINE_POLICIES_LIMIT = 10_240;
export const MANAGED_POLICY_LIMIT = 6_144;

/** One role's inline policies, or one managed policy, and its size at its longest once CloudFormation resolves it. */
export interface PolicySize {
  /** The role's or the managed policy's logical id (a role imported by name: its name as JSON). */
  readonly principal: string;
  readonly kind: 'role inline' | 'managed';
  readonly characters: number;
  readonly limit: number;
}

/**
 * The size of every role's inline policies (its own `Policies` and the `AWS::IAM::Policy` resources
 * attached to it) and of every managed policy of a template: each document as JSON without white
 * space, every reference at the longest it can resolve to (`resolvedLength`, with what the template
 * says of its own projects and roles).
 */
export function policySizes(template: any): PolicySize[] {
  const references = referenceLengthsOf(template);
  const atLongest = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(atLongest);
    if (value && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return 'x'.repeat(resolvedLength(value, references));
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, atLongest(v)]));
    }
    return value;
  };
  const size = (document: unknown): number => JSON.stringify(atLongest(document)).length;
  const inline = new Map<string, number>();
  const add = (role: unknown, characters: number) => {
    const name = (role as { Ref?: string })?.Ref ?? JSON.stringify(role);
    inline.set(name, (inline.get(name) ?? 0) + characters);
  };
  const managed: PolicySize[] = [];
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy') (properties.Roles ?? []).forEach((role: unknown) => add(role, size(properties.PolicyDocument)));
    if (resource.Type === 'AWS::IAM::Role') (properties.Policies ?? []).forEach((policy: any) => add({ Ref: id }, size(policy.PolicyDocument)));
    if (resource.Type === 'AWS::IAM::ManagedPolicy') {
      managed.push({ principal: id, kind: 'managed', characters: size(properties.PolicyDocument), limit: MANAGED_POLICY_LIMIT });
    }
  }
  return [
    ...[...inline.entries()].map(([principal, characters]) => ({ principal, kind: 'role inline' as const, characters, limit: ROLE_INLINE_POLICIES_LIMIT })),
    ...managed,
  ];
}

/**
 * Holds the pipeline's stack to CloudFormation's template size and IAM's policy sizes, on the
 * template as synthesis is about to write it (`rendered`: as the stack renders it, and whether it
 * indents it), naming what is past a limit, its size, the limit and what to do; returns its sizes.
 */
export function checkTemplateLimits(stackPath: string, rendered: { template: any; indented: boolean }, errors: ValidationErrors): TemplateSizes {
  const advice = 'put fewer environments in each wave (addWave), move other resources out of the pipeline\'s stack, or split the app into several apps with a pipeline each';
  const plain = JSON.stringify(rendered.template).length;
  const written = rendered.indented ? JSON.stringify(rendered.template, undefined, 1).length : plain;
  if (written > TEMPLATE_BODY_LIMIT) {
    errors.add(`stack ${stackPath}`, `has a template of ${written.toLocaleString('en-US')} characters${rendered.indented ? ' (indented)' : ''}; `
      + `CloudFormation refuses more than ${TEMPLATE_BODY_LIMIT.toLocaleString('en-US')}: ${advice}`
      + `${rendered.indented ? `; without indentation (suppressTemplateIndentation) it would be ${plain.toLocaleString('en-US')}` : ''}`);
  }
  for (const policy of policySizes(rendered.template).filter(p => p.characters > p.limit)) {
    errors.add(`${policy.kind === 'managed' ? 'managed policy' : 'the inline policies of role'} ${policy.principal} in ${stackPath}`,
      `${policy.kind === 'managed' ? 'is' : 'are'} ${policy.characters.toLocaleString('en-US')} characters at ${policy.kind === 'managed' ? 'its' : 'their'} longest; IAM refuses more than ${policy.limit.toLocaleString('en-US')}: ${advice}`);
  }
  return { written, plain };
}

/** A rendered template's size in characters: as the stack writes it (indented, where it indents), and without indentation. */
export interface TemplateSizes {
  readonly written: number;
  readonly plain: number;
}
