import * as logs from 'aws-cdk-lib/aws-logs';
import { SecurityHubStandard } from './security-hub-standard';

/**
 * Which parts of a `ComplianceBaseline` an account gets, and how they are set up. Every part can
 * be switched off, for example where Control Tower already runs the trail and the Config recorder
 * (a second recorder in an account fails to deploy). What is not given comes from the tier.
 */
export interface ComplianceBaselineOptions {
  /**
   * A multi-region CloudTrail trail with log-file validation, encrypted with the baseline's key,
   * delivered to a locked-down bucket and to CloudWatch Logs. Deploy it in one region per account:
   * it records every region.
   *
   * @default true
   */
  readonly cloudTrail?: boolean;

  /**
   * How long the audit logs are kept: the trail's in CloudWatch Logs and in its bucket (where, in
   * a production tier, object lock keeps them from deletion for as long), AWS Config's deliveries
   * and the buckets' access logs. At least the tier's `logRetention`.
   *
   * @default - the tier's `logRetention`
   */
  readonly auditLogRetention?: logs.RetentionDays;

  /**
   * The fourteen CIS AWS Foundations Benchmark metric filters on the trail's log group (root user
   * use, unauthorized API calls, console sign-in without MFA, IAM, CloudTrail, Config, KMS, S3
   * policy, security group, network ACL, gateway, route table and VPC changes), each with an
   * alarm that notifies the alarm topic: Security Hub controls CloudWatch.1 to CloudWatch.14.
   * They need the trail. Security events alarm in every tier, whatever its alarm severity.
   *
   * @default - on wherever the trail is
   */
  readonly cisAlarms?: boolean;

  /**
   * An AWS Config recorder of every supported resource type, with its delivery channel to the
   * trail's bucket. Switch it off where Control Tower or another tool already records: an account
   * has at most one recorder per region.
   *
   * @default - on, except in tiers whose people change resources by hand (access READ_WRITE: Dev)
   */
  readonly configRecorder?: boolean;

  /**
   * AWS Config managed rules for the baseline's own promises (trail, encryption, public access,
   * root user, MFA, GuardDuty, flow logs); in production and strict-access tiers also for keys,
   * databases, access keys, IAM policies and instance metadata. They need a recorder in the
   * account: the baseline's, or one that Control Tower runs.
   *
   * @default - on wherever the baseline's recorder is
   */
  readonly configRules?: boolean;

  /**
   * A GuardDuty detector that publishes findings every 15 minutes, and an EventBridge rule that
   * sends high-severity findings (7 and above) to the alarm topic. S3 protection is on in every
   * tier; in production and strict-access tiers the EKS, EBS malware, RDS and Lambda protection
   * plans too.
   *
   * @default true
   */
  readonly guardDuty?: boolean;

  /**
   * Amazon Inspector in the account and region: continuous scanning of EC2 instances, ECR images
   * and Lambda functions for known vulnerabilities, an EventBridge rule that sends its critical,
   * active findings to the alarm topic, and a weekly CIS benchmark scan (Sunday 03:00 UTC) of the
   * EC2 instances tagged with the tier's name, at CIS level 1 (level 2 in production and
   * strict-access tiers).
   * CloudFormation has no resource that enables Inspector: the account settings' function (the one
   * that turns on the S3 public access block) calls its `Enable` API while the baseline deploys,
   * because the CIS scan can only be created once Inspector is on, and a daily EventBridge Scheduler
   * schedule calls it again, so Inspector is on again within a day if someone switches it off.
   * Deleting the baseline leaves it on.
   *
   * Inspector bills per resource scanned: about $1.26 per EC2 instance a month, $0.09 per ECR
   * image pushed (its first scan) and about $0.30 per Lambda function a month (us-east-1 list prices),
   * and each CIS scan per instance scanned. Switch it off where the organization runs Inspector
   * centrally, from a delegated administrator account that enables it in its member accounts.
   *
   * @default - on where the tier's data outlives its stacks (removal policy not DESTROY: Staging,
   * Prod, Hotfix); off in Dev, QA and Demo
   */
  readonly inspector?: boolean;

  /**
   * Security Hub, with the standards of `securityHubStandards` and consolidated control findings.
   * Its controls are evaluated through AWS Config, so it needs a recorder in the account.
   *
   * @default - on wherever the baseline's recorder is
   */
  readonly securityHub?: boolean;

  /**
   * The Security Hub standards the account is subscribed to.
   *
   * @default - AWS Foundational Security Best Practices and CIS AWS Foundations Benchmark v1.4.0
   */
  readonly securityHubStandards?: SecurityHubStandard[];

  /**
   * An IAM Access Analyzer for the account, which reports resources shared outside it.
   *
   * @default true
   */
  readonly accessAnalyzer?: boolean;

  /**
   * The account's S3 public access block (all four settings on), set by a small custom resource:
   * CloudFormation has no resource for it. Deleting the baseline leaves the block in place.
   *
   * @default true
   */
  readonly s3PublicAccessBlock?: boolean;

  /**
   * EBS encryption by default in the region (new volumes and snapshot copies are encrypted with
   * the account's default EBS key), set by the same custom resource: CloudFormation has no
   * resource for it. Deleting the baseline leaves it on.
   *
   * @default true
   */
  readonly ebsDefaultEncryption?: boolean;
}
