// What the change review job runs (bundled into assets/pipeline/review/review-script/index.js, which
// the pipeline stages into the cloud assembly; see ChangeReviewJob):
//
//   node <script> <output dir> [--other-lane <label>|<pipeline>|<source action>|<stage>,...]
//     [--drift <dir>] [--orphans <dir>] <environment>|<stack name>|<template file>|<deployed template file>...
//
// A deployed template file that does not exist is a stack not deployed yet. With --drift, the
// directory where the job wrote each deployed stack's drift as `<stack name>.json` (what `aws
// cloudformation describe-stack-resource-drifts` prints) or why it could not, as `<stack name>.error`.
// With --orphans, the directory where the orphan listing wrote its `orphans-<env>-report.txt` and
// `orphans-<env>-summary.txt`. The working directory
// is a full clone of the commit under review: with --other-lane, the review first checks that it
// contains every commit that lane took to production. It writes the review to <output dir>/review.txt
// and its one-line summary to <output dir>/summary.txt, and prints the review.
import * as fs from 'fs';
import * as path from 'path';
import { checkLane } from './lane-check';
import { reviewStage, StackDrift, StackUnderReview, Template } from './stage-review';

/** A template as `aws cloudformation get-template --query TemplateBody --output json` prints it: JSON, or JSON in a string. */
function readTemplate(file: string): Template {
  const body = JSON.parse(fs.readFileSync(file, 'utf-8'));
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    throw new Error(`${file}: the deployed template is not JSON (YAML?); the review compares JSON templates, as the CDK deploys them`);
  }
}

/** The value of an option, taken out of the arguments. */
function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
}

/** A stack's drift as the job wrote it; none for a stack it did not check (not deployed yet). */
function readDrift(dir: string | undefined, stackName: string): StackDrift | undefined {
  if (!dir) return undefined;
  const error = path.join(dir, `${stackName}.error`);
  if (fs.existsSync(error)) return { drifted: [], error: fs.readFileSync(error, 'utf-8').trim() || 'no answer from CloudFormation' };
  const file = path.join(dir, `${stackName}.json`);
  return fs.existsSync(file) ? { drifted: JSON.parse(fs.readFileSync(file, 'utf-8')).StackResourceDrifts ?? [] } : undefined;
}

/** The orphan listing's files of one kind (`report`, `summary`), one per environment, the empty ones left out. */
function readOrphans(dir: string | undefined, kind: string): string[] {
  if (!dir) return [];
  return fs.readdirSync(dir).filter(f => f.startsWith('orphans-') && f.endsWith(`-${kind}.txt`)).sort()
    .map(f => fs.readFileSync(path.join(dir, f), 'utf-8')).filter(text => text.trim() !== '');
}

function main(args: string[]): void {
  const [outDir, ...rest] = args;
  const otherLane = option(rest, '--other-lane');
  const driftDir = option(rest, '--drift');
  const orphansDir = option(rest, '--orphans');
  const entries = rest;
  if (!outDir || entries.length === 0) {
    throw new Error('usage: <output dir> [--other-lane <label>|<pipeline>|<source action>|<stage>,...] [--drift <dir>] [--orphans <dir>] '
      + '<environment>|<stack name>|<template file>|<deployed template file>...');
  }
  const stacks: StackUnderReview[] = entries.map(entry => {
    const [environment, stackName, templateFile, deployedFile] = entry.split('|');
    return {
      environment,
      stackName,
      proposed: readTemplate(templateFile),
      deployed: fs.existsSync(deployedFile) ? readTemplate(deployedFile) : undefined,
      drift: readDrift(driftDir, stackName),
    };
  });
  let laneCheck;
  if (otherLane) {
    const [label, pipelineName, sourceAction, stages] = otherLane.split('|');
    laneCheck = checkLane({ label, pipelineName, sourceAction, productionStages: stages.split(',') }, '.');
  }
  // Stacks without orphans have a report that says so: only those with orphans are listed.
  const orphanSummaries = readOrphans(orphansDir, 'summary');
  const orphanReports = orphanSummaries.length > 0 ? readOrphans(orphansDir, 'report').filter(r => !r.includes('no stack of the environment that the app no longer has')) : [];
  const review = reviewStage(stacks, { laneCheck, orphanReports, orphanSummaries });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'review.txt'), review.text);
  fs.writeFileSync(path.join(outDir, 'summary.txt'), review.summary);
  process.stdout.write(review.text);
}

main(process.argv.slice(2));
