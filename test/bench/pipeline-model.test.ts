import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { buildConcurrency, estimatePipeline, leastQuotaOf, PIPELINE_MODEL, PipelineEstimate } from '../../bench/pipeline-model';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { buildSpecOf, buildsOf, mainPipeline, pathToProduction, PipelineAction, PipelineStage } from '../../examples/pipeline-path';
import { buildReferenceApp } from '../../examples/reference-app';
import { EnvironmentTier } from '../../src';
import { awaitCommand, awaitReadyCommand, SIGNAL_READY } from '../../src/pipeline/awaited-actions';
import { BUILD_CONCURRENCY_NOTICE } from '../../src/pipeline/build-concurrency';
import { awaitBeside, startBeside } from '../../src/pipeline/side-by-side-shell';
import { stepAnnouncement } from '../../src/pipeline/test-builds';
import { environment } from '../support/environments';
import { newPipeline } from '../support/pipelines';

/** Every CodeBuild action of every pipeline of a template whose build spec calls await_actions or await_ready, read from the build spec. */
function waitingActions(tooling: any): Array<{ pipeline: any; stage: PipelineStage; action: PipelineAction; builds: number }> {
  const waits = (stage: PipelineStage, action: PipelineAction) => action.ActionTypeId.Provider === 'CodeBuild'
    && /await_(actions|ready) "/.test(JSON.stringify(buildSpecOf(tooling, stage, action)).replace(/\\"/g, '"'));
  return Object.values<any>(tooling.Resources).filter(r => r.Type === 'AWS::CodePipeline::Pipeline').flatMap(({ Properties: pipeline }) => pipeline.Stages
    .flatMap((stage: PipelineStage) => stage.Actions.filter(action => waits(stage, action))
      .map(action => ({ pipeline, stage, action, builds: buildsOf(tooling, stage, action) }))));
}

const codeBuild = (name: string, project: string, runOrder = 1) => ({
  Name: name, RunOrder: runOrder, ActionTypeId: { Category: 'Build', Provider: 'CodeBuild' }, Configuration: { ProjectName: { Ref: project } },
});
/** The stages before the first environment: the source, then the synth. */
const SOURCE_AND_BUILD = [
  { Name: 'Source', Actions: [{ Name: 'repo', ActionTypeId: { Category: 'Source', Provider: 'CodeStarSourceConnection' } }] },
  { Name: 'Build', Actions: [codeBuild('Synth', 'Synth')] },
];
const deploy = (name: string, mode: string, runOrder: number) => ({
  Name: name, RunOrder: runOrder, ActionTypeId: { Category: 'Deploy', Provider: 'CloudFormation' }, Configuration: { ActionMode: mode },
});
const project = (buildSpec: unknown = '{}', computeType = 'BUILD_GENERAL1_SMALL') => ({
  Type: 'AWS::CodeBuild::Project', Properties: { Environment: { ComputeType: computeType }, Source: { BuildSpec: buildSpec } },
});

/** A pipeline: synth, two asset jobs in parallel, then Prod with two tests in parallel, an approval and a bake, then Demo. */
function template(computeType = 'BUILD_GENERAL1_SMALL') {
  const assets = (n: number) => JSON.stringify({ phases: { build: { commands: Array(n).fill('cdk-assets --path "x.assets.json" publish "a:b"') } } }, undefined, 2);
  return {
    Resources: {
      Synth: project(),
      AssetA: project(assets(1)),
      AssetB: project(assets(3)),
      Test: project(),
      Seed: project('{}', computeType),
      Pipeline: {
        Type: 'AWS::CodePipeline::Pipeline',
        Properties: {
          Stages: [
            ...SOURCE_AND_BUILD,
            { Name: 'Assets', Actions: [codeBuild('A', 'AssetA'), codeBuild('B', 'AssetB')] },
            {
              Name: 'Prod',
              Actions: [
                deploy('App.Prepare', 'CHANGE_SET_REPLACE', 1),
                { Name: 'Review', RunOrder: 2, ActionTypeId: { Category: 'Approval', Provider: 'Manual' } },
                deploy('App.Deploy', 'CHANGE_SET_EXECUTE', 3),
                codeBuild('Smoke', 'Test', 4), codeBuild('Load', 'Test', 4),
              ],
              OnSuccess: { Conditions: [{ Result: 'ROLLBACK', Rules: [{ Configuration: { AlarmName: 'errors', WaitTime: '30' } }] }] },
            },
            { Name: 'Demo', Actions: [codeBuild('Seed', 'Seed')] },
          ],
        },
      },
    },
  };
}

describe('estimatePipeline', () => {
  const m = PIPELINE_MODEL;
  const estimate = estimatePipeline(template(), '/nonexistent', 'Prod');

  test('counts the jobs to production and per commit, the sequence and the approvals', () => {
    expect(estimate.codeBuildJobs).toBe(5);
    expect(estimate.codeBuildJobsPerCommit).toBe(6);
    expect(estimate.sequentialActions).toBe(1 + 1 + 1 + 4);
    expect(estimate.approvals).toBe(1);
  });

  test('the critical path takes the longest action of each run order: the asset job with three assets', () => {
    expect(estimate.criticalPath.map(a => `${a.stage}/${a.action}`)).toEqual([
      'Source/repo', 'Build/Synth', 'Assets/B', 'Prod/App.Prepare', 'Prod/Review', 'Prod/App.Deploy', 'Prod/Smoke',
    ]);
    const seconds = m.sourceSeconds + (m.codeBuildProvisioningSeconds + m.synthSeconds)
      + (m.codeBuildProvisioningSeconds + m.assetJobInstallSeconds + 3 * m.perAssetSeconds)
      + m.createChangeSetSeconds + m.approvalSeconds + m.executeChangeSetSeconds + (m.codeBuildProvisioningSeconds + m.shellStepSeconds);
    expect(estimate.leadTimeToProdMinutes).toBeCloseTo(seconds / 60, 10);
    expect(estimate.bakeMinutes).toBe(30);
  });

  test('every job is billed in whole minutes, at least one, at its compute type\'s price', () => {
    for (const job of estimate.jobs) {
      expect(job.billedMinutes).toBe(Math.max(1, Math.ceil(job.seconds / 60)));
    }
    const minutes = estimate.jobs.reduce((sum, j) => sum + j.billedMinutes!, 0);
    expect(estimate.billedBuildMinutesPerCommit).toBe(minutes);
    expect(estimate.codeBuildUsdPerCommit).toBeCloseTo(minutes * m.pricePerBuildMinute.BUILD_GENERAL1_SMALL, 10);
    const medium = estimatePipeline(template('BUILD_GENERAL1_MEDIUM'), '/nonexistent', 'Prod');
    expect(medium.computeTypes).toEqual(['BUILD_GENERAL1_SMALL', 'BUILD_GENERAL1_MEDIUM']);
    expect(medium.codeBuildUsdPerCommit).toBeGreaterThan(estimate.codeBuildUsdPerCommit);
  });

  test('a V2 pipeline bills every action but the approval by the started minute; a V1 pipeline, none', () => {
    const v2 = template();
    (v2.Resources.Pipeline.Properties as any).PipelineType = 'V2';
    const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));
    const step = m.codeBuildProvisioningSeconds + m.shellStepSeconds;
    // Source; synth; the two asset jobs; the change set, its execution, the two tests; Demo's seed (a shell step).
    const expected = minutes(m.sourceSeconds) + minutes(m.codeBuildProvisioningSeconds + m.synthSeconds)
      + minutes(m.codeBuildProvisioningSeconds + m.assetJobInstallSeconds + m.perAssetSeconds)
      + minutes(m.codeBuildProvisioningSeconds + m.assetJobInstallSeconds + 3 * m.perAssetSeconds)
      + minutes(m.createChangeSetSeconds) + minutes(m.executeChangeSetSeconds) + 2 * minutes(step) + minutes(step);
    const billed = estimatePipeline(v2, '/nonexistent', 'Prod');
    expect(billed.billedActionMinutesPerCommit).toBe(expected);
    expect(billed.actionUsdPerCommit).toBeCloseTo(expected * 0.002, 10);
    expect(estimate.billedActionMinutesPerCommit).toBe(0);
  });

  test('a compute type with no price, or no production stage, is an error that says what to do', () => {
    expect(() => estimatePipeline(template('BUILD_GENERAL1_2XLARGE'), '/nonexistent', 'Prod')).toThrow(/no price for compute type BUILD_GENERAL1_2XLARGE; add it/);
    expect(() => estimatePipeline(template(), '/nonexistent', 'Production')).toThrow(/no stage 'Production'/);
  });
});

const outdirs: string[] = [];
afterAll(() => outdirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));
const newOutdir = () => {
  outdirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-model-')));
  return outdirs[outdirs.length - 1];
};

/**
 * A cloud assembly with a stage 'Shop' of three stacks: Workload depends on Foundation; Extra on
 * nothing. Each has its template as an asset; Workload a file besides.
 */
function shopAssembly(): string {
  const app = new cdk.App({ outdir: newOutdir() });
  const stage = new cdk.Stage(app, 'Shop', { env: { account: '111111111111', region: 'eu-west-1' } });
  const foundation = new cdk.Stack(stage, 'Foundation');
  const workload = new cdk.Stack(stage, 'Workload');
  workload.addDependency(foundation);
  new s3assets.Asset(workload, 'Site', { path: path.join(__dirname, '..', 'support') });
  new cdk.Stack(stage, 'Extra');
  return app.synth().directory;
}

const batch = (name: string, projectId: string, runOrder = 1) => ({
  ...codeBuild(name, projectId, runOrder), Configuration: { ProjectName: { Ref: projectId }, BatchEnabled: 'true' },
});
const DEPLOY = 'cdk -a "$CODEBUILD_SRC_DIR" deploy --require-approval never --exclusively $STACKS';
/** The same without change sets, as the library deploys. */
const DEPLOY_DIRECT = 'cdk -a "$CODEBUILD_SRC_DIR" deploy --method=direct --require-approval never --exclusively $STACKS';
/** The same in CloudFormation's express mode, as the library deploys the tiers with `expressDeployments`. */
const DEPLOY_EXPRESS = 'cdk -a "$CODEBUILD_SRC_DIR" deploy --method=direct --express --rollback --require-approval never --exclusively $STACKS';
const step = (name: string) => [stepAnnouncement([name]), `./scripts/${name}.sh`];
/** Steps side by side, as the library's builds start them. */
const sideBySide = (...names: string[]) => [stepAnnouncement(names), ...names.map(name => startBeside(name, [`./scripts/${name}.sh`])), awaitBeside(names.map(n => [n, n]))];
const AWAIT_ACTIONS = '. "${TMPDIR:-/tmp}/gate-scripts/jobs/await-actions.sh"';
/** The wait for actions of the stage, as the library's builds start it. */
const awaiting = (stage: string, ...actions: string[]) => [AWAIT_ACTIONS, awaitCommand(stage, actions)];
/** The wait of the tests after deploy for their environment's deploy build to signal, as the library's builds start it. */
const awaitingReady = (stage: string, action: string) => [AWAIT_ACTIONS, awaitReadyCommand(stage, action)];
/** A deploy build's signal that its environment's tests may start, once it has deployed the stacks they need. */
const SIGNAL = [AWAIT_ACTIONS, SIGNAL_READY];
/** The search for the stacks the app no longer has, as the library's deploy builds run it after the signal. */
const ORPHAN_SEARCH = ['. "${TMPDIR:-/tmp}/gate-scripts/jobs/orphans.sh"', 'search_orphans'];
/** The deploy of the stacks no test needs, while the tests run. */
const DEPLOY_REST = 'cdk -a "$CODEBUILD_SRC_DIR" deploy --require-approval never --exclusively $REST_STACKS';

/**
 * A batch's build spec as the library's jobs have it: one build per entry of `stacks` (its STACKS;
 * none for a build that does not deploy; and its REST_STACKS, the entry of `rest`), running
 * `commands` after `installs`. A token in each build's variables makes it an `Fn::Join`, as in a real template.
 */
function batchSpec(stacks: Array<string | undefined>, commands: string[], installs = ['npm install -g aws-cdk@2'], rest: Array<string | undefined> = []) {
  const text = JSON.stringify({
    version: '0.2',
    batch: {
      'build-list': stacks.map((list, i) => ({
        identifier: `env${i}`,
        env: {
          variables: {
            DEPLOYMENT_ROLE_ARN: 'arn:<PARTITION>:iam::111111111111:role/deploy',
            ...list ? { STACKS: list } : {},
            ...rest[i] ? { REST_STACKS: rest[i] } : {},
          },
        },
      })),
    },
    phases: { install: { commands: installs }, build: { commands } },
  }, undefined, 2);
  return { 'Fn::Join': ['', text.split('<PARTITION>').flatMap((part, i) => (i === 0 ? [part] : [{ Ref: 'AWS::Partition' }, part]))] };
}

const CHAIN = 'Shop/Foundation Shop/Workload';
const SIDE = 'Shop/Foundation Shop/Extra';

/**
 * A pipeline of this library's jobs on the Shop stacks: one-build deploys of Foundation alone, with
 * Workload (which depends on it) and with Extra (which does not); a wave of three environments,
 * one of each; Prod with a change review, an approval and a deploy of the three stacks. No stage
 * tests (see the stages with test builds below).
 */
function libraryTemplate(deployWave: unknown = batchSpec(['Shop/Foundation', CHAIN, SIDE], [DEPLOY])) {
  const review = JSON.stringify({
    version: '0.2',
    phases: {
      install: { commands: ['npm install --no-save --prefix "$REVIEW_TOOLS" @aws-cdk/cloudformation-diff@2.187.5'] },
      build: {
        commands: [
          '. "${TMPDIR:-/tmp}/gate-scripts/jobs/change-review.sh"',
          'review_change "$CODEBUILD_SRC_DIR_Synth_Output"',
        ],
      },
    },
  });
  return {
    Resources: {
      Synth: project(),
      Alone: project(batchSpec(['Shop/Foundation'], [DEPLOY])),
      Chain: project(batchSpec([CHAIN], [DEPLOY])),
      Side: project(batchSpec([SIDE], [DEPLOY])),
      Direct: project(batchSpec([CHAIN], [DEPLOY_DIRECT])),
      WaveDeploy: project(deployWave),
      Review: project(review),
      ProdDeploy: project(batchSpec([`${CHAIN} Shop/Extra`], [DEPLOY])),
      Pipeline: {
        Type: 'AWS::CodePipeline::Pipeline',
        Properties: {
          Stages: [
            ...SOURCE_AND_BUILD,
            { Name: 'Alone', Actions: [batch('Deploy', 'Alone')] },
            { Name: 'Chain', Actions: [batch('Deploy', 'Chain')] },
            { Name: 'Side', Actions: [batch('Deploy', 'Side')] },
            { Name: 'Direct', Actions: [batch('Deploy', 'Direct')] },
            { Name: 'Wave', Actions: [batch('Deploy', 'WaveDeploy')] },
            {
              Name: 'Prod',
              Actions: [
                codeBuild('ChangeReview', 'Review', 1),
                { Name: 'Review', RunOrder: 2, ActionTypeId: { Category: 'Approval', Provider: 'Manual' } },
                batch('Deploy', 'ProdDeploy', 3),
              ],
            },
          ],
        },
      },
    },
  };
}

describe('estimatePipeline of this library\'s jobs', () => {
  const m = PIPELINE_MODEL;
  const assembly = shopAssembly();
  const estimate = estimatePipeline(libraryTemplate(), assembly, 'Prod');
  const job = (stageAndAction: string) => estimate.jobs.find(j => `${j.stage}/${j.action}` === stageAndAction)!;
  /** A stack's share of a deploy: publishing its assets (side by side, its template among them), creating and executing its change set. */
  const stack = (assets: number) => (assets > 0 ? m.perAssetSeconds : 0) + m.createChangeSetSeconds + m.executeChangeSetSeconds;
  const deployBuild = (chain: number) => m.codeBuildProvisioningSeconds + m.cliInstallSeconds + chain;
  const billed = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

  test('a batch counts one build per environment, to production and per commit', () => {
    expect(['Wave/Deploy', 'Prod/ChangeReview', 'Prod/Deploy'].map(j => [job(j).kind, job(j).builds]))
      .toEqual([['deploy job', 3], ['review', 1], ['deploy job', 1]]);
    // Synth, the four one-build deploys, the wave's 3, the review and Prod's deploy.
    expect(estimate.codeBuildJobs).toBe(1 + 4 + 3 + 1 + 1);
    expect(estimate.codeBuildJobsPerCommit).toBe(estimate.codeBuildJobs);
    expect(pathToProduction(libraryTemplate(), 'Wave').codeBuildJobs).toBe(1 + 4 + 3);
  });

  test('a deploy build takes its longest chain of stacks: a dependent stack adds its assets, change set and deploy; an independent one adds nothing', () => {
    expect(job('Alone/Deploy').seconds).toBe(deployBuild(stack(1)));
    expect(job('Chain/Deploy').seconds).toBe(deployBuild(stack(1) + stack(2)));
    expect(job('Side/Deploy').seconds).toBe(job('Alone/Deploy').seconds);
    expect(job('Prod/Deploy').seconds).toBe(job('Chain/Deploy').seconds);
  });

  test('a deploy without change sets (--method=direct) saves the change set of each stack of its chain, nothing else', () => {
    expect(job('Direct/Deploy').seconds).toBe(job('Chain/Deploy').seconds - 2 * m.createChangeSetSeconds);
  });

  test('a deploy in express mode (--express) runs each stack of its chain faster by expressSpeedup, nothing else', () => {
    const express = estimatePipeline(libraryTemplate(batchSpec([CHAIN], [DEPLOY_EXPRESS])), assembly, 'Prod').jobs.find(j => j.stage === 'Wave')!;
    // Foundation, then Workload: two stacks, each deployed in a quarter of the time.
    expect(express.seconds).toBe(job('Direct/Deploy').seconds - 2 * (m.executeChangeSetSeconds - m.executeChangeSetSeconds / 4));
    expect(m.expressSpeedup).toBe(4);
  });

  test('a batch lasts as long as its longest build and bills each of its builds', () => {
    const builds = [stack(1), stack(1) + stack(2), stack(1)].map(chain => deployBuild(chain));
    expect(job('Wave/Deploy').seconds).toBe(Math.max(...builds));
    expect(job('Wave/Deploy').billedMinutes).toBe(builds.map(billed).reduce((a, b) => a + b));
    // The review detects drift and lists the stacks the app no longer has before it compares the templates.
    expect(job('Prod/ChangeReview').seconds).toBe(m.codeBuildProvisioningSeconds + m.reviewInstallSeconds + m.driftDetectionSeconds + m.orphanSearchSeconds + m.reviewSeconds);
    const minutes = estimate.jobs.reduce((sum, j) => sum + j.billedMinutes!, 0);
    expect(estimate.billedBuildMinutesPerCommit).toBe(minutes);
    expect(minutes).toBeGreaterThan(estimate.jobs.length);
    expect(estimate.codeBuildUsdPerCommit).toBeCloseTo(minutes * m.pricePerBuildMinute.BUILD_GENERAL1_SMALL, 10);
  });

  test('the critical path takes each stage\'s run orders one after another, the approval waiting for no one', () => {
    expect(estimate.criticalPath.map(a => `${a.stage}/${a.action}`)).toEqual([
      'Source/repo', 'Build/Synth', 'Alone/Deploy', 'Chain/Deploy', 'Side/Deploy', 'Direct/Deploy', 'Wave/Deploy',
      'Prod/ChangeReview', 'Prod/Review', 'Prod/Deploy',
    ]);
    expect(estimate.leadTimeToProdMinutes).toBeCloseTo(estimate.criticalPath.reduce((sum, a) => sum + a.seconds, 0) / 60, 10);
  });

  test('a batch whose builds cannot be read, or a stack not in the assembly, is an error naming the action', () => {
    expect(() => estimatePipeline(libraryTemplate('buildspec-Wave-Deploy.yaml'), assembly, 'Prod'))
      .toThrow(/action Wave\/Deploy: cannot read the build spec/);
    expect(() => estimatePipeline(libraryTemplate(JSON.stringify({ version: '0.2', phases: { build: { commands: [DEPLOY] } } })), assembly, 'Prod'))
      .toThrow(/action Wave\/Deploy: a batch whose build spec has no batch.build-list/);
    expect(() => estimatePipeline(libraryTemplate(batchSpec(['Shop/Missing'], [DEPLOY])), assembly, 'Prod'))
      .toThrow(/action Wave\/Deploy: deploys stack Shop\/Missing, which is not in the cloud assembly/);
    expect(() => estimatePipeline(libraryTemplate(batchSpec([undefined], ['echo hello'])), assembly, 'Prod'))
      .toThrow(/action Wave\/Deploy: a batch that neither deploys/);
    expect(() => estimatePipeline(libraryTemplate(batchSpec([CHAIN], [DEPLOY, ...step('SmokeTests')])), assembly, 'Prod'))
      .toThrow(/action Wave\/Deploy: it runs `cdk deploy` and test steps in one build/);
  });
});

describe('estimatePipeline of a pipeline synthesized by the library', () => {
  const m = PIPELINE_MODEL;
  const app = new cdk.App({ outdir: newOutdir() });
  // Dev alone; Prod a wave of two regions, each with a workload that depends on its foundation and has a file asset.
  const dev = environment(app, EnvironmentTier.DEV, { cidr: '10.9.0.0/16' });
  const prod = ['eu-west-1', 'us-east-1'].map((region, i) => {
    const env = environment(app, EnvironmentTier.PROD, {
      environmentName: `prod-${region}`, region, availabilityZones: ['a', 'b', 'c'].map(zone => `${region}${zone}`), cidr: `10.${i}.0.0/16`,
    });
    const workload = new cdk.Stack(env, 'Workload');
    workload.addDependency(env.foundation);
    new s3assets.Asset(workload, 'Site', { path: path.join(__dirname, '..', 'support') });
    return env;
  });
  const pipeline = newPipeline(app);
  const releaseManagers = new iam.Role(cdk.Stack.of(pipeline), 'ReleaseManagers', { assumedBy: new iam.AccountRootPrincipal() });
  pipeline.addEnvironment(dev);
  pipeline.addWave('Prod', prod, { approvers: [releaseManagers], bakeAlarmNames: ['shop-errors'] });
  const assembly = app.synth();
  const estimate = estimatePipeline(assembly.getStackByName('Tooling').template, assembly.directory, 'Prod');

  test('reads each environment\'s build of a wave\'s deploy and of its tests, and its stacks from the nested assemblies', () => {
    const deploys = estimate.jobs.filter(j => j.action === 'Deploy' || j.action === 'TestsAfter');
    expect(deploys.map(j => [j.stage, j.action, j.kind, j.builds])).toEqual([
      ['dev', 'Deploy', 'deploy job', 1], ['dev', 'TestsAfter', 'test job', 1], ['Prod', 'Deploy', 'deploy job', 2], ['Prod', 'TestsAfter', 'test job', 2],
    ]);
    expect(estimate.codeBuildJobs).toBe(estimate.jobs.reduce((sum, j) => sum + j.builds!, 0));
    // At least the foundation and then the workload, each publishing its assets (side by side) and deployed without a change set.
    const chain = 2 * (m.perAssetSeconds + m.executeChangeSetSeconds);
    expect(deploys[2].seconds).toBeGreaterThanOrEqual(m.codeBuildProvisioningSeconds + m.cliInstallSeconds + chain);
    // The smoke tests start beside the deploy and wait for its signal, before its search for the stacks the app no longer has.
    expect(deploys[3].seconds).toBe(deploys[2].seconds - m.orphanSearchSeconds + m.awaitPollSeconds + m.shellStepSeconds);
    // On the path: the review (Dev has no approval, so it runs in Prod's stage), the approval, the deploy until its signal, then the tests.
    expect(estimate.criticalPath.filter(a => a.stage === 'Prod').map(a => [a.action, a.seconds])).toEqual([
      ['ChangeReview', expect.any(Number)], ['Review', 0], ['Deploy', deploys[2].seconds - m.orphanSearchSeconds], ['TestsAfter', m.awaitPollSeconds + m.shellStepSeconds],
    ]);
  });

  test('counts the builds a stage starts together, and those that wait in their build for another action of the stage, as their build specs do', () => {
    // Read from the template: the builds of each project whose build spec calls await_actions or await_ready (the stage's own waits).
    const tooling = assembly.getStackByName('Tooling').template;
    const waits = waitingActions(tooling).filter(w => w.pipeline === mainPipeline(tooling));
    // Dev's and each Prod environment's tests wait for their deploy.
    expect(waits.map(w => `${w.stage.Name}/${w.action.Name}`)).toEqual(['dev/TestsAfter', 'Prod/TestsAfter']);
    const { concurrency } = estimate;
    expect(concurrency.mostWaitingBuildsInAStage).toBe(2);
    // Prod's stage starts its two deploy builds and its two test builds together (its review runs in the run order before).
    expect(concurrency.mostBuildsStartedTogether).toBe(4);
    // A run of every pipeline: the main pipeline's three, and nothing more (this app has no hotfix lane).
    expect(concurrency.waitingBuildsInAllPipelines).toBe(3);
    expect(leastQuotaOf(concurrency, false)).toBe(3);
    expect(leastQuotaOf(concurrency, true)).toBe(4);
  });
});

describe('estimatePipeline of a stage whose builds start together and wait for each other', () => {
  const m = PIPELINE_MODEL;
  const stack = (assets: number) => (assets > 0 ? m.perAssetSeconds : 0) + m.createChangeSetSeconds + m.executeChangeSetSeconds;
  const chain = stack(1) + stack(2);
  /**
   * A stage 'Shop' of the library's batches: tests before deploy, the deploy of CHAIN, its signal, the search for orphaned
   * stacks and the deploy of Extra while the tests after deploy run, which wait for the signal.
   */
  const estimateWith = (before: string[], after: string[]) => estimatePipeline({
    Resources: {
      Synth: project(),
      Before: project(batchSpec([undefined], before, [])),
      Deploy: project(batchSpec([CHAIN], [...before.length > 0 ? awaiting('Shop', 'TestsBefore') : [], DEPLOY, ...SIGNAL, ...ORPHAN_SEARCH, DEPLOY_REST],
        ['npm install -g aws-cdk@2'], ['Shop/Extra'])),
      After: project(batchSpec([undefined], [...awaitingReady('Shop', 'Deploy'), ...after], [])),
      Pipeline: {
        Type: 'AWS::CodePipeline::Pipeline',
        Properties: {
          Stages: [...SOURCE_AND_BUILD, {
            Name: 'Shop',
            Actions: [...before.length > 0 ? [batch('TestsBefore', 'Before')] : [], batch('Deploy', 'Deploy'), batch('TestsAfter', 'After')],
          }],
        },
      },
    },
  }, shopAssembly(), 'Shop');
  const ofStage = (e: PipelineEstimate) => Object.fromEntries(e.jobs.filter(j => j.stage === 'Shop').map(j => [j.action, j]));

  test('a deploy lasts its CLI\'s install, its chain of stacks the tests need, its search for orphaned stacks, then the stacks no test needs', () => {
    const { Deploy } = ofStage(estimateWith([], step('SmokeTests')));
    expect(Deploy.seconds).toBe(m.codeBuildProvisioningSeconds + m.cliInstallSeconds + chain + m.orphanSearchSeconds + stack(1));
  });

  test('a build that waits for its environment\'s deploy starts its work once the deploy has signalled and the signal been seen, and is billed for its wait', () => {
    const e = estimateWith([], step('SmokeTests'));
    const { Deploy, TestsAfter } = ofStage(e);
    const signalled = m.codeBuildProvisioningSeconds + m.cliInstallSeconds + chain;
    expect(TestsAfter.seconds).toBe(signalled + m.awaitPollSeconds + m.shellStepSeconds);
    expect(TestsAfter.billedMinutes).toBe(Math.ceil(TestsAfter.seconds / 60));
    // The orphan search and Extra's deploy (170 s) take longer than the poll and one test (135 s): the deploy ends the stage.
    expect(Deploy.seconds).toBeGreaterThan(TestsAfter.seconds);
    expect(e.criticalPath.filter(a => a.stage === 'Shop').map(a => [a.action, a.seconds])).toEqual([['Deploy', Deploy.seconds]]);
    // Tests longer than the rest of the deploy end the stage: on the path, the deploy until its signal, then the tests.
    const longer = estimateWith([], [...step('SmokeTests'), ...step('LoadTests')]);
    expect(longer.criticalPath.filter(a => a.stage === 'Shop').map(a => [a.action, a.seconds]))
      .toEqual([['Deploy', signalled], ['TestsAfter', m.awaitPollSeconds + 2 * m.shellStepSeconds]]);
  });

  test('in a wave, each environment\'s test build starts on the signal of its own environment\'s deploy build', () => {
    // Two environments: the first deploys the chain, the second the foundation alone, so it signals first.
    const e = estimatePipeline({
      Resources: {
        Synth: project(),
        Deploy: project(batchSpec([CHAIN, 'Shop/Foundation'], [DEPLOY, ...SIGNAL])),
        After: project(batchSpec([undefined, undefined], [...awaitingReady('Shop', 'Deploy'), ...step('SmokeTests')], [])),
        Pipeline: {
          Type: 'AWS::CodePipeline::Pipeline',
          Properties: { Stages: [...SOURCE_AND_BUILD, { Name: 'Shop', Actions: [batch('Deploy', 'Deploy'), batch('TestsAfter', 'After')] }] },
        },
      },
    }, shopAssembly(), 'Shop');
    const installed = m.codeBuildProvisioningSeconds + m.cliInstallSeconds;
    const ends = [installed + chain, installed + stack(1)].map(signal => signal + m.awaitPollSeconds + m.shellStepSeconds);
    const { TestsAfter } = ofStage(e);
    expect(TestsAfter.seconds).toBe(Math.max(...ends));
    expect(TestsAfter.billedMinutes).toBe(ends.reduce((sum, end) => sum + Math.ceil(end / 60), 0));
  });

  test('counts tests side by side as one step, and steps one after another each', () => {
    const after = (steps: string[]) => ofStage(estimateWith([], steps)).TestsAfter.seconds;
    expect(after(sideBySide('SmokeTests', 'LoadTests'))).toBe(after(step('SmokeTests')));
    expect(after([...step('SeedData'), ...sideBySide('SmokeTests', 'LoadTests')])).toBe(after([...step('SmokeTests'), ...step('LoadTests')]));
    expect(after([...step('SmokeTests'), ...step('LoadTests')])).toBe(after(step('SmokeTests')) + m.shellStepSeconds);
  });

  test('a deploy that waits for the tests before it deploys once they have ended, or once its CLI is installed, whichever is later', () => {
    const e = estimateWith(step('DataMigrationTests'), step('SmokeTests'));
    const { TestsBefore, Deploy } = ofStage(e);
    expect(TestsBefore.seconds).toBe(m.codeBuildProvisioningSeconds + m.shellStepSeconds);
    expect(Deploy.seconds).toBe(TestsBefore.seconds + m.awaitPollSeconds + chain + m.orphanSearchSeconds + stack(1));
    expect(e.criticalPath.filter(a => a.stage === 'Shop').map(a => a.action)).toEqual(['TestsBefore', 'Deploy']);
  });
});

describe('buildConcurrency of the reference app, whose hotfix lane repeats production', () => {
  const app = new cdk.App({ outdir: newOutdir(), context: FEATURE_FLAGS });
  buildReferenceApp(app);
  const tooling = app.synth().getStackByName('Tooling').template;
  const toolingStack = app.node.findAll().find((c): c is cdk.Stack => c instanceof cdk.Stack && c.stackName === 'Tooling')!;

  test('counts the waiting builds of every pipeline, the hotfix lane\'s with the main one\'s, as their build specs call await_actions or await_ready', () => {
    const waits = waitingActions(tooling);
    const main = waits.filter(w => w.pipeline === mainPipeline(tooling));
    // Each environment's tests in the main pipeline, and Staging's deploy (after its tests before); the hotfix lane's Hotfix and production tests.
    expect(main.map(w => `${w.stage.Name}/${w.action.Name}`)).toEqual(expect.arrayContaining(['Staging/Deploy', 'Staging/TestsAfter', 'Prod/TestsAfter']));
    expect(waits.length).toBeGreaterThan(main.length);
    const concurrency = buildConcurrency(tooling);
    expect(concurrency.waitingBuildsInAllPipelines).toBe(waits.reduce((sum, w) => sum + w.builds, 0));
    expect(concurrency.mostWaitingBuildsInAStage).toBe(2);
    expect(leastQuotaOf(concurrency, true)).toBe(concurrency.waitingBuildsInAllPipelines + 1);
  });

  test('is what synthesis tells the app\'s developer, in the tooling stack\'s region', () => {
    const concurrency = buildConcurrency(tooling);
    const [note, ...more] = Annotations.fromStack(toolingStack).findInfo('*', Match.stringLikeRegexp(BUILD_CONCURRENCY_NOTICE)).map(i => i.entry.data);
    expect(more).toEqual([]);
    expect(note).toContain('of the tooling account\'s CodeBuild quotas in eu-west-1, the quota "Concurrently running builds for Linux/Small environment" '
      + `(LINUX_CONTAINER/BUILD_GENERAL1_SMALL, quota code L-9D07B6EF) at least ${leastQuotaOf(concurrency, false)} for one commit at a time `
      + `and ${leastQuotaOf(concurrency, true)} for commits in quick succession`);
    // Staging's deploy and tests after in a stage; Dev's, QA's, Staging's (2), Prod's and prod-us-east-1's tests, and the hotfix lane's 3, in a run.
    expect([leastQuotaOf(concurrency, false), leastQuotaOf(concurrency, true)]).toEqual([3, 10]);
  });
});
