import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import * as cdk from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { SafetyChecks } from '../src';
import { GuardSuppressionsHonoured } from './guard-suppressions';

/**
 * Registers every validator the reference app must pass as CDK validation plugins on `app`, so
 * that synthesis prints one report and fails (exit code 1, `validation-report.json` in the
 * assembly) when any of them finds something. A user adds the same plugins to their own app.
 */
export function addValidators(app: cdk.App): void {
  cdk.Validations.of(app).addPlugins(
    // cdk-nag v3's four packs; findings the library expects are acknowledged in its code, with reasons.
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
    new HIPAASecurityChecks(app),
    new PCIDSS321Checks(app),
    // The library's own least-privilege and data-safety checks (src/validation).
    new SafetyChecks(),
    cloudFormationGuard(),
  );
}

/**
 * CloudFormation Guard with its bundled Control Tower proactive controls. A control one resource
 * knowingly does not meet is suppressed on that resource, with the reason, in its template
 * (`Metadata.guard`); a control that does not apply to what the library builds is disabled here.
 */
export function cloudFormationGuard(): cdk.IPolicyValidationPluginBeta1 {
  return new GuardSuppressionsHonoured(new CfnGuardValidator({
    disabledRules: [
      // CT.GUARDDUTY.PR.1 (guardduty_s3_protection_enabled_check) reads only the legacy
      // DataSources.S3Logs of a detector. The library turns S3 protection on through Features
      // (S3_DATA_EVENTS, in every tier: test/compliance), which replaced DataSources, and GuardDuty
      // rejects a detector that sets both.
      'ct-guardduty-pr-1',
      // The rules below meet only the reference app's own workload (examples/reference-app.ts), not
      // the library: guard's disabled rules are app-wide, and the Python and Java apps build the same
      // templates, so the example records its choices here rather than in its resources' metadata.
      // Keys given as Fn::ImportValue (the environment key, from the foundation stack) are not
      // resolvable by guard: its log-group and RDS key checks fail on encrypted resources.
      'ct-cloudwatch-pr-3', // cloudwatch_log_group_encrypted_check: every log group is encrypted with the environment key
      'ct-rds-pr-30', // rds_storage_encrypted_kms_key_check: the database is encrypted with the environment key
      // Log retention is the tier's (7 days in Dev, a year in Prod): the library's own log groups
      // carry that reason per resource; the example's follow the same tier retention.
      'ct-cloudwatch-pr-2', // cloudwatch_log_group_retention_period_check
      // The functions call AWS APIs only; in a VPC they would need a NAT gateway or endpoints, which Dev has not.
      'ct-lambda-pr-3', // lambda_inside_vpc_check (the library's account-settings handler carries its own reason)
      // A stateless reporting instance and workers, rebuilt from their image: basic metrics suffice,
      // t4g instances have no Nitro in-transit encryption, and the private subnets assign no public address.
      'ct-ec2-pr-13', 'ct-ec2-pr-10', 'ct-ec2-pr-19', 'ct-ec2-pr-8',
      // One instance type and the tier's zones: the example keeps its worker group minimal.
      'ct-autoscaling-pr-1', 'ct-autoscaling-pr-6',
      // nginx's public image runs as root with a writable file system; the task's memory is set at task level.
      'ct-ecs-pr-2', 'ct-ecs-pr-3', 'ct-ecs-pr-6', 'ct-ecs-pr-7',
      // The database: PostgreSQL's default port in the data subnets, password authentication, logs
      // exported (postgresql, upgrade), backups by the tier's BackupPolicy (AWS Backup) rather than RDS's
      // own retention, and single-AZ without deletion protection outside production, as the tier decides.
      'ct-rds-pr-14', 'ct-rds-pr-2', 'ct-rds-pr-20', 'ct-rds-pr-7', 'ct-rds-pr-8', 'ct-rds-pr-1', 'ct-rds-pr-13',
    ],
  }));
}
