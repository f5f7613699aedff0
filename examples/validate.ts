import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { FEATURE_FLAGS } from './feature-flags';
import { buildReferenceApp } from './reference-app';
import { addValidators } from './validators';

/**
 * Synthesizes the reference app into validate.out/ (or $CDK_OUTDIR) with every validator
 * registered (examples/validators.ts). Synthesis prints the validators' report and exits 1 when
 * any of them finds something; the report is kept as validate.out/validation-report.json.
 */
const outdir = process.env.CDK_OUTDIR ?? path.join(__dirname, '..', 'validate.out');
const app = new cdk.App({ outdir, context: FEATURE_FLAGS });
addValidators(app);
buildReferenceApp(app);
app.synth();
