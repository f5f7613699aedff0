import * as fs from 'fs';
import * as path from 'path';

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
 * The violations that the validation report in `outdir` lists for SafetyChecks. Apart from the
 * library and aws-cdk-lib, so that test/consumer/simulate.ts reads another app's report without loading them.
 */
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
