import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { FEATURE_FLAGS } from './feature-flags';
import { pathToProduction } from './pipeline-path';
import { buildPlainCdkPipelinesApp } from './plain-cdk-pipelines';
import { buildReferenceApp } from './reference-app';
import { summarize } from './summary';
import { RecoveryRunbook } from '../src';

/**
 * The main job: synthesizes the reference app into cdk.out/ (or $CDK_OUTDIR), writes each
 * environment's recovery runbook to cdk.out/runbooks/<environment>.md, and prints what the app
 * holds, with its pipeline's path to production next to plain CDK Pipelines' for the same app.
 * Needs no AWS credentials.
 */
const outdir = process.env.CDK_OUTDIR ?? path.join(__dirname, '..', 'cdk.out');
const app = new cdk.App({ outdir, context: FEATURE_FLAGS });
const reference = buildReferenceApp(app);
const assembly = app.synth();

// Each environment's recovery runbook, generated from what it configures, beside its templates.
const runbooks = path.join(outdir, 'runbooks');
fs.mkdirSync(runbooks, { recursive: true });
for (const environment of reference.environments) {
  fs.writeFileSync(path.join(runbooks, `${environment.environmentName}.md`), new RecoveryRunbook(environment).toMarkdown());
}

const plainApp = new cdk.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'plain-cdk-pipelines-')), context: FEATURE_FLAGS });
buildPlainCdkPipelinesApp(plainApp);
const comparison = {
  library: pathToProduction(assembly.getStackByName('Tooling').template, 'Prod'),
  plainCdkPipelines: pathToProduction(plainApp.synth().getStackByName('Tooling').template, 'Prod'),
};
fs.rmSync(plainApp.outdir, { recursive: true, force: true });

process.stdout.write(summarize(assembly, reference, comparison));
