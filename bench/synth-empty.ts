import { performance } from 'perf_hooks';
import * as cdk from 'aws-cdk-lib';
import { CLI_DEFAULT_CONTEXT } from './cli-context';
import { synthesizeAndReport } from './synth-measure';
import { FEATURE_FLAGS } from '../examples/feature-flags';

/**
 * The baseline of bench/run.ts, in its own Node process: an app with one empty stack, the fixed
 * cost of Node and aws-cdk-lib that every app pays. `node synth-empty.js <outdir>`
 */
const loadedMs = performance.now();
const app = new cdk.App({ outdir: process.argv[2], context: { ...FEATURE_FLAGS, ...CLI_DEFAULT_CONTEXT } });
new cdk.Stack(app, 'Empty');
synthesizeAndReport(app, loadedMs);
