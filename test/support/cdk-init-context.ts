import * as cxapi from 'aws-cdk-lib/cx-api';
import { FEATURE_FLAGS } from '../../examples/feature-flags';

/**
 * The feature flags of an app made before them: each left unset, as in an app whose cdk.json has none.
 * Given as an App's `postCliContext`, which takes precedence over CDK_CONTEXT_JSON, to the few tests
 * that also run without `cdk init`'s flags.
 */
export const WITHOUT_CDK_INIT_FLAGS: Record<string, unknown> = Object.fromEntries(Object.keys(FEATURE_FLAGS).map(key => [key, undefined]));

// Every unit test's app runs with the feature flags `cdk init` writes (examples/cdk.json's context,
// which test/examples/feature-flags.test.ts keeps equal to them), as a user's app does: aws-cdk-lib's
// App reads its context from CDK_CONTEXT_JSON, the variable the CDK CLI sets from cdk.json. Jest runs
// this file before each test file (setupFiles in .projenrc.ts).
process.env[cxapi.CONTEXT_ENV] = JSON.stringify(FEATURE_FLAGS);
