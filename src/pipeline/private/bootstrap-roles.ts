import { DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { partitionOf } from '../../private/partition';

/** Where an app names the qualifier of its CDK bootstrap (`cdk bootstrap --qualifier`), as aws-cdk-lib reads it. */
const BOOTSTRAP_QUALIFIER_CONTEXT = '@aws-cdk/core:bootstrapQualifier';

/** The roles `cdk bootstrap` creates in an account and region that the CDK CLI assumes (their `aws-cdk:bootstrap-role` tag). */
export type BootstrapRole = 'deploy' | 'file-publishing' | 'image-publishing' | 'lookup';

/**
 * The qualifier a stack is synthesized with: its synthesizer's (`qualifier`), or the app's
 * `@aws-cdk/core:bootstrapQualifier`, or the CDK's default.
 */
function qualifierOf(stack: Stack): string {
  const synthesizer = stack.synthesizer;
  return (synthesizer instanceof DefaultStackSynthesizer ? synthesizer.bootstrapQualifier : undefined)
    ?? stack.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
}

/**
 * The ARN of a CDK bootstrap role in a stack's account (or `account`) and region, named with the
 * qualifier the stack is synthesized with.
 */
export function bootstrapRoleArn(stack: Stack, role: BootstrapRole, account: string = stack.account): string {
  return `arn:${partitionOf(stack.region)}:iam::${account}:role/cdk-${qualifierOf(stack)}-${role}-role-${account}-${stack.region}`;
}

/**
 * Permission to assume these CDK bootstrap roles of the stacks' accounts: the roles of the
 * stacks' qualifier (in any region of those accounts, which keeps the policy one line per account
 * however many regions a wave spans) that carry one of these `aws-cdk:bootstrap-role` tags, the way
 * CDK Pipelines' self-update job reaches the bootstrap roles.
 */
export function assumeBootstrapRoles(stacks: Stack[], roles: BootstrapRole[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: bootstrapRolePatterns(stacks),
    conditions: { StringEquals: { 'iam:ResourceTag/aws-cdk:bootstrap-role': roles } },
  });
}

/** Every CDK bootstrap role of the stacks' accounts (with the stacks' qualifier, in any region): one ARN pattern per account. */
export function bootstrapRolePatterns(stacks: Stack[]): string[] {
  return [...new Set(stacks.map(stack => `arn:${partitionOf(stack.region)}:iam::${stack.account}:role/cdk-${qualifierOf(stack)}-*`))];
}

/**
 * The CDK bootstrap roles of the stacks' qualifiers in every account (one ARN pattern per partition
 * and qualifier, whatever the number of accounts). The guardrail denies these: with one pattern per
 * account, its managed policy outgrew IAM's 6,144 characters at 96 accounts (the bench's app with an
 * account per environment), and a pattern per account leaves an account the app adds later open
 * until the pipeline updates its policy.
 */
export function bootstrapRolesOfEveryAccount(stacks: Stack[]): string[] {
  return [...new Set(stacks.map(stack => `arn:${partitionOf(stack.region)}:iam::*:role/cdk-${qualifierOf(stack)}-*`))];
}
