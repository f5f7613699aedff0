import { performance } from 'perf_hooks';
import * as cdk from 'aws-cdk-lib';
import { CLI_DEFAULT_CONTEXT } from './cli-context';
import { scaledEnvironments, withAccountPerEnvironment } from './scaled-environments';
import { synthesizeAndReport } from './synth-measure';
import { FEATURE_FLAGS } from '../examples/feature-flags';
import { buildPlainCdkPipelinesApp } from '../examples/plain-cdk-pipelines';
import { buildReferenceApp } from '../examples/reference-app';
import { MEASURE_PAST_LIMITS } from '../src/pipeline/private/pipeline-limits';

/**
 * One measured synthesis of bench/run.ts, in a fresh Node process (compiled to JavaScript first,
 * so that TypeScript's compiler is not part of what is measured):
 *
 *     node synth-app.js library|library-accounts|plain <regions> <outdir>
 *
 * `library` is the reference app (six environments per region and the MultiEnvPipeline),
 * `library-accounts` the same with an account per environment, `plain` the same environments
 * promoted by plain CDK Pipelines. All load the same modules.
 */
const loadedMs = performance.now();
const [variant, regions, outdir] = process.argv.slice(2);
// As the CDK CLI synthesizes an app by default (its metadata and version reporting are part of
// what CloudFormation reads). CDK stops a synth at 500 resources in a stack (CloudFormation's
// limit), and MultiEnvPipeline at CodeBuild's and CodePipeline's limits; the bench measures past them.
const app = new cdk.App({ outdir, context: { ...FEATURE_FLAGS, ...CLI_DEFAULT_CONTEXT, '@aws-cdk/core:stackResourceLimit': 0, [MEASURE_PAST_LIMITS]: true } });
const environments = scaledEnvironments(Number(regions));
if (variant === 'library') {
  buildReferenceApp(app, environments);
} else if (variant === 'library-accounts') {
  buildReferenceApp(app, withAccountPerEnvironment(environments));
} else if (variant === 'plain') {
  buildPlainCdkPipelinesApp(app, environments);
} else {
  throw new Error(`variant is '${variant}'; expected library, library-accounts or plain`);
}
synthesizeAndReport(app, loadedMs);
