import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { SafetyChecks, SafetyChecksProps } from '../../src';

/**
 * The context of an app that the CDK CLI runs as a subprocess: a plugin's failure prints the report and
 * sets exit code 1, as the tests below expect. Newer aws-cdk-lib (2.276.0, not 2.258.0) otherwise guesses that an app in
 * Jest (NODE_ENV=test) runs in memory and throws «ValidationFailed» from app.synth() instead; older
 * versions ignore the key.
 */
export const AS_SUBPROCESS = { '@aws-cdk/core:appMode': 'process' };

/** One violating resource of the validation report, in short. */
export interface Found {
  readonly rule: string;
  /** The construct path, as the report gives it. */
  readonly path: string;
  readonly logicalId?: string;
  /** The template's file name. */
  readonly template?: string;
  readonly locations?: string[];
}

/**
 * Builds an app with `build`, registers `SafetyChecks` on it as users do
 * (`Validations.of(app).addPlugins(...)`), synthesizes it and returns what the validation report
 * (`validation-report.json` in the assembly) lists. The report aws-cdk-lib prints is silenced, and
 * the exit code it sets on failure is reset, so that the test run's own stays clean.
 */
export function safetyViolations(build: (app: cdk.App) => void, props?: SafetyChecksProps, context?: Record<string, unknown>): Found[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'safety-checks-'));
  const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const app = new cdk.App({ outdir, context: { ...AS_SUBPROCESS, ...context } });
    cdk.Validations.of(app).addPlugins(new SafetyChecks(props));
    build(app);
    app.synth();
    return readReport(outdir);
  } finally {
    printed.mockRestore();
    process.exitCode = 0;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The violations that the validation report in `outdir` lists for SafetyChecks. */
export function readReport(outdir: string): Found[] {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  return report.pluginReports.filter((p: any) => p.pluginName === 'SafetyChecks').flatMap((p: any) => p.violations.flatMap((v: any) =>
    v.violatingConstructs.map((c: any) => ({
      rule: v.ruleName,
      path: c.constructPath,
      logicalId: c.cloudFormationResource?.logicalId,
      template: c.cloudFormationResource ? path.basename(c.cloudFormationResource.templatePath) : undefined,
      locations: c.cloudFormationResource?.propertyPaths,
    }))));
}

/** A stack in a fixed account and region. */
export function stackIn(app: cdk.App, id: string, account = '111111111111'): cdk.Stack {
  return new cdk.Stack(app, id, { env: { account, region: 'eu-west-1' } });
}
