/**
 * The template metadata key that marks every CodePipeline pipeline of a `MultiEnvPipeline` with
 * its lane, so that `SafetyChecks` can tell, in any app, the pipelines that run code of
 * unprotected branches from the one that builds the protected main branch.
 */
export const LANE_METADATA = 'cdk-multi-env:lane';

/** What `LANE_METADATA` holds. */
export interface LaneMetadata {
  /** `main`, `hotfix` or `feature`. */
  readonly lane: string;
  /** The branch or branch patterns whose code the pipeline runs. */
  readonly branches: string[];
  /** Whether those branches are protected: true for the main lane only. */
  readonly protected: boolean;
}
