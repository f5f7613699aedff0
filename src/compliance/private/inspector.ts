import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** What Amazon Inspector scans continuously once enabled. */
export const INSPECTOR_RESOURCE_TYPES = ['EC2', 'ECR', 'LAMBDA'];

/** Inspector's service principal, which its service-linked role is for. */
const INSPECTOR_SERVICE = 'inspector2.amazonaws.com';

/**
 * The first Enable in an account creates Inspector's service-linked role: whoever calls it may
 * create that role, and only that one.
 */
export function createInspectorServiceLinkedRole(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['iam:CreateServiceLinkedRole'],
    resources: [stack.formatArn({
      service: 'iam', region: '', resource: 'role', resourceName: `aws-service-role/${INSPECTOR_SERVICE}/AWSServiceRoleForAmazonInspector2`,
    })],
    conditions: { StringEquals: { 'iam:AWSServiceName': INSPECTOR_SERVICE } },
  });
}
