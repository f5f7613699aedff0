import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ComplianceBaselineOptions } from './compliance-baseline-options';
import { SecurityHubStandard } from './security-hub-standard';
import { AccessLevel, TierProfile } from '../tiers';

/** What a baseline ends up with: the tier's defaults with the user's options applied. */
export interface BaselineParts {
  readonly cloudTrail: boolean;
  readonly auditLogRetention: logs.RetentionDays;
  readonly cisAlarms: boolean;
  readonly configRecorder: boolean;
  readonly configRules: boolean;
  readonly guardDuty: boolean;
  /** Amazon Inspector's continuous scanning, its critical findings to the alarm topic, and the weekly CIS scan. */
  readonly inspector: boolean;
  readonly securityHub: boolean;
  readonly securityHubStandards: SecurityHubStandard[];
  readonly accessAnalyzer: boolean;
  readonly s3PublicAccessBlock: boolean;
  readonly ebsDefaultEncryption: boolean;
  /** The longer list of Config rules and GuardDuty's protection plans beyond S3 protection. */
  readonly thorough: boolean;
  /** Object lock (compliance mode) on the trail bucket. */
  readonly objectLock: boolean;
}

/**
 * The one place where a tier decides its baseline. The tier table has no compliance column, so the
 * baseline follows what the tier already says about risk:
 * - every account gets the audit basics: the trail, the CIS alarms, GuardDuty, Access Analyzer,
 *   the S3 public access block and EBS default encryption (a root sign-in is an incident in Dev too);
 * - where only the pipeline changes resources (access READ_ONLY or STRICT), AWS Config records
 *   them and Security Hub scores them: that record is the evidence that nothing changed by hand.
 *   In Dev (READ_WRITE) people change things all day: the record is noise, and the costliest;
 * - production and strict-access tiers (Prod, Hotfix, which reaches Prod) get the longer rule set
 *   and GuardDuty's protection plans beyond S3 protection (on in every tier); production's trail bucket gets object lock;
 * - where the tier's data outlives its stacks (removal policy not DESTROY: Staging, Prod, Hotfix),
 *   Amazon Inspector scans the EC2 instances, ECR images and Lambda functions for known
 *   vulnerabilities. Staging runs the release that goes to Prod: a vulnerable image is found there,
 *   before it reaches users. Dev, QA and Demo are rebuilt and thrown away, and Inspector bills per
 *   instance, image and function scanned.
 */
export function baselineParts(profile: TierProfile, options: ComplianceBaselineOptions): BaselineParts {
  const handsOff = profile.access !== AccessLevel.READ_WRITE;
  const thorough = profile.production || profile.access === AccessLevel.STRICT;
  const cloudTrail = options.cloudTrail ?? true;
  const configRecorder = options.configRecorder ?? handsOff;
  return {
    cloudTrail,
    auditLogRetention: options.auditLogRetention ?? profile.logRetention,
    cisAlarms: options.cisAlarms ?? cloudTrail,
    configRecorder,
    configRules: options.configRules ?? configRecorder,
    guardDuty: options.guardDuty ?? true,
    inspector: options.inspector ?? profile.removalPolicy !== RemovalPolicy.DESTROY,
    securityHub: options.securityHub ?? configRecorder,
    securityHubStandards: options.securityHubStandards ?? [
      SecurityHubStandard.AWS_FOUNDATIONAL_BEST_PRACTICES, SecurityHubStandard.CIS_AWS_FOUNDATIONS_1_4,
    ],
    accessAnalyzer: options.accessAnalyzer ?? true,
    s3PublicAccessBlock: options.s3PublicAccessBlock ?? true,
    ebsDefaultEncryption: options.ebsDefaultEncryption ?? true,
    thorough,
    objectLock: profile.production,
  };
}
