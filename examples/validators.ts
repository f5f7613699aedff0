import * as cdk from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { SafetyChecks } from '../src';

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
  );
}
