import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { acknowledge, acknowledgeWildcardResources, inCompliancePacks } from '../../private/acknowledge';
import { INLINE_POLICY_REASON } from '../../private/reasons';

/**
 * What an environment's network and access roles knowingly do not meet, each rule with its reason,
 * for cdk-nag and CloudFormation Guard: one function per resource, so that the constructors read
 * as the infrastructure they build.
 */

/** The VPC: its flow logs' role has an inline policy, its default security group is left as AWS creates it, and its public subnets route to the internet gateway. */
export function acknowledgeVpc(vpc: ec2.Vpc): void {
  acknowledge(vpc, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
  // Closing the default group takes a custom resource with a Lambda function in every account (aws-cdk-lib's
  // restrictDefaultSecurityGroup); nothing of the environment uses the group, so it is left as AWS creates it.
  acknowledge(vpc, 'Nothing the environment creates uses the VPC\'s default security group: its resources get the application and data security groups, '
    + 'which allow only what the tiers need', ...inCompliancePacks('VPCDefaultSecurityGroupClosed'));
  for (const subnet of vpc.publicSubnets) {
    acknowledge(subnet, 'A public subnet holds the NAT gateways and load balancers, which need the route to the internet gateway; it assigns no public addresses, '
      + 'and workloads run in the private subnets', ...inCompliancePacks('VPCNoUnrestrictedRouteToIGW'));
  }
}

/** The access roles' policies are inline. */
export function acknowledgeAccessRoles(access: IConstruct): void {
  acknowledge(access, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
}

/** The deployment role reads every stack and alarm of the account, which holds this one environment. */
export function acknowledgeDeploymentRole(role: iam.IRole, stacks: string, alarms: string): void {
  acknowledgeWildcardResources(role, 'The account holds this one environment, so its stacks and alarms are the environment\'s, created as the application grows: '
    + 'the role reads their status, events and alarm states, and nothing else', stacks, alarms);
}

/** The stack clean-up role lists every stack and deletes only those tagged with the app and the environment. */
export function acknowledgeStackCleanupRole(role: iam.IRole, anyStack: string): void {
  acknowledgeWildcardResources(role, 'DescribeStacks of every stack of a region authorizes on "*" only, and reads no more than stack metadata; '
    + 'DeleteStack names any stack of the account but is allowed only on stacks tagged with this app and this environment (aws:ResourceTag conditions)', '*', anyStack);
}

/** The review role reads as the CDK bootstrap's lookup role does: ReadOnlyAccess, without decrypting. */
export function acknowledgeReviewRole(role: iam.IRole): void {
  acknowledge(role, 'The review role reads as the CDK bootstrap\'s lookup role does (ReadOnlyAccess, which drift detection needs to read every resource type, '
    + 'kept current by AWS), and may decrypt nothing; only the review and deploy builds of this environment may assume it',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]');
}

/** People read through the job-function policy AWS maintains. */
export function acknowledgeReadOnlyRole(role: iam.IRole, strict: boolean): void {
  acknowledge(role, 'People\'s read-only access is the job-function policy AWS maintains (ViewOnlyAccess in strict tiers, ReadOnlyAccess elsewhere): '
    + 'it follows every service AWS adds, which a hand-written copy would not; the role needs MFA',
  `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${strict ? 'job-function/ViewOnlyAccess' : 'ReadOnlyAccess'}]`);
}

/** Developers read through ReadOnlyAccess and deploy through the CDK bootstrap roles. */
export function acknowledgeDeveloperRole(role: iam.IRole, bootstrapRoles: string): void {
  acknowledge(role, 'Developers read with ReadOnlyAccess, the policy AWS maintains as services are added, and change the environment only through the CDK CLI',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]');
  acknowledgeWildcardResources(role, 'The roles `cdk bootstrap` creates in this account (deploy, file and image publishing, lookup), named with the bootstrap qualifier '
    + 'and region: developers deploy with the CDK CLI through them and have no other write access', bootstrapRoles);
}

/** Break-glass access is AdministratorAccess by design. */
export function acknowledgeBreakGlassRole(role: iam.IRole): void {
  acknowledge(role, 'Break-glass access is emergency administrator access by design: MFA within the last hour, one-hour sessions, and every use raises an alarm',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]');
}
