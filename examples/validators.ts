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
    ],
  }));
}
