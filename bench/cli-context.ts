import * as cxapi from 'aws-cdk-lib/cx-api';

/**
 * The context the CDK CLI gives an app when it synthesizes it (`cdk synth`, `cdk deploy`) with its
 * default settings: each resource's construct path as metadata, each asset's path as metadata, and
 * the version-reporting resource (the pinned CLI 2.1148's `contextFromSettings`: `pathMetadata`,
 * `assetMetadata` and `versionReporting` default to true). The bench and its headroom test
 * synthesize with it, so the templates they measure are the ones the CLI deploys.
 */
export const CLI_DEFAULT_CONTEXT: Record<string, boolean> = {
  [cxapi.PATH_METADATA_ENABLE_CONTEXT]: true,
  [cxapi.ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true,
  [cxapi.ANALYTICS_REPORTING_ENABLED_CONTEXT]: true,
};
