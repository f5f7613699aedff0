import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import * as cdk from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { GuardSuppressions, SafetyChecks } from '../src';

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
  return new GuardSuppressions(new CfnGuardValidator({
    disabledRules: [
      // CT.EC2.PR.10 (ec2_launch_template_monitoring_enabled_check): the library creates no launch
      // template. The reference app's instances are stateless and replaced, not debugged, and one of
      // its launch templates is the one aws-cdk-lib adds for requireImdsv2 during synthesis, after the
      // app's code has run, so it cannot carry a suppression of its own.
      'ct-ec2-pr-10',
    ],
  }));
}
