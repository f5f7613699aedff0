import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Found, readReport } from './validation-report';
import { SafetyChecks, SafetyChecksProps } from '../../src';

export { readReport };
export type { Found };

/**
 * The context of an app that the CDK CLI runs as a subprocess: a plugin's failure prints the report and
 * sets exit code 1, as the tests below expect. Newer aws-cdk-lib (2.276.0, not 2.258.0) otherwise guesses that an app in
 * Jest (NODE_ENV=test) runs in memory and throws «ValidationFailed» from app.synth() instead; older
 * versions ignore the key.
 */
export const AS_SUBPROCESS = { '@aws-cdk/core:appMode': 'process' };

/**
 * Builds an app with `build`, registers `SafetyChecks` on it as users do
 * (`Validations.of(app).addPlugins(...)`), synthesizes it and returns what the validation report
 * (`validation-report.json` in the assembly) lists. The report aws-cdk-lib prints is silenced, and
 * the exit code it sets on failure is reset, so that the test run's own stays clean.
 */
export function safetyViolations(build: (app: cdk.App) => void, props?: SafetyChecksProps, context?: Record<string, unknown>): Found[] {
  return checkedSynthesis(build, readReport, props, context);
}

/** As `safetyViolations`, returning what `read` takes from the cloud assembly (its directory) before it is removed. */
export function checkedSynthesis<T>(
  build: (app: cdk.App) => void, read: (outdir: string) => T, props?: SafetyChecksProps, context?: Record<string, unknown>,
): T {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'safety-checks-'));
  const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    // The context given here wins over the feature flags every test's app has (CDK_CONTEXT_JSON).
    const app = new cdk.App({ outdir, context: AS_SUBPROCESS, postCliContext: context });
    cdk.Validations.of(app).addPlugins(new SafetyChecks(props));
    build(app);
    app.synth();
    return read(outdir);
  } finally {
    printed.mockRestore();
    process.exitCode = 0;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** A stack in a fixed account and region. */
export function stackIn(app: cdk.App, id: string, account = '111111111111'): cdk.Stack {
  return new cdk.Stack(app, id, { env: { account, region: 'eu-west-1' } });
}
