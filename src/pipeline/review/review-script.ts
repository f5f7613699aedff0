// What the change review job runs (bundled into assets/pipeline/review/review-script/index.js, which
// the pipeline stages into the cloud assembly; see ChangeReviewJob):
//
//   node <script> <output dir> [--other-lane <label>|<pipeline>|<source action>|<stage>,...]
//     <environment>|<stack name>|<template file>|<deployed template file>...
//
// A deployed template file that does not exist is a stack not deployed yet. The working directory
// is a full clone of the commit under review: with --other-lane, the review first checks that it
// contains every commit that lane took to production. It writes the review to <output dir>/review.txt
// and its one-line summary to <output dir>/summary.txt, and prints the review.
import * as fs from 'fs';
import * as path from 'path';
import { checkLane } from './lane-check';
import { reviewStage, StackUnderReview, Template } from './stage-review';

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

function main(args: string[]): void {
  const [outDir, ...rest] = args;
  const laneAt = rest.indexOf('--other-lane');
  const otherLane = laneAt >= 0 ? rest.splice(laneAt, 2)[1] : undefined;
  const entries = rest;
  if (!outDir || entries.length === 0) {
    throw new Error('usage: <output dir> [--other-lane <label>|<pipeline>|<source action>|<stage>,...] <environment>|<stack name>|<template file>|<deployed template file>...');
  }
  const stacks: StackUnderReview[] = entries.map(entry => {
    const [environment, stackName, templateFile, deployedFile] = entry.split('|');
    return {
      environment,
      stackName,
      proposed: readTemplate(templateFile),
      deployed: fs.existsSync(deployedFile) ? readTemplate(deployedFile) : undefined,
    };
  });
  let laneCheck;
  if (otherLane) {
    const [label, pipelineName, sourceAction, stages] = otherLane.split('|');
    laneCheck = checkLane({ label, pipelineName, sourceAction, productionStages: stages.split(',') }, '.');
  }
  const review = reviewStage(stacks, laneCheck);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'review.txt'), review.text);
  fs.writeFileSync(path.join(outDir, 'summary.txt'), review.summary);
  process.stdout.write(review.text);
}

main(process.argv.slice(2));
