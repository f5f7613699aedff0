/**
 * What a commit's run is billed by use, at on-demand list prices in USD, eu-west-1, free tiers left
 * out, read 2026-11. The bench's model of a commit's cost (bench/pipeline-model.ts) and the
 * pipeline's measure of its own (the delivery metrics) read the same table. Prices change: a CodeBuild
 * compute type missing here is refused by both, not priced at zero.
 */

/**
 * CodeBuild's Linux prices per build-minute, by compute type (the same as us-east-1 for these
 * types), from the AWS CodeBuild pricing page (https://aws.amazon.com/codebuild/pricing/).
 */
export const CODEBUILD_PRICES = {
  read: '2026-11',
  region: 'eu-west-1',
  perBuildMinute: {
    BUILD_GENERAL1_SMALL: 0.005,
    BUILD_GENERAL1_MEDIUM: 0.01,
    BUILD_GENERAL1_LARGE: 0.02,
  } as Record<string, number>,
};

/**
 * CodePipeline's price for a V2 pipeline (the library's are V2), from the AWS CodePipeline pricing
 * page (https://aws.amazon.com/codepipeline/pricing/): "$0.002 per action execution minute. Action
 * execution duration is calculated in minutes, from the time an action in your pipeline starts
 * executing until that action reaches a completion state, rounded up to the nearest minute. You are
 * charged for all action types except for manual approval and custom action types."
 */
export const CODEPIPELINE_PRICES = {
  read: '2026-11',
  perActionMinute: 0.002,
  /** The action categories and owners not billed: manual approvals, custom actions. */
  unbilledCategories: ['Approval'],
  unbilledOwners: ['Custom'],
};
