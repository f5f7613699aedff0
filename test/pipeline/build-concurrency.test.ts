import * as cdk from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildConcurrency } from '../../bench/pipeline-model';
import { EnvironmentTier, MultiEnvPipeline, TestKind } from '../../src';
import { BUILD_CONCURRENCY_NOTICE } from '../../src/pipeline/build-concurrency';
import { environment } from '../support/environments';
import { ALL_TESTS, newPipeline, stagesOf } from '../support/pipelines';

/**
 * What synthesis says of CodeBuild's concurrent-build quotas, which it cannot read: a build that
 * waits in its build for another action of its stage holds its place in its quota. Each case holds
 * the note's numbers against the bench's own reading of the synthesized build specs
 * (`buildConcurrency`), where every build has one quota; the reference app's and the
 * 96-environment app's are held in test/bench.
 */
const LINUX_SMALL = 'Concurrently running builds for Linux/Small environment';

function synthesized(pipeline: MultiEnvPipeline): { notes: string[]; template: any } {
  const assembly = cdk.App.of(pipeline)!.synth();
  const stack = cdk.Stack.of(pipeline);
  const notes = Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp(BUILD_CONCURRENCY_NOTICE)).map(m => String(m.entry.data));
  return { notes, template: assembly.getStackByName(stack.stackName).template };
}

/** The numbers the note gives for one quota: the least quota for one commit at a time, and for commits in quick succession. */
function needsOf(note: string, quotaName: string): number[] {
  const match = new RegExp(`"${quotaName}" \\([A-Z_/0-9]+, quota code L-[0-9A-F]+\\) at least (\\d+) for one commit at a time and (\\d+) for commits in quick succession`).exec(note);
  if (!match) throw new Error(`no need of ${quotaName} in: ${note}`);
  return [Number(match[1]), Number(match[2])];
}

describe('the concurrent-build quotas the pipelines need', () => {
  test('a wave of three QA environments, whose tests after deploy each wait for their environment\'s deploy: three builds wait, so at least 4', () => {
    const app = new cdk.App();
    const qa = [0, 1, 2].map(i => environment(app, EnvironmentTier.QA, { environmentName: `qa-${i}`, account: String(200000000000 + i), cidr: `10.${i}.0.0/16` }));
    const pipeline = newPipeline(app);
    pipeline.addWave('QA', qa);
    const { notes, template } = synthesized(pipeline);
    expect(notes).toHaveLength(1);
    expect(needsOf(notes[0], LINUX_SMALL)).toEqual([4, 4]);
    expect(notes[0]).toContain('aws service-quotas request-service-quota-increase --service-code codebuild --quota-code L-9D07B6EF --desired-value 4 --region eu-west-1');
    const bench = buildConcurrency(template);
    expect([bench.mostWaitingBuildsInAStage + 1, bench.waitingBuildsInAllPipelines + 1]).toEqual([4, 4]);
  });

  test('builds that wait only in the hotfix lane count for one commit at a time too: a hotfix commit goes through alone', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app);
    const approvers = [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'Approver', 'approver')];
    pipeline.addEnvironment(environment(app, EnvironmentTier.PROD), { approvers, bakeAlarmNames: ['errors'], testsAfterDeploy: [] });
    // The hotfix environment's deploy waits for its tests before, and its tests after for its deploy.
    pipeline.addEnvironment(environment(app, EnvironmentTier.HOTFIX, { cidr: '10.9.0.0/16' }), { approvers, testsBeforeDeploy: [TestKind.DATA_MIGRATION] });
    const { notes, template } = synthesized(pipeline);
    expect(needsOf(notes[0], LINUX_SMALL)).toEqual([3, 3]);
    const bench = buildConcurrency(template);
    expect([bench.mostWaitingBuildsInAStage + 1, bench.waitingBuildsInAllPipelines + 1]).toEqual([3, 3]);
  });

  test('tests on an ARM image wait in an ARM quota, Staging\'s deploys in Linux\'s: each quota is named with what its own waiting builds need', () => {
    const app = new cdk.App();
    const staging = [0, 1].map(i => environment(app, EnvironmentTier.STAGING,
      { environmentName: `staging-${i}`, account: String(300000000000 + i), cidr: `10.${i}.0.0/16` }));
    const arm = codebuild.LinuxArmBuildImage.AMAZON_LINUX_2_STANDARD_3_0;
    const pipeline = newPipeline(app, { tests: ALL_TESTS.map(t => ({ ...t, buildImage: arm })) });
    pipeline.addWave('Staging', staging);
    const { notes } = synthesized(pipeline);
    // Two deploys wait for their tests before (Linux/Small); two test builds wait for their deploys (ARM/Small).
    expect(needsOf(notes[0], LINUX_SMALL)).toEqual([3, 3]);
    // aws-cdk-lib gives an ARM image the compute type BUILD_GENERAL1_LARGE: the quota is read from the test projects as synthesized.
    expect(needsOf(notes[0], 'Concurrently running builds for ARM/Large environment')).toEqual([3, 3]);
    expect(notes[0]).toContain('(ARM_CONTAINER/BUILD_GENERAL1_LARGE, quota code L-596BEAB4)');
  });

  test('a tooling stack whose region is known only at deploy time: the note says so, and its commands name no region', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app, {}, { env: { account: '999999999999', region: cdk.Aws.REGION } });
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
    const { notes } = synthesized(pipeline);
    expect(notes[0]).toContain('of the tooling account\'s CodeBuild quotas in the tooling stack\'s region, the quota');
    expect(needsOf(notes[0], LINUX_SMALL)).toEqual([2, 2]);
    expect(notes[0]).not.toContain('--region');
  });

  test('no build waits where no tests run beside a deploy: no note', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV), { testsAfterDeploy: [] });
    expect(synthesized(pipeline).notes).toEqual([]);
  });

  test('after production no build waits: a tier after production with tests before and after deploy runs them one after another, and adds nothing to the quota', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app);
    const approvers = [iam.Role.fromRoleName(cdk.Stack.of(pipeline), 'Approver', 'approver')];
    pipeline.addEnvironment(environment(app, EnvironmentTier.PROD), { approvers, bakeAlarmNames: ['errors'], testsAfterDeploy: [] });
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEMO, { cidr: '10.5.0.0/16' }), { testsBeforeDeploy: [TestKind.DATA_MIGRATION] });
    const { notes, template } = synthesized(pipeline);
    const [, main] = Object.entries(stagesOf(template)).find(([id]) => id.startsWith('DeliveryPipelineDefinition'))!;
    expect(main.demo).toEqual(['TestsBefore[Build/1]', 'Deploy[Build/2]', 'TestsAfter[Build/3]']);
    expect(notes).toEqual([]);
    expect(buildConcurrency(template).waitingBuildsInAllPipelines).toBe(0);
  });

  test('a team that has raised the quota acknowledges the note by its id', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app);
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV));
    cdk.Annotations.of(pipeline).acknowledgeInfo(BUILD_CONCURRENCY_NOTICE, 'raised to 20 in the tooling account');
    expect(synthesized(pipeline).notes).toEqual([]);
  });
});
