import { Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { IConstruct } from 'constructs';
import { ValidationErrors } from '../../private/validation-errors';
import { APPROVAL_COMMENT_LIMIT, DIGEST_LENGTH, SUMMARY_LIMIT } from '../approval-limits';

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
 * The length of a value of a template once CloudFormation has resolved it, at most: a string as it
 * is, `Fn::Join` and `Fn::Sub` with each reference at the longest it can resolve to.
 */
export function resolvedLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (!value || typeof value !== 'object') return 0;
  const obj = value as Record<string, any>;
  if ('Ref' in obj) return RESOLVED_LENGTH[obj.Ref] ?? RESOURCE_NAME_LENGTH;
  if ('Fn::GetAtt' in obj) return RESOURCE_ARN_LENGTH;
  if ('Fn::Join' in obj) {
    const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
    return parts.reduce<number>((sum, part) => sum + resolvedLength(part), 0) + separator.length * Math.max(parts.length - 1, 0);
  }
  if ('Fn::Sub' in obj) {
    const [text, variables] = Array.isArray(obj['Fn::Sub']) ? obj['Fn::Sub'] : [obj['Fn::Sub'], {}];
    return (text as string).replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) =>
      'x'.repeat(name in variables ? resolvedLength(variables[name]) : RESOLVED_LENGTH[name] ?? (name.includes('.') ? RESOURCE_ARN_LENGTH : RESOURCE_NAME_LENGTH))).length;
  }
  if ('Fn::Select' in obj || 'Fn::ImportValue' in obj || 'Fn::GetStackOutput' in obj) return RESOURCE_ARN_LENGTH;
  return JSON.stringify(value).length;
}

/**
 * Holds a pipeline's build projects and actions to the limits CodeBuild and CodePipeline enforce
 * when the tooling stack deploys, so that a pipeline that would fail there fails at synth instead,
 * naming the resource, its size, the limit and what to do: every inline build spec, every value
 * of an action's configuration, and every approval's comment once the variables it names (the
 * review's summary and digest) are resolved at their longest.
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
          const length = approval ? commentLength(value) : resolvedLength(value);
          const limit = approval ? APPROVAL_COMMENT_LIMIT : ACTION_CONFIGURATION_VALUE_LIMIT;
          if (length > limit) {
            errors.add(`action ${stage.name}/${action.name} of ${pipeline.node.path}`, `has a value of ${length.toLocaleString('en-US')} characters for ${key}`
              + `${approval ? ' once the review\'s summary and digest are in it' : ''}; CodePipeline refuses more than ${limit.toLocaleString('en-US')}: ${advice}`);
          }
        }
      }
    }
  }
}

/** An approval's comment at its longest: the review's summary and digest it names, at theirs. */
function commentLength(value: unknown): number {
  const resolved = JSON.stringify(value)
    .replace(/#\{[^}]*\.REVIEW_SUMMARY\}/g, 'x'.repeat(SUMMARY_LIMIT))
    .replace(/#\{[^}]*\.REVIEW_DIGEST\}/g, 'x'.repeat(DIGEST_LENGTH));
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
 * Holds the pipeline's stack to CloudFormation's template size, on the template as synthesis is
 * about to write it (`rendered`: as the stack renders it, and whether it indents it), naming its
 * size, the limit and what to do.
 */
export function checkTemplateSize(stackPath: string, rendered: { template: any; indented: boolean }, errors: ValidationErrors): void {
  const advice = 'put fewer environments in each wave (addWave), move other resources out of the pipeline\'s stack, or split the app into several apps with a pipeline each';
  const body = JSON.stringify(rendered.template, undefined, rendered.indented ? 1 : undefined).length;
  if (body > TEMPLATE_BODY_LIMIT) {
    errors.add(`stack ${stackPath}`, `has a template of ${body.toLocaleString('en-US')} characters${rendered.indented ? ' (indented)' : ''}; `
      + `CloudFormation refuses more than ${TEMPLATE_BODY_LIMIT.toLocaleString('en-US')}: ${advice}`
      + `${rendered.indented ? `; without indentation (suppressTemplateIndentation) it would be ${JSON.stringify(rendered.template).length.toLocaleString('en-US')}` : ''}`);
  }
}
