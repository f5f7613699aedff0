import { CfnResource } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledge, acknowledgeWildcardResources, asNagFinding, ignoreLintRules, inCompliancePacks, ROLE_DEPENDENCY_REASON, suppressGuardRules } from '../../private/acknowledge';
import { INLINE_POLICY_REASON } from '../../private/reasons';

/**
 * What the compliance baseline's resources knowingly do not meet, each rule with its reason, for
 * cdk-nag, CloudFormation Guard and cfn-lint: one function per resource, so that the baseline's
 * constructor reads as the infrastructure it builds.
 */

/** The trail: its CloudWatch Logs role's policy is inline, and it depends on that role. */
export function acknowledgeTrail(trail: cloudtrail.Trail): void {
  acknowledge(trail.node.findChild('LogsRole'), INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
  ignoreLintRules(trail.node.defaultChild as CfnResource, ROLE_DEPENDENCY_REASON, 'W3005');
}

/**
 * An audit bucket (the trail's, Config's): not replicated, and without object lock where the tier
 * does not lock, for the reason given.
 */
export function acknowledgeAuditBucket(bucket: s3.Bucket, noObjectLockReason: string | undefined): void {
  if (noObjectLockReason !== undefined) {
    suppressGuardRules(bucket.node.defaultChild as s3.CfnBucket, noObjectLockReason, 's3_bucket_object_lock_enabled_check');
  }
  acknowledge(bucket, 'Audit logs stay in the account, versioned and kept for the retention (under object lock in production); copying them to another region or a log-archive account is the organization\'s choice of destination, which a per-account baseline cannot make',
    ...inCompliancePacks('S3BucketReplicationEnabled'));
}

/** The access-log bucket of the audit buckets: what S3's server access logging requires of it. */
export function acknowledgeAccessLogsBucket(bucket: s3.Bucket): void {
  const itself = 'This is the access-log bucket of the audit buckets: logging its own access would log into itself';
  const sseS3 = 'S3 delivers server access logs only to buckets encrypted with S3-managed keys (SSE-S3), not KMS';
  acknowledge(bucket, itself, 'AwsSolutions-S1', ...inCompliancePacks('S3BucketLoggingEnabled'));
  acknowledge(bucket, sseS3, ...inCompliancePacks('S3DefaultEncryptionKMS'));
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  suppressGuardRules(cfn, itself, 's3_bucket_logging_enabled_check');
  suppressGuardRules(cfn, sseS3, 's3_bucket_default_encryption_kms_check');
  suppressGuardRules(cfn, 'S3 delivers server access logs only to buckets without an object-lock default retention', 's3_bucket_object_lock_enabled_check');
  acknowledge(bucket, 'Access logs of the audit buckets stay in the account for the retention; where they are copied to is the organization\'s choice, which a per-account baseline cannot make',
    ...inCompliancePacks('S3BucketReplicationEnabled'));
}

/** The Config recorder's role: AWS's managed policy for recorders, and an inline policy of its own. */
export function acknowledgeConfigRecorderRole(role: iam.Role): void {
  acknowledge(role, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
  acknowledge(role, 'AWS_ConfigRole is the policy AWS maintains for Config recorders: it follows every resource type Config adds, which a hand-written copy would not',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]');
}

/** The role Config delivers with: it writes objects whose keys are not known in advance. */
export function acknowledgeConfigDeliveryRole(role: iam.IRole, objects: string): void {
  acknowledge(role, 'Config writes one object per delivery under its own prefix of the Config bucket: the object keys are not known in advance',
    `AwsSolutions-IAM5[Resource::${asNagFinding(role, objects)}]`);
}

/**
 * The GuardDuty detector: Control Tower's CT.GUARDDUTY.PR.1 reads only the legacy
 * DataSources.S3Logs, which Features replaced; GuardDuty rejects a detector that sets both.
 */
export function acknowledgeDetector(detector: guardduty.CfnDetector): void {
  suppressGuardRules(detector, 'S3 protection is on, through Features (S3_DATA_EVENTS), which replaced the DataSources.S3Logs this rule reads; GuardDuty rejects a detector that sets both',
    'guardduty_s3_protection_enabled_check');
}

/**
 * The role EventBridge Scheduler enables Inspector with: its policy is inline, and inspector2:Enable
 * takes no resource.
 */
export function acknowledgeInspectorEnablerRole(role: iam.Role): void {
  acknowledge(role, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
  acknowledgeWildcardResources(role, 'inspector2:Enable is an account-level action without resource-level permissions: "*" is the only resource IAM accepts for it', '*');
}

/**
 * The account settings' custom resource: its role's policy is inline and names "*" (the only
 * resource the account-level actions take), and its function runs outside a VPC, without reserved
 * concurrency or a dead-letter queue, and depends on its role.
 */
export function acknowledgeAccountSettings(role: iam.Role, handler: lambda.Function): void {
  ignoreLintRules(handler.node.defaultChild as CfnResource, ROLE_DEPENDENCY_REASON, 'W3005');
  acknowledge(role, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
  acknowledge(role, 's3:PutAccountPublicAccessBlock, ec2:EnableEbsEncryptionByDefault and inspector2:Enable are account-level actions without resource-level permissions: "*" is the only resource IAM accepts for them',
    'AwsSolutions-IAM5[Resource::*]');
  acknowledge(handler, 'Runs only when CloudFormation creates or updates the baseline; reserving concurrency takes from the account\'s unreserved pool, which must stay at 10 or more, and fails in new accounts with a low limit',
    ...inCompliancePacks('LambdaConcurrency'));
  acknowledge(handler, 'CloudFormation waits for the function\'s answer: a failed run fails the stack operation, which a redeploy retries; there is nothing for a dead-letter queue to redrive',
    ...inCompliancePacks('LambdaDLQ'));
  const outsideVpc = 'The function calls the AWS APIs that turn these settings on and nothing else; the baseline runs in accounts that may have no VPC, and one would need a NAT gateway or endpoints only for it';
  acknowledge(handler, outsideVpc, ...inCompliancePacks('LambdaInsideVPC'));
  suppressGuardRules(handler.node.defaultChild as lambda.CfnFunction, outsideVpc, 'lambda_inside_vpc_check');
}
