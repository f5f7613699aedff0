import { Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IsolatedEnvironment } from '../../environment';

/** The review role of the environment a stack belongs to, which reads it (in any region of the account). */
export function reviewRoleOf(stack: Stack): string {
  return (Stage.of(stack) as IsolatedEnvironment).reviewRoleArn;
}

/** Permission to assume the environments' review roles. */
export function assumeReviewRoles(environments: IsolatedEnvironment[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: environments.map(env => env.reviewRoleArn) });
}
