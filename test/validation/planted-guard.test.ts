import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GuardSuppressions } from '../../src';
import { AS_SUBPROCESS } from '../support/safety';

const VERSIONING = 's3_bucket_versioning_enabled_check';

/** The rule names and logical ids CloudFormation Guard reports for one tiny stack: GIVEN a plugin, WHEN synthesized. */
function guardFindings(plugin: cdk.IPolicyValidationPluginBeta1, build: (stack: cdk.Stack) => void): { rule: string; logicalId?: string }[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-planted-'));
  try {
    // aws-cdk-lib prints the report of a failed validation; the test reads it from the file.
    const quiet = [jest.spyOn(console, 'error').mockImplementation(() => {}), jest.spyOn(console, 'log').mockImplementation(() => {})];
    const app = new cdk.App({ outdir, context: AS_SUBPROCESS });
    cdk.Validations.of(app).addPlugins(plugin);
    build(new cdk.Stack(app, 'Planted', { env: { account: '123456789012', region: 'eu-west-1' } }));
    try {
      app.synth();
    } finally {
      quiet.forEach(spy => spy.mockRestore());
    }
    const reportFile = path.join(outdir, 'validation-report.json');
    if (!fs.existsSync(reportFile)) return [];
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
    return report.pluginReports.flatMap((p: any) => p.violations.flatMap((v: any) =>
      v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, logicalId: c.cloudFormationResource?.logicalId }))));
  } finally {
    // aws-cdk-lib fails the process on a failed validation; the test decides what failed.
    process.exitCode = 0;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function unversionedBucket(stack: cdk.Stack): s3.CfnBucket {
  return new s3.CfnBucket(stack, 'Unversioned', {});
}

describe('CloudFormation Guard as a validation plugin', () => {
  test('a planted violation is caught: a bucket without versioning', () => {
    const findings = guardFindings(new GuardSuppressions(new CfnGuardValidator()), unversionedBucket);
    expect(findings).toContainEqual({ rule: VERSIONING, logicalId: 'Unversioned' });
  });

  test('a suppression written by GuardSuppressions.suppress is honoured for that rule and that resource only', () => {
    const findings = guardFindings(new GuardSuppressions(new CfnGuardValidator()), stack => {
      GuardSuppressions.suppress(unversionedBucket(stack), 'Planted: this bucket knowingly keeps one version', VERSIONING);
      new s3.CfnBucket(stack, 'Other', {});
    });
    expect(findings).not.toContainEqual({ rule: VERSIONING, logicalId: 'Unversioned' });
    expect(findings).toContainEqual({ rule: VERSIONING, logicalId: 'Other' });
    // Other rules still see the suppressed bucket.
    expect(findings).toContainEqual({ rule: 's3_lifecycle_policy_check', logicalId: 'Unversioned' });
  });

  test('the bundled Control Tower rules do not read the metadata themselves, which is why the wrapper exists', () => {
    const findings = guardFindings(new CfnGuardValidator(), stack => {
      GuardSuppressions.suppress(unversionedBucket(stack), 'Planted: this bucket knowingly keeps one version', VERSIONING);
    });
    expect(findings).toContainEqual({ rule: VERSIONING, logicalId: 'Unversioned' });
  });
});

describe('GuardSuppressions.suppress', () => {
  test('writes the rules where guard reads them and the reasons next to them, merging calls', () => {
    const stack = new cdk.Stack();
    const bucket = unversionedBucket(stack);
    GuardSuppressions.suppress(bucket, 'first reason', 'rule_a', 'rule_b');
    GuardSuppressions.suppress(bucket, 'second reason', 'rule_b', 'rule_c');
    expect(bucket.getMetadata('guard')).toEqual({
      SuppressedRules: ['rule_a', 'rule_b', 'rule_c'],
      Reasons: { rule_a: 'first reason', rule_b: 'second reason', rule_c: 'second reason' },
    });
  });

  test('needs a rule and a reason', () => {
    const bucket = unversionedBucket(new cdk.Stack());
    expect(() => GuardSuppressions.suppress(bucket, 'a reason')).toThrow(
      "[Default/Unversioned] GuardSuppressions.suppress: rules has 0 and reason is 'a reason'; give at least one rule and the reason");
    expect(() => GuardSuppressions.suppress(bucket, ' ', 'rule_a')).toThrow(
      "[Default/Unversioned] GuardSuppressions.suppress: rules has 1 and reason is ' '; give at least one rule and the reason");
  });
});
