import * as cdk from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { EnvironmentTier, MultiEnvPipeline } from '../../src';
import { environment } from '../support/environments';
import { newPipeline } from '../support/pipelines';

/**
 * What synthesis says of CodeBuild's concurrent-build quota, which it cannot read: a build that waits
 * in its build for another action of its stage holds its place in the quota. The numbers are held
 * against the bench's own reading of the build specs in test/bench (the reference app's and the
 * 96-environment app's); here, what a small pipeline's waits make of them.
 */
const QUOTA = 'Concurrently running builds for Linux/Small environment';

function noticesOf(pipeline: MultiEnvPipeline): string[] {
  cdk.App.of(pipeline)!.synth();
  return Annotations.fromStack(cdk.Stack.of(pipeline)).findInfo('*', Match.stringLikeRegexp(QUOTA)).map(m => String(m.entry.data));
}

describe('the concurrent-build quota the pipelines need', () => {
  test('a wave of three QA environments, whose tests after deploy each wait for their environment\'s deploy: three builds wait, so at least 4', () => {
    const app = new cdk.App();
    const qa = [0, 1, 2].map(i => environment(app, EnvironmentTier.QA, { environmentName: `qa-${i}`, account: String(200000000000 + i), cidr: `10.${i}.0.0/16` }));
    const pipeline = newPipeline(app);
    pipeline.addWave('QA', qa);
    expect(noticesOf(pipeline)).toEqual([expect.stringContaining(`"${QUOTA}" (BUILD_GENERAL1_SMALL, quota code L-9D07B6EF) in eu-west-1 to be at least 4 for one commit at a time, `
      + 'and 4 for commits in quick succession: 3 builds of a stage (3 over a run of every lane) wait in their build')]);
  });

  test('a tooling stack whose region is known only at deploy time: the notice says so', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app, {}, { env: { account: '999999999999', region: cdk.Aws.REGION } });
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
    expect(noticesOf(pipeline)).toEqual([expect.stringContaining('(BUILD_GENERAL1_SMALL, quota code L-9D07B6EF) in the tooling stack\'s region to be at least 2 for one commit at a time')]);
  });

  test('no build waits where no tests run beside a deploy: no notice', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV), { testsAfterDeploy: [] });
    expect(noticesOf(pipeline)).toEqual([]);
  });
});
