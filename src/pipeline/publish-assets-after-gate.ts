import * as path from 'path';
import { Fn, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

/**
 * Takes the file and image assets of a stage's stacks out of the lane's Assets stage and returns
 * the one job that publishes them inside the stage, after its pre steps (its gate): the same
 * `cdk-assets publish` commands CDK Pipelines runs, with a role that may assume exactly those
 * assets' publishing roles. Undefined when the stage has no assets.
 *
 * Written by hand because CDK Pipelines publishes every asset of a pipeline in one Assets stage
 * before the first environment: in a lane that runs branch code, that job would reach production's
 * bootstrap bucket before anyone approved the branch.
 */
export function publishAssetsAfterGate(scope: Construct, deployment: pipelines.StageDeployment, synth: pipelines.IFileSetProducer,
  cdkAssetsVersion: string): pipelines.CodeBuildStep | undefined {
  // CDK Pipelines reads `assets` when it builds the pipeline: emptied here, the Assets stage skips them.
  const assets = deployment.stacks.flatMap(stack => stack.assets.splice(0, stack.assets.length));
  if (assets.length === 0) return undefined;
  const assemblyRoot = path.resolve((scope.node.root as Stage).outdir);
  const roles = [...new Set(assets.flatMap(asset => asset.assetPublishingRoleArn ? [asset.assetPublishingRoleArn] : []))];
  const step = new pipelines.CodeBuildStep('PublishAssets', {
    input: synth,
    installCommands: [`npm install -g cdk-assets@${cdkAssetsVersion}`],
    commands: assets.map(asset => {
      const manifest = path.relative(assemblyRoot, asset.assetManifestPath).split(path.sep).join('/');
      return `cdk-assets --path "${manifest}" --verbose publish "${asset.assetSelector}"`;
    }),
    buildEnvironment: { privileged: assets.some(asset => asset.assetType === pipelines.AssetType.DOCKER_IMAGE) },
    rolePolicyStatements: roles.length === 0 ? [] : [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: roles.map(arn => Fn.sub(arn)) })],
  });
  deployment.pre.forEach(pre => step.addStepDependency(pre));
  return step;
}
