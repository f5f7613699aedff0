import { CfnOutput } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { TestKind } from '../tiers';

/**
 * Commands the pipeline runs in a CodeBuild job of its own, with the repository checked out.
 */
export interface PipelineCommands {
  /** The commands, run in order in the repository's root; the step fails when one fails. */
  readonly commands: string[];

  /**
   * Commands that prepare the job (install tools) before `commands`.
   *
   * @default - none
   */
  readonly installCommands?: string[];

  /**
   * The CodeBuild image the commands run in. Besides the commands, a build runs the pipeline's own
   * bash functions (waiting for the deploy, reading stack outputs), which it fetches with the AWS
   * CLI, `unzip` and `sha256sum`, as CodeBuild's standard images have them: an image of your own
   * needs bash and these three too.
   *
   * @default - CDK Pipelines' default, the standard Linux image
   */
  readonly buildImage?: codebuild.IBuildImage;

  /**
   * Environment variables for the commands. Besides these, every step gets ENVIRONMENT_NAME,
   * TIER, TARGET_ACCOUNT, TARGET_REGION and DEPLOYMENT_ROLE_ARN (the role to assume to reach the
   * environment).
   *
   * @default - only the variables above
   */
  readonly env?: Record<string, string>;

  /**
   * Stack outputs of the environment handed in as environment variables: the key is the
   * variable's name, the value a `CfnOutput` of one of the environment's stacks (for example the
   * URL the smoke test calls).
   *
   * @default - none
   */
  readonly envFromOutputs?: Record<string, CfnOutput>;
}

/**
 * A kind of test and the commands that run it. The tier of each environment decides which kinds
 * run there and whether before or after the deploy.
 */
export interface PipelineTest extends PipelineCommands {
  /** The kind of test these commands are. */
  readonly kind: TestKind;
}
