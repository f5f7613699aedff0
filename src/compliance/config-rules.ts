import * as config from 'aws-cdk-lib/aws-config';

/** An AWS Config managed rule and its parameters. */
export interface BaselineRule {
  readonly identifier: string;
  readonly inputParameters?: Record<string, string>;
}

const R = config.ManagedRuleIdentifiers;

/** What the baseline itself promises, checked in every account that records. */
export const CORE_RULES: BaselineRule[] = [
  { identifier: R.CLOUDTRAIL_MULTI_REGION_ENABLED },
  { identifier: R.CLOUD_TRAIL_ENCRYPTION_ENABLED },
  { identifier: R.CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED },
  { identifier: R.CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED },
  { identifier: R.S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC },
  { identifier: R.S3_BUCKET_SSL_REQUESTS_ONLY },
  { identifier: R.S3_BUCKET_PUBLIC_READ_PROHIBITED },
  { identifier: R.S3_BUCKET_PUBLIC_WRITE_PROHIBITED },
  { identifier: R.EC2_EBS_ENCRYPTION_BY_DEFAULT },
  { identifier: R.ROOT_ACCOUNT_MFA_ENABLED },
  { identifier: R.IAM_ROOT_ACCESS_KEY_CHECK },
  { identifier: R.MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS },
  { identifier: R.GUARDDUTY_ENABLED_CENTRALIZED },
  { identifier: R.VPC_FLOW_LOGS_ENABLED },
  { identifier: R.VPC_DEFAULT_SECURITY_GROUP_CLOSED },
  { identifier: R.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED },
];

/** Added in production and strict-access tiers: keys, data, credentials and instances. */
export const THOROUGH_RULES: BaselineRule[] = [
  { identifier: R.CMK_BACKING_KEY_ROTATION_ENABLED },
  { identifier: R.KMS_CMK_NOT_SCHEDULED_FOR_DELETION },
  { identifier: R.RDS_STORAGE_ENCRYPTED },
  { identifier: R.RDS_INSTANCE_PUBLIC_ACCESS_CHECK },
  { identifier: R.EBS_ENCRYPTED_VOLUMES },
  { identifier: R.CLOUDWATCH_LOG_GROUP_ENCRYPTED },
  { identifier: R.ACCESS_KEYS_ROTATED, inputParameters: { maxAccessKeyAge: '90' } },
  { identifier: R.IAM_USER_UNUSED_CREDENTIALS_CHECK, inputParameters: { maxCredentialUsageAge: '45' } },
  { identifier: R.IAM_PASSWORD_POLICY },
  { identifier: R.IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS },
  { identifier: R.IAM_USER_NO_POLICIES_CHECK },
  { identifier: R.EC2_IMDSV2_CHECK },
  { identifier: R.LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED },
  { identifier: R.SECURITYHUB_ENABLED },
];
