import { spawnSync } from 'child_process';
import * as path from 'path';

/** The script `npx projen validate:cfn-lint` runs: it installs its pinned cfn-lint on first use. */
const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'cfn-lint.sh');

/** One finding of cfn-lint: the rule, its level (Error, Warning, Informational) and where it is. */
export interface CfnLintFinding {
  readonly rule: string;
  readonly level: string;
  readonly message: string;
  /** The template, relative to the assembly directory. */
  readonly template: string;
  /** Where in the template, e.g. `Resources/Queue4A7E3555/Properties/MessageRetentionPeriod`. */
  readonly path: string;
}

export interface CfnLintResult {
  readonly exitCode: number;
  readonly findings: CfnLintFinding[];
  /** What the script printed (the findings as JSON, then its own lines). */
  readonly output: string;
}

interface JsonFinding {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Path?: (string | number)[] };
}

/**
 * Runs scripts/cfn-lint.sh, as the test command does, on every template of a cloud assembly, with
 * the repository's .cfnlintrc.yaml. The first run on a machine creates the virtualenv (about a
 * minute): give the calling test a generous timeout.
 */
export function cfnLint(assemblyDir: string): CfnLintResult {
  const run = spawnSync('bash', [SCRIPT, assemblyDir, '--format', 'json'], { encoding: 'utf-8' });
  if (run.error) throw run.error;
  const output = `${run.stdout}${run.stderr}`;
  const exitCode = run.status ?? 1;
  // cfn-lint prints a JSON array of findings, or nothing when there is none.
  let parsed: JsonFinding[] = [];
  if (run.stdout.trim()) {
    try {
      parsed = JSON.parse(run.stdout);
    } catch {
      throw new Error(`cfn-lint printed no JSON (exit ${exitCode}):\n${output}`);
    }
  }
  const findings = parsed.map(f => ({
    rule: f.Rule.Id,
    level: f.Level,
    message: f.Message,
    template: path.relative(assemblyDir, f.Filename),
    path: (f.Location.Path ?? []).join('/'),
  }));
  return { exitCode, findings, output };
}
