import * as fs from 'fs';
import * as path from 'path';
import { AssetManifestArtifact, CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { hasPlan, planOf } from './job-plans';
import {
  actionsByRunOrder, awaitedBy, awaitsReadiness, batchBuildsOf, buildsOf, buildSpecOf, isBatch, mainPipeline, PathToProduction, pathToProduction,
  PipelineAction, PipelineStage, projectOf,
} from '../examples/pipeline-path';
import { SIGNAL_READY } from '../src/pipeline/awaited-actions';
import { leastBuildQuota } from '../src/pipeline/build-concurrency';
import { CODEBUILD_PRICES, CODEPIPELINE_PRICES } from '../src/pipeline/private/list-prices';
import { STEP_ANNOUNCEMENT } from '../src/pipeline/test-builds';

/**
 * The model behind the estimated lead time and CodeBuild cost of a commit. The pipeline's shape
 * (which actions, in which order, on which compute type) is read from the synthesized template;
 * how long each kind of action takes is assumed here, the same for this library and for plain
 * CDK Pipelines, so the comparison measures the shape and not the assumptions.
 *
 * CodeBuild bills each build from the moment it is submitted (provisioning included) to its end,
 * rounded up to the next whole minute: every build costs at least one billed minute. A batch action
 * (this library's deploys and tests: one build per environment) runs its builds side by side: it
 * lasts as long as its longest build, and each of its builds is billed. Prices are
 * on-demand Linux list prices per build-minute (src/pipeline/private/list-prices.ts), which the
 * pipeline's own delivery metrics price its builds with too.
 */
export const PIPELINE_MODEL = {
  pricesRead: CODEBUILD_PRICES.read,
  priceRegion: CODEBUILD_PRICES.region,
  pricePerBuildMinute: CODEBUILD_PRICES.perBuildMinute,
  /** A V2 pipeline's price per action-execution minute; a V1 pipeline is billed by the month instead. */
  pricePerActionMinute: CODEPIPELINE_PRICES.perActionMinute,
  /** Queueing and provisioning of an on-demand CodeBuild container, before the first command (billed). */
  codeBuildProvisioningSeconds: 60,
  /** `npm ci`, the unit tests and `cdk synth` of a small app. */
  synthSeconds: 180,
  /** `npm install -g aws-cdk` and a `cdk deploy` of the unchanged pipeline stack. */
  selfMutationSeconds: 90,
  /**
   * `npm install -g cdk-assets` in an asset job, and then each asset it publishes (an asset to each
   * destination), one after another; `cdk deploy` publishes a stack's assets side by side (the
   * CLI's asset parallelism), in the time of one.
   */
  assetJobInstallSeconds: 30,
  perAssetSeconds: 10,
  /** `npm install -g aws-cdk` in a job that deploys or reviews with the CDK CLI. */
  cliInstallSeconds: 30,
  /** `npm install @aws-cdk/cloudformation-diff` in the change review (9 s on the machine the bench ran on). */
  reviewInstallSeconds: 10,
  /** A change review after its install: reading each deployed template and comparing it with the synthesized one. */
  reviewSeconds: 30,
  /** CloudFormation's drift detection of the reviewed stacks, side by side, before the review. */
  driftDetectionSeconds: 60,
  /**
   * Finding the stacks an environment no longer has (DescribeStacks of a region, the orphan script)
   * and starting their deletion (DeleteStack returns at once): at the end of a deploy build, or in
   * the job that lists them before an approval.
   */
  orphanSearchSeconds: 10,
  /**
   * Each test, data-seed or other shell step: the same commands in both pipelines (a CDK Pipelines
   * action each, or in an environment's build, each step, or steps side by side, announced by `echo "== <steps> of ... =="`).
   */
  shellStepSeconds: 120,
  sourceSeconds: 10,
  /** CloudFormation: creating a change set, executing it (one stack; by CDK Pipelines' two actions, or by `cdk deploy`). */
  createChangeSetSeconds: 30,
  executeChangeSetSeconds: 120,
  /**
   * How much faster a stack operation is in CloudFormation's express mode (`cdk deploy --express`,
   * the tiers with `expressDeployments`): AWS's own figure, "up to 4x faster" (the announcement, as
   * AWS's SAM CLI repeats it: github.com/aws/aws-sam-cli/issues/9110; AWS CloudFormation User Guide,
   * "Deploy AWS CloudFormation stacks faster with express mode",
   * docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-express-mode.html). An
   * upper bound: the lead time it gives is the best case of those tiers' deploys.
   */
  expressSpeedup: 4,
  /**
   * How long a build that waits for another action of its stage takes to see it succeeded: it asks
   * CodePipeline every 10 s (`await_actions`), and CodePipeline learns of a CodeBuild action's end
   * by polling CodeBuild; assumed 15 s on average, not measured. A test build that waits for its
   * environment's deploy build to signal (`await_ready`) looks for the signal in S3 every 10 s;
   * assumed the same.
   */
  awaitPollSeconds: 15,
  /** A manual approval: the human wait is not modelled (0 s); approvals are counted instead. */
  approvalSeconds: 0,
  /** Anything else. */
  otherActionSeconds: 10,
};

type Kind = 'source' | 'synth' | 'self-mutation' | 'assets' | 'shell step' | 'change set' | 'deploy' | 'deploy job' | 'test job' | 'review' | 'orphan listing' | 'approval' | 'other';

/** One action of the pipeline with its modelled duration. */
export interface ModelledAction {
  readonly stage: string;
  readonly action: string;
  readonly kind: Kind;
  /**
   * For a batch, its longest build's, from the start of its run order. On the critical path, an
   * action that waits for another of its stage counts from that one's end.
   */
  readonly seconds: number;
  /** The actions of its stage it starts beside and waits for (`await_actions` in its build). */
  readonly awaits?: string[];
  /**
   * Whether it waits only until the deploy it awaits has deployed the stacks the tests need
   * (`await_ready`: its builds' `signal_ready`), rather than for the deploy's end.
   */
  readonly awaitsReady?: boolean;
  /** For a deploy whose builds signal the tests, when the last of them signals, from the start of its run order. */
  readonly signalSeconds?: number;
  /** For CodeBuild actions: the builds it starts (a batch's side by side), the compute type, the billed minutes (of all its builds) and their price. */
  readonly builds?: number;
  readonly computeType?: string;
  readonly billedMinutes?: number;
  readonly usd?: number;
}

/** A commit's way to production through one pipeline, counted and estimated. */
export interface PipelineEstimate extends PathToProduction {
  /** CodeBuild builds one commit starts in the whole run (stages after production included). */
  readonly codeBuildJobsPerCommit: number;
  readonly computeTypes: string[];
  /** The actions that set the pace: per stage and run order, the longest. */
  readonly criticalPath: ModelledAction[];
  /** From commit to production's last deployment and tests, excluding the human wait of approvals. */
  readonly leadTimeToProdMinutes: number;
  /** Production's alarm-watched bake period after that, before the stage counts as succeeded. */
  readonly bakeMinutes: number;
  /** The bake periods of the stages before it (a production wave's pilot), which the lead time leaves out too. */
  readonly bakeOnTheWayMinutes: number;
  readonly billedBuildMinutesPerCommit: number;
  readonly codeBuildUsdPerCommit: number;
  /**
   * CodePipeline's billed action-execution minutes of a commit: every action of the run but manual
   * approvals, each rounded up to a whole minute (src/pipeline/private/list-prices.ts), for a V2
   * pipeline; 0 for a V1 pipeline, which is billed by the month.
   */
  readonly billedActionMinutesPerCommit: number;
  readonly actionUsdPerCommit: number;
  /** Every CodeBuild action of a commit, with its builds and their billed minutes. */
  readonly jobs: ModelledAction[];
  /** CodeBuild's concurrent builds: what this pipeline, and the template's other pipelines, start and hold at once (`buildConcurrency`). */
  readonly concurrency: BuildConcurrency;
}

/**
 * What CodeBuild's concurrent-build quota for the builds' compute type must hold. CodeBuild queues
 * a build past the quota and starts queued builds in no predictable order (AWS CodeBuild User
 * Guide, "Builds in AWS CodeBuild", docs.aws.amazon.com/codebuild/latest/userguide/builds-working.html),
 * and a build that waits in its build for another action of its stage (`await_actions`,
 * `await_ready`) holds its place while it waits: with no more places than waiting builds, the
 * waiting ones can hold them all while the builds they wait for are queued, until they time out.
 */
export interface BuildConcurrency {
  /** The most builds one stage of the main pipeline starts together (its actions of one run order, a batch's builds side by side). */
  readonly mostBuildsStartedTogether: number;
  /** The builds of the busiest stage of any pipeline (one commit at a time, in either lane) that wait in their build for another action of the stage. */
  readonly mostWaitingBuildsInAStage: number;
  /** The builds that wait so over a whole run of every pipeline of the template (the hotfix lane's with the main pipeline's). */
  readonly waitingBuildsInAllPipelines: number;
}

/** `BuildConcurrency`, read from each CodeBuild action's project and build spec in the template. */
export function buildConcurrency(template: any): BuildConcurrency {
  type Group = Array<{ stage: PipelineStage; action: PipelineAction }>;
  const groups = (pipeline: { Stages: PipelineStage[] }): Group[] => pipeline.Stages.flatMap(stage => actionsByRunOrder(stage)
    .map(group => group.map(action => ({ stage, action }))));
  const builds = (group: Group) => group.reduce((sum, { stage, action }) => sum + buildsOf(template, stage, action), 0);
  const waiting = (group: Group) => builds(group.filter(({ stage, action }) => awaitedBy(template, stage, action).length > 0));
  const main = groups(mainPipeline(template));
  const every = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::CodePipeline::Pipeline').flatMap(r => groups(r.Properties));
  return {
    mostBuildsStartedTogether: Math.max(...main.map(builds)),
    mostWaitingBuildsInAStage: Math.max(...every.map(waiting)),
    waitingBuildsInAllPipelines: every.reduce((sum, group) => sum + waiting(group), 0),
  };
}

/**
 * The least concurrent-build quota under which the builds that wait for another of their stage
 * cannot hold every place (src/pipeline/build-concurrency.ts), for the waiting builds of the
 * busiest stage of any pipeline (one commit at a time), or of a whole run of every pipeline (every
 * stage busy with another commit); 1 where no build waits.
 */
export function leastQuotaOf(c: BuildConcurrency, everyStageBusy: boolean): number {
  return leastBuildQuota(everyStageBusy ? c.waitingBuildsInAllPipelines : c.mostWaitingBuildsInAStage);
}

/** A stack of the cloud assembly by its path in the app (`Prod/Workload`), if there is one. */
type StackAt = (stackPath: string) => CloudFormationStackArtifact | undefined;

/**
 * Estimates the main pipeline of a tooling stack's template. `assemblyDir` is where the template
 * was synthesized: CDK Pipelines writes long build specs (the asset jobs') into files beside it,
 * and the stacks a job deploys, their dependencies and assets are read from its cloud assembly.
 */
export function estimatePipeline(template: any, assemblyDir: string, production: string): PipelineEstimate {
  const pipeline = mainPipeline(template);
  const counts = pathToProduction(template, production);
  let stacks: Map<string, CloudFormationStackArtifact> | undefined;
  const stackAt: StackAt = stackPath => (stacks ??= stacksByPath(assemblyDir)).get(stackPath);
  const model = (stage: PipelineStage, a: PipelineAction) => modelAction(template, assemblyDir, stackAt, stage, a);
  const toProd = pipeline.Stages.slice(0, counts.stages.length);

  const criticalPath: ModelledAction[] = [];
  for (const stage of toProd) {
    for (const actions of actionsByRunOrder(stage)) {
      const group = timed(actions.map(a => model(stage, a)));
      // The action that ends last, after the actions it waited for, each counted from the end of the one before.
      const chain: ModelledAction[] = [];
      for (let last: ModelledAction | undefined = group.reduce((a, b) => (b.seconds > a.seconds ? b : a)); last;) {
        chain.unshift(last);
        const awaited = group.filter(a => last!.awaits?.includes(a.action));
        last = awaited.length > 0 ? awaited.reduce((a, b) => (b.seconds > a.seconds ? b : a)) : undefined;
      }
      // Each on the path until the next starts its work: an awaited action's end, or where the next awaits readiness, its signal.
      const until = (i: number) => (chain[i + 1]?.awaitsReady ? chain[i].signalSeconds! : chain[i].seconds);
      criticalPath.push(...chain.map((a, i) => ({ ...a, seconds: until(i) - (i > 0 ? until(i - 1) : 0) })));
    }
  }
  const bakeOf = (stage: PipelineStage) => Math.max(0, ...(stage.OnSuccess?.Conditions ?? [])
    .flatMap((c: any) => c.Rules ?? [])
    .map((r: any) => Number(r.Configuration?.WaitTime ?? 0)));
  const bakeMinutes = bakeOf(toProd[toProd.length - 1]);
  const bakeOnTheWayMinutes = toProd.slice(0, -1).reduce((sum, stage) => sum + bakeOf(stage), 0);

  const actions = pipeline.Stages.flatMap(s => timed(s.Actions.map(a => model(s, a))));
  const jobs = actions.filter(a => a.computeType !== undefined);
  const billedActionMinutes = pipeline.PipelineType !== 'V2' ? 0 : actions
    .filter(a => a.kind !== 'approval')
    .reduce((sum, a) => sum + Math.max(1, Math.ceil(a.seconds / 60)), 0);
  return {
    ...counts,
    codeBuildJobsPerCommit: jobs.reduce((sum, j) => sum + j.builds!, 0),
    computeTypes: [...new Set(jobs.map(j => j.computeType!))],
    criticalPath,
    leadTimeToProdMinutes: criticalPath.reduce((sum, a) => sum + a.seconds, 0) / 60,
    bakeMinutes,
    bakeOnTheWayMinutes,
    billedBuildMinutesPerCommit: jobs.reduce((sum, j) => sum + j.billedMinutes!, 0),
    codeBuildUsdPerCommit: jobs.reduce((sum, j) => sum + j.usd!, 0),
    billedActionMinutesPerCommit: billedActionMinutes,
    actionUsdPerCommit: billedActionMinutes * PIPELINE_MODEL.pricePerActionMinute,
    jobs,
    concurrency: buildConcurrency(template),
  };
}

function modelAction(template: any, assemblyDir: string, stackAt: StackAt, stage: PipelineStage, action: PipelineAction): UntimedAction {
  const m = PIPELINE_MODEL;
  const base = { stage: stage.Name, action: action.Name };
  const { Category: category, Provider: provider } = action.ActionTypeId;
  if (category === 'Source') return { ...base, kind: 'source', seconds: m.sourceSeconds };
  if (category === 'Approval') return { ...base, kind: 'approval', seconds: m.approvalSeconds };
  if (provider === 'CloudFormation') {
    const execute = action.Configuration?.ActionMode === 'CHANGE_SET_EXECUTE';
    return { ...base, kind: execute ? 'deploy' : 'change set', seconds: execute ? m.executeChangeSetSeconds : m.createChangeSetSeconds };
  }
  if (provider !== 'CodeBuild') return { ...base, kind: 'other', seconds: m.otherActionSeconds };

  const project = projectOf(template, stage, action);
  const computeType: string = project.Properties.Environment.ComputeType;
  const price = m.pricePerBuildMinute[computeType];
  if (price === undefined) throw new Error(`action ${stage.Name}/${action.Name}: no price for compute type ${computeType}; add it to PIPELINE_MODEL.pricePerBuildMinute`);
  let kind: Kind;
  // Per build, after provisioning: its install (before any wait), then its work, and for a deploy
  // build that signals the tests, how far into its work it signals.
  let work: Array<[number, number, number?]>;
  let awaits: string[] | undefined;
  let awaitsReady: boolean | undefined;
  if (stage.Name === 'Build') {
    [kind, work] = ['synth', [[0, m.synthSeconds]]];
  } else if (stage.Name === 'UpdatePipeline') {
    [kind, work] = ['self-mutation', [[0, m.selfMutationSeconds]]];
  } else if (stage.Name === 'Assets') {
    [kind, work] = ['assets', [[0, m.assetJobInstallSeconds + m.perAssetSeconds * assetsPublished(project, assemblyDir)]]];
  } else {
    [kind, work] = jobWork(template, assemblyDir, stackAt, stage, action);
    awaits = awaitedBy(template, stage, action);
    awaitsReady = awaitsReadiness(template, stage, action) || undefined;
  }
  const timing = work.map(([ready, rest, signal]) => ({ ready: m.codeBuildProvisioningSeconds + ready, work: rest, signal }));
  const seconds = Math.max(...timing.map(b => b.ready + b.work));
  return { ...base, kind, seconds, builds: timing.length, computeType, awaits, awaitsReady, timing, price };
}

/**
 * An action as modelled before `timed` places it in its stage: per build, when it is ready to
 * wait, its work after, and where it signals the tests, how far into its work.
 */
interface UntimedAction extends ModelledAction {
  readonly timing?: Array<{ ready: number; work: number; signal?: number }>;
  readonly price?: number;
}

/**
 * The actions of one stage with their times from the start of their run order and their billed
 * minutes: a build that waits for other actions (`awaits`) starts its work once it is ready (provisioned,
 * installed) and the awaited actions have ended, or where it awaits readiness, once the awaited
 * action's build of its environment (the build at the same place in the batch: both list the
 * environments in one order) has signalled; plus one poll. It is billed for its whole time, the wait
 * included (CodeBuild bills from submission to end).
 */
function timed(actions: UntimedAction[]): ModelledAction[] {
  const m = PIPELINE_MODEL;
  const ends = new Map<string, number>();
  const awaitedIn = (action: UntimedAction) => actions.filter(a => action.awaits?.includes(a.action));
  // When an action's builds may start their work (its build `i`, where it awaits readiness): once what it awaits has ended, or signalled.
  const startOf = (action: UntimedAction, i = 0): number => Math.max(0, ...awaitedIn(action)
    .map(a => (action.awaitsReady ? signalOf(a, i) : endOf(a)) + m.awaitPollSeconds));
  const buildEnd = (action: UntimedAction, b: { ready: number; work: number }, i: number) => Math.max(b.ready, startOf(action, i)) + b.work;
  const endOf = (action: UntimedAction): number => {
    if (!ends.has(action.action)) {
      const { timing } = action;
      ends.set(action.action, timing ? Math.max(...timing.map((b, i) => buildEnd(action, b, i))) : startOf(action) + action.seconds);
    }
    return ends.get(action.action)!;
  };
  // When build `i` of an action signals (its last build, where the other batch has more).
  const signalOf = (action: UntimedAction, i: number): number => {
    const timing = action.timing ?? [];
    const b = timing[Math.min(i, timing.length - 1)];
    return Math.max(b.ready, startOf(action)) + (b.signal ?? b.work);
  };
  return actions.map(action => {
    const { timing, price, ...rest } = action;
    if (!timing) return rest;
    const billedMinutes = timing.reduce((sum, b, i) => sum + Math.max(1, Math.ceil(buildEnd(action, b, i) / 60)), 0);
    const signals = timing.some(b => b.signal !== undefined);
    return {
      ...rest,
      seconds: endOf(action),
      ...signals ? { signalSeconds: Math.max(...timing.map((_, i) => signalOf(action, i))) } : {},
      billedMinutes,
      usd: billedMinutes * price!,
    };
  });
}

/**
 * The kind and the work of each build of a CodeBuild action in a deploying stage, by what its build
 * spec runs: this library's deploy builds install the CDK CLI, then deploy with `cdk deploy` (the
 * stacks in each build's `STACKS`; where tests follow, `signal_ready` and then the stacks no test
 * needs, in `REST_STACKS`), search for the stacks the app no longer has and start their deletion
 * (which takes no time); its test builds run the user's steps, each step, or group of steps side
 * by side, announced by `echo "== <steps> of $ENVIRONMENT_NAME ==="` and lasting one shell step. A change review runs
 * `@aws-cdk/cloudformation-diff` (what `cdk diff` is built on). A batch runs one build per entry of
 * its build list. Any other action is one of CDK Pipelines' shell steps.
 */
function jobWork(template: any, assemblyDir: string, stackAt: StackAt, stage: PipelineStage,
  action: PipelineAction): [Kind, Array<[number, number, number?]>] {
  const m = PIPELINE_MODEL;
  const where = `action ${stage.Name}/${action.Name}`;
  const spec = buildSpecOf(template, stage, action);
  const commandsOf = (phase: string): string[] => spec.phases?.[phase]?.commands ?? [];
  const commands: string[] = Object.keys(spec.phases ?? {}).flatMap(commandsOf);
  // Each build's variables, with what it reads from the job's plan for its environment.
  const builds: Array<Record<string, string | string[]>> = isBatch(action) ? batchBuildsOf(template, stage, action)
    .map(b => (hasPlan(spec) ? { ...b.env?.variables, ...planOf(spec, assemblyDir, b.identifier) } : b.env?.variables ?? {})) : [{}];
  // The stack clean-up of a deploy build is announced like a step, but is a search, not a test; it
  // runs in the install phase (before any wait) or in the build phase.
  const cleanupIn = (phase: string) => commandsOf(phase).some(c => c.startsWith('search_orphans')) ? m.orphanSearchSeconds : 0;
  const steps = m.shellStepSeconds * commands.filter(c => STEP_ANNOUNCEMENT.test(c) && !c.includes('StackCleanup')).length;
  // Each `cdk deploy` of the stacks a variable names, in order: the stacks the tests need, then those no test needs.
  const deploys = commands.map(c => /\bcdk\s.*\sdeploy\s.*\$(\w*STACKS)"?$/.exec(c)).filter((d): d is RegExpExecArray => d !== null);
  if (deploys.length > 0) {
    if (steps > 0) throw new Error(`${where}: it runs \`cdk deploy\` and test steps in one build`);
    const direct = /--method=direct/.test(deploys[0][0]);
    const express = /--express\b/.test(deploys[0][0]);
    const signals = commands.includes(SIGNAL_READY);
    return ['deploy job', builds.map(variables => {
      if (typeof variables.STACKS !== 'string') throw new Error(`${where}: it runs \`cdk deploy\`, but not in a batch whose builds each name their stacks in a STACKS variable (of the build, or of its plan)`);
      const [first, ...then] = deploys.map(([, name]) => deploySeconds(stackAt, String(variables[name] ?? '').split(/\s+/).filter(Boolean), { direct, express }, where));
      const work = first + then.reduce((sum, seconds) => sum + seconds, 0) + cleanupIn('build');
      return [m.cliInstallSeconds + cleanupIn('install'), work, ...signals ? [first] : []] as [number, number, number?];
    })];
  }
  if (commands.some(c => c.includes('@aws-cdk/cloudformation-diff@'))) {
    // `review_change` (src/pipeline/jobs/change-review.sh) detects every stack's drift and lists the orphans before it reviews.
    const reviews = commands.some(c => c.startsWith('review_change '));
    const [drift, orphans] = reviews ? [m.driftDetectionSeconds, m.orphanSearchSeconds] : [0, 0];
    return ['review', builds.map(() => [m.reviewInstallSeconds, drift + orphans + m.reviewSeconds])];
  }
  if (commands.some(c => c.startsWith('list_orphans '))) return ['orphan listing', [[0, m.orphanSearchSeconds]]];
  if (isBatch(action)) {
    if (steps === 0) throw new Error(`${where}: a batch that neither deploys (cdk deploy ... $STACKS) nor runs announced steps`);
    return ['test job', builds.map(() => [0, steps])];
  }
  return ['shell step', [[0, m.shellStepSeconds]]];
}


/**
 * How long `cdk deploy` of some stacks (by their paths) takes: the CLI deploys each stack once the
 * stacks it depends on among them are deployed, independent stacks side by side, so the longest
 * chain of dependent stacks. Each stack publishes its assets (side by side: the CLI's asset
 * parallelism), then creates and executes a change set, or with `--method=direct` updates the
 * stack without one (as long as executing a change set); with `--express`, faster by `expressSpeedup`.
 */
function deploySeconds(stackAt: StackAt, stackPaths: string[], mode: { direct: boolean; express: boolean }, where: string): number {
  const m = PIPELINE_MODEL;
  const chains = new Map<string, number>();
  const chain = (stackPath: string): number => {
    if (!chains.has(stackPath)) {
      const stack = stackAt(stackPath);
      if (!stack) throw new Error(`${where}: deploys stack ${stackPath}, which is not in the cloud assembly`);
      const before = stack.dependencies.filter(d => CloudFormationStackArtifact.isCloudFormationStackArtifact(d))
        .map(d => d.hierarchicalId).filter(d => stackPaths.includes(d));
      const own = (assetsOf(stack) > 0 ? m.perAssetSeconds : 0) + (mode.direct ? 0 : m.createChangeSetSeconds)
        + m.executeChangeSetSeconds / (mode.express ? m.expressSpeedup : 1);
      chains.set(stackPath, Math.max(0, ...before.map(chain)) + own);
    }
    return chains.get(stackPath)!;
  };
  return Math.max(0, ...stackPaths.map(chain));
}

/** The stacks of a cloud assembly, nested assemblies included, by their path in the app (as `cdk list` shows them). */
function stacksByPath(assemblyDir: string): Map<string, CloudFormationStackArtifact> {
  return new Map(new CloudAssembly(assemblyDir).stacksRecursively.map(stack => [stack.hierarchicalId, stack]));
}

/**
 * The assets `cdk deploy` publishes for a stack: each file and image of its asset manifest, to each
 * destination; its template among them (CDK Pipelines' change set action reads it from the pipeline's artifact instead).
 */
function assetsOf(stack: CloudFormationStackArtifact): number {
  return stack.dependencies.filter(AssetManifestArtifact.isAssetManifestArtifact)
    .flatMap(manifest => [...Object.values(manifest.contents.files ?? {}), ...Object.values(manifest.contents.dockerImages ?? {})])
    .reduce((sum, asset) => sum + Object.keys(asset.destinations).length, 0);
}

/** How many `cdk-assets publish` commands an asset job runs: its build spec is inline or in a file of the assembly. */
function assetsPublished(project: any, assemblyDir: string): number {
  const spec: string = project.Properties.Source.BuildSpec;
  const text = spec.trim().startsWith('{') || spec.includes('\n') ? spec : fs.readFileSync(path.join(assemblyDir, spec), 'utf-8');
  return (text.match(/cdk-assets [^\n]*publish/g) ?? []).length;
}
