import * as fs from 'fs';
import * as path from 'path';

/**
 * The context of examples/cdk.json: the feature flags `cdk init` writes with the aws-cdk-lib these
 * examples are tested against (test/examples/feature-flags.test.ts keeps them in step). The CDK CLI
 * passes them to the app from cdk.json; every entry point that builds an App itself (main.ts,
 * validate.ts, the bench, the tests) passes them too, so the reference app synthesizes the same
 * either way. The binding apps get them as the CLI gives them, in CDK_CONTEXT_JSON.
 */
export const FEATURE_FLAGS: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(__dirname, 'cdk.json'), 'utf-8')).context;
