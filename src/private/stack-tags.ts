// Shared by the environments (at synth), the pipeline and the orphan script (in the pipeline's
// jobs): no imports.

/** The tag every resource of an environment carries with the environment's name. */
export const ENVIRONMENT_TAG = 'Environment';

/**
 * The tag every stack of an environment carries with the app's name (stacks only: CloudFormation
 * passes it on to the resources). With `Environment`, it tells the stacks of one environment of
 * one app from every other stack of the account, which is what the orphan clean-up's role may
 * delete.
 */
export const APP_TAG = 'cdk-multi-env:app';
