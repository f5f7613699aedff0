import * as logs from 'aws-cdk-lib/aws-logs';
import { AppBuild } from './app-build';
import { IsolatedEnvironment } from '../../environment';
import type { FeatureEnvironmentOptions } from '../feature-lane';
import type { PipelineSource } from '../pipeline-source';
import type { PipelineTest } from '../pipeline-test';

/**
 * What a `MultiEnvPipeline` hands its feature lane: the user's options for the lane, and the
 * pipeline's own settings (resolved once there), which the lane shares rather than repeats.
 */
export interface FeatureLaneWiring {
  readonly options: FeatureEnvironmentOptions;
  /** The environment each feature branch gets a copy of. */
  readonly environment: IsolatedEnvironment;
  readonly source: PipelineSource;
  readonly tests: PipelineTest[];
  readonly build: AppBuild;
  /** The exact CDK CLI version, already checked by the pipeline. */
  readonly cdkCliVersion: string;
  /** The hotfix lane's branch patterns, which feature branches may not overlap. */
  readonly hotfixBranches: string[];
  /** The pipeline's build log group, which the lane's builds log to too. */
  readonly buildLogGroup: logs.ILogGroup;
}
