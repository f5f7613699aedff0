/**
 * CodeBuild's on-demand Linux list prices per build-minute, in USD, by compute type: eu-west-1 (the
 * same as us-east-1 for these types), from the AWS CodeBuild pricing page
 * (https://aws.amazon.com/codebuild/pricing/), read 2026-11, free tier left out. The bench's model of
 * a commit's cost (bench/pipeline-model.ts) and the pipeline's measure of its own (the delivery
 * metrics) read the same table. Prices change: a compute type missing here is refused by both, not
 * priced at zero.
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
