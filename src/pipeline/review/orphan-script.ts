// What the orphan clean-up runs in the pipeline's jobs (bundled into
// assets/pipeline/review/orphan-script/index.js, which the pipeline stages into the cloud assembly;
// see src/pipeline/orphan-cleanup.ts):
//
//   node <script> <mode> <output dir> <app>|<environment>|<current stack,...>|<never-delete prefix,...>
//     [--approved <file>] <describe-stacks output>...
//
// <mode> is an OrphanMode; each describe-stacks output is what `aws cloudformation describe-stacks
// --output json` prints for a region the environment deploys to. It prints what it found and writes
// <output dir>/orphans-<environment>.txt: the stacks to delete now (modes delete and approved), or
// the stacks an approval would let it delete (mode list), one `<name> <region>` per line;
// <output dir>/orphans-<environment>-summary.txt, one line for an approval (empty: no orphan); and
// <output dir>/orphans-<environment>-report.txt, what it printed. With --approved, the file a list
// run wrote: only those stacks are deleted.
import * as fs from 'fs';
import * as path from 'path';
import { OrphanMode } from '../orphan-mode';
import { planOrphans } from './orphan-stacks';

const USAGE = 'usage: <mode> <output dir> <app>|<environment>|<current stack,...>|<never-delete prefix,...> [--approved <file>] <describe-stacks output>...';

function main(args: string[]): void {
  const approvedAt = args.indexOf('--approved');
  const approvedFile = approvedAt >= 0 ? args.splice(approvedAt, 2)[1] : undefined;
  const [mode, outDir, search, ...responses] = args;
  if (!Object.values(OrphanMode).includes(mode as OrphanMode) || !outDir || !search || responses.length === 0) throw new Error(USAGE);
  const [appName, environmentName, current, neverDelete] = search.split('|');
  // A list run's lines are `<name> <region>`.
  const approved = approvedFile && fs.existsSync(approvedFile) ? fs.readFileSync(approvedFile, 'utf-8').split('\n').filter(Boolean).map(line => line.split(' ')[0]) : [];
  const plan = planOrphans(responses.map(file => JSON.parse(fs.readFileSync(file, 'utf-8'))), {
    appName,
    environmentName,
    current: current.split(',').filter(Boolean),
    neverDelete: neverDelete.split(',').filter(Boolean),
  }, mode as OrphanMode, approved);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `orphans-${environmentName}.txt`), plan.stacks.map(s => `${s.name} ${s.region}\n`).join(''));
  fs.writeFileSync(path.join(outDir, `orphans-${environmentName}-summary.txt`), plan.summary);
  fs.writeFileSync(path.join(outDir, `orphans-${environmentName}-report.txt`), plan.text);
  process.stdout.write(plan.text);
}

main(process.argv.slice(2));
