import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { buildReferenceApp } from '../../examples/reference-app';
import { AS_SUBPROCESS } from '../support/safety';

/**
 * aws-cdk-lib's own check of every template against CloudFormation's resource schemas ("CloudFormation
 * Validate", from 2.27x on, on by default, with its errors shown as warnings): the reference app has
 * no finding of it at all, warnings included. The test command turns it off elsewhere
 * (CDK_VALIDATION=false in scripts/test-newest-cdk.sh), where it only doubled the run's time and
 * asserted nothing; here it is on, and strict. The pinned aws-cdk-lib has no such check.
 */
const builtIn = 'CloudFormationValidatePlugin' in cdk;
const withBuiltIn = builtIn ? test : test.skip;

withBuiltIn('aws-cdk-lib\'s CloudFormation Validate finds nothing in the reference app', () => {
  const previous = process.env.CDK_VALIDATION;
  delete process.env.CDK_VALIDATION;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudformation-validate-'));
  try {
    const app = new cdk.App({ outdir, context: { ...AS_SUBPROCESS, '@aws-cdk/core:strictCfnValidateErrors': true } });
    buildReferenceApp(app);
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'));
    const violations = report.pluginReports.flatMap((r: any) => r.violations.flatMap((v: any) =>
      v.violatingConstructs.map((construct: any) => `${v.ruleName} ${construct.constructPath}: ${v.description}`)));
    expect(violations).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.CDK_VALIDATION; else process.env.CDK_VALIDATION = previous;
    process.exitCode = 0;
  }
});
