/** The commands that build the app in every lane, with the defaults resolved in one place. */
export interface AppBuild {
  /** The commands that install the app's dependencies. */
  readonly installCommands: string[];
  /** The commands that build the app and synthesize it into `outputDirectory`. */
  readonly synthCommands: string[];
  /** Where the synth commands write the cloud assembly. */
  readonly outputDirectory: string;
}

/** How the user's pipeline props describe the app's build. */
export interface AppBuildOptions {
  readonly installCommands?: string[];
  readonly synthCommands?: string[];
  readonly synthOutputDirectory?: string;
}

/**
 * The app's build: what the options give, and the CDK CLI's usual commands for the rest; the synth
 * ends with a check of the validation report, whatever commands synthesize.
 */
export function appBuildOf(options: AppBuildOptions): AppBuild {
  const outputDirectory = options.synthOutputDirectory ?? 'cdk.out';
  return {
    installCommands: options.installCommands ?? ['npm ci'],
    synthCommands: [...options.synthCommands ?? ['npx cdk synth'], failOnFindings(outputDirectory)],
    outputDirectory,
  };
}

/**
 * Fails the job on any finding of the app's validation plugins (cdk-nag's packs, the Guard plugin,
 * SafetyChecks), in any stage. aws-cdk-lib writes every plugin's report into the assembly's
 * `validation-report.json` (`pluginReports[].conclusion`, `violations[].ruleName`,
 * `violatingConstructs[].constructPath`), but the CDK CLI reports, and fails, only on the stacks it
 * selected: an environment's stacks sit in a stage, so `cdk synth` alone exits 0 over their findings.
 * aws-cdk-lib's own CloudFormation validation reports its findings as warnings (a successful report).
 */
function failOnFindings(outputDirectory: string): string {
  const report = `${outputDirectory}/validation-report.json`;
  const script = 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); '
    + 'const failed = (r.pluginReports || []).filter(p => p.conclusion === "failure"); '
    + 'for (const p of failed) for (const v of p.violations) console.log(p.pluginName + ": " + v.ruleName + " on " '
    + '+ v.violatingConstructs.map(x => x.constructPath).join(", ")); '
    + 'if (failed.length > 0) { console.log("The validation plugins found the above in " + process.argv[1] + ": nothing is deployed"); process.exit(1); }';
  return `[ ! -f "${report}" ] || node -e '${script}' "${report}"`;
}
