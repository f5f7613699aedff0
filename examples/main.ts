import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { buildReferenceApp } from './reference-app';
import { summarize } from './summary';

/**
 * The main job: synthesizes the reference app into cdk.out/ (or $CDK_OUTDIR) and prints what it
 * holds. Needs no AWS credentials.
 */
const outdir = process.env.CDK_OUTDIR ?? path.join(__dirname, '..', 'cdk.out');
const app = new cdk.App({ outdir });
const environments = buildReferenceApp(app);
const assembly = app.synth();
process.stdout.write(summarize(assembly, environments));
