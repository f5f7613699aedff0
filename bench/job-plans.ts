import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** A fetch of a job's plan in its build spec: `fetch_bundle "<plan directory>" "s3://<bucket>/<hash>.zip" <digest>`. */
const PLAN_FETCH = /^fetch_bundle "\$\{TMPDIR:-\/tmp\}\/plan" "s3:\/\/[^/"]+\/([0-9a-f]{64})\.zip" [0-9a-f]{64}$/;

/** Whether a job's build spec fetches a plan. */
export function hasPlan(spec: any): boolean {
  return planHashesOf(spec).length > 0;
}

/** The asset hashes of the plans a build spec fetches. */
function planHashesOf(spec: any): string[] {
  const commands: string[] = Object.values<any>(spec.phases ?? {}).flatMap(phase => phase.commands ?? []);
  return commands.map(c => PLAN_FETCH.exec(c)?.[1]).filter((h): h is string => h !== undefined);
}

/**
 * The variables a job's build reads from its plan file `file` (a batch build's identifier, or `job`), as
 * bash reads them (a string, or an array for a bash array): from the plan's asset, which the synth
 * staged in `assemblyDirectory` (what cdk-assets publishes), found by the fetch in the job's build spec.
 */
export function planOf(spec: any, assemblyDirectory: string, file: string): Record<string, string | string[]> {
  const hashes = planHashesOf(spec);
  if (hashes.length !== 1) throw new Error(`expected one fetch of the job's plan in its build spec, found ${hashes.length}`);
  const planFile = path.join(assemblyDirectory, `asset.${hashes[0]}`, `${file}.sh`);
  const names = [...fs.readFileSync(planFile, 'utf-8').matchAll(/^([A-Z_]+)=/gm)].map(m => m[1]);
  // Each variable: its name, `a` for an array or `s`, its number of values, the values; NUL-separated.
  const out = execFileSync('bash', ['-c', '. "$1"; shift; for n in "$@"; do declare -n v="$n"; '
    + 't=s; [[ "$(declare -p "$n")" == "declare -a"* ]] && t=a; printf "%s\\0" "$n" "$t" "${#v[@]}" "${v[@]}"; unset -n v; done', 'plan', planFile, ...names]).toString();
  const fields = out.split('\0');
  const variables: Record<string, string | string[]> = {};
  for (let i = 0; i + 2 < fields.length;) {
    const [name, type, count] = [fields[i], fields[i + 1], Number(fields[i + 2])];
    const values = fields.slice(i + 3, i + 3 + count);
    variables[name] = type === 'a' ? values : values[0];
    i += 3 + count;
  }
  return variables;
}
