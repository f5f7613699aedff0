import { Token } from 'aws-cdk-lib';
import { ValidationErrors } from '../private/validation-errors';
import { FIXED_DEFAULTS } from '../tiers/fixed-defaults';

/** The AWS CDK CLI that pipeline jobs install when the app names none (see `FIXED_DEFAULTS`). */
export const DEFAULT_CDK_CLI_VERSION = FIXED_DEFAULTS.cdkCliVersion;

/**
 * The `@aws-cdk/cloudformation-diff` (what `cdk diff` is built on) the change review job installs to
 * compare templates: the dev dependency the review's renderer is tested with (a test keeps the two equal).
 */
export const CLOUDFORMATION_DIFF_VERSION = '2.187.5';

/** An exact release: `2.1148.1`, not `2`, `^2.1148.1` or `latest`. */
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

/**
 * Checks that a tool version is pinned: what deploys the pipeline and the environments changes
 * only when the app changes it, never with a release of the tool.
 */
export function checkPinnedVersion(errors: ValidationErrors, field: string, version: string, example: string): void {
  if (Token.isUnresolved(version) || EXACT_VERSION.test(version)) return;
  errors.add(field, `is '${version}'; expected an exact version such as ${example}, so that what runs in the pipeline changes only when you change it`);
}
