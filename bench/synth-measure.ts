import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as cdk from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';

/**
 * Synthesizes an app built in a measured child process (bench/synth-app.ts, bench/synth-empty.ts)
 * and prints one line of JSON: milliseconds from process start to modules loaded, app built and
 * app synthesized, the number of stacks, the peak resident memory of the process and the version of
 * the aws-cdk-lib it loaded.
 */
export function synthesizeAndReport(app: cdk.App, loadedMs: number): void {
  const builtMs = performance.now();
  const assembly = app.synth();
  const synthMs = performance.now();
  const cpu = process.cpuUsage();
  const stacks = (a: cxapi.CloudAssembly): number => a.stacks.length
    + a.nestedAssemblies.reduce((sum, n) => sum + stacks(n.nestedAssembly), 0);
  process.stdout.write(JSON.stringify({
    loadedMs,
    builtMs,
    synthMs,
    // CPU time of the whole process (user and system, every thread): hardly inflated by other
    // processes competing for the CPU, unlike the wall time.
    cpuMs: (cpu.user + cpu.system) / 1000,
    stacks: stacks(assembly),
    // Linux reports kilobytes.
    maxRssKb: process.resourceUsage().maxRSS,
    // aws-cdk-lib's exports do not include its package.json: read it beside the module Node resolved.
    cdkVersion: JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('aws-cdk-lib')), 'package.json'), 'utf-8')).version,
  }) + '\n');
}
