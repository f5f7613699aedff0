// DORA's four keys per tier, and the billed cost of a commit, from the CodePipeline and CodeBuild
// events of the app's pipelines (their fields: recorded-events.ts; the record: ../delivery-events.ts).
// Pure: no AWS SDK, no I/O; metrics-handler.ts reads the events and publishes what this returns.
//
// What the events do not say directly is decided here:
// - An execution deploys a tier when every stage of that tier it ran has succeeded (a wave with a
//   pilot is two stages of one tier), at the last of those successes. A stage retried in the same
//   execution is one deploy, at its final success. A stage stopped, or left by a superseded
//   execution, before it succeeded deploys nothing; a stage that succeeded before its execution was
//   superseded did deploy its environments, and counts.
// - A change reached production once one of its deploying actions succeeded in a production stage;
//   it failed production when a production stage of its run failed after that (its bake, whose result
//   is a rollback; its tests after the deploy; the wave's next stage). What fails before any deploy
//   succeeded (an approval, a test before the deploy, a deploy CloudFormation rolled back) changed
//   nothing in production and fails nothing (productionKeys).
// - A rollback runs as an execution of its own, which its `execution-trigger` names
//   (`AutomatedRollback`, after a failed bake; `ManualRollback`, started by someone:
//   https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ExecutionTrigger.html). Its
//   success ends an outage, but it is no deployment of a change: it counts in no frequency, lead time
//   or failure rate. A manual rollback says the production deployment before it failed, from the
//   moment it was started.
import { BuildStateChange, DeliveryEvent, ExecutionState } from './recorded-events';
import { CODEPIPELINE_PRICES } from '../private/list-prices';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One pipeline of the app, as the computation needs it. */
export interface DescribedPipeline {
  /** The main pipeline, or the hotfix lane (whose production deploys say the production deployment before them failed). */
  readonly lane: 'main' | 'hotfix';
  /**
   * The tier each stage deploys, by stage name (`Prod` and `Prod-Pilot` both `prod`); a stage not
   * named deploys no environment (source, synth, self-update, assets, an approval's own stage).
   */
  readonly stageTiers: Record<string, string>;
}

/** The app's pipelines. */
export interface DeliveryPipelines {
  /** By pipeline name; events of other pipelines are left out. */
  readonly pipelines: Record<string, DescribedPipeline>;
  /** The tier that is production: the change failure rate and the time to restore are its. */
  readonly productionTier: string;
  /** The names of the actions that deploy a stage's environments (`Deploy`): a change reached production once one succeeded there. */
  readonly deployActions: string[];
}

/** What to compute the keys over. */
export interface FourKeysQuery {
  readonly pipelines: DeliveryPipelines;
  /** USD per billed build minute, by CodeBuild compute type (`BUILD_GENERAL1_SMALL`): list prices change, so they are given. */
  readonly pricePerBuildMinute: Record<string, number>;
  /** USD per billed action-execution minute of a V2 pipeline. */
  readonly pricePerActionMinute: number;
  /** The end of the window; events after it are left out. */
  readonly now: Date;
  readonly windowDays: number;
}

/** The keys of one tier over the window. Medians, as DORA's reports give them: a few slow runs do not hide the usual one. */
export interface TierKeys {
  readonly tier: string;
  /** Executions that deployed the tier in the window, per day. */
  readonly deploymentsPerDay: number;
  /** Median hours from an execution's start to its deploy of the tier, over the deploys of the window; undefined without one. */
  readonly leadTimeHours?: number;
  /**
   * Production only: the percent of the window's production deployments that failed: their bake
   * failed (and the stage was rolled back), or the next successful production deploy after them was
   * the hotfix lane's. Deployments of both lanes count: a hotfix that needs another hotfix failed too.
   * Undefined without a production deployment.
   */
  readonly changeFailureRatePercent?: number;
  /**
   * Production only: median hours from a production failure (a failed production stage, or a
   * deployment the hotfix lane followed, from its deploy) to the next successful production deploy
   * of either lane, over the restores of the window. Failures before a restore are one outage,
   * measured from the first. Undefined without a restore.
   */
  readonly timeToRestoreHours?: number;
}

/** The keys of every tier over one window, and the cost of a commit. */
export interface DeliveryKeys {
  readonly windowDays: number;
  /** In the order the pipelines' descriptions name the tiers. */
  readonly tiers: TierKeys[];
  /**
   * USD of the billed CodeBuild minutes of the builds that ended in the window (each rounded up to
   * whole minutes from its start to its end) and of the billed action-execution minutes of the
   * pipelines' actions that ended in it (each rounded up the same way; manual approvals and custom
   * actions are not billed), per pipeline execution started in the window; for all tiers together,
   * since a build's event does not name the stage it ran for. Undefined without an execution, or when
   * a build ran on a compute type the price table does not have (`unpriced`): a cost left half
   * counted would read as a saving.
   */
  readonly costPerCommitUsd?: number;
  /** The compute types of the window's builds that the price table does not have. */
  readonly unpriced: string[];
}

/** A state an event reported, at the event's time. */
interface StateAt {
  readonly at: number;
  readonly state: ExecutionState;
}

/** An execution's run of a stage that deploys a tier: the stage's states, and each action's (by action name). */
interface StageRun {
  readonly states: StateAt[];
  readonly actions: Map<string, { readonly category: string; readonly states: StateAt[] }>;
}

/** What one execution did to one tier: its runs of the tier's stages (by stage name). */
interface TierRun {
  readonly execution: string;
  readonly lane: 'main' | 'hotfix';
  readonly tier: string;
  readonly stages: Map<string, StageRun>;
}

/** The events, sorted into executions, tiers and builds. */
interface Deliveries {
  /** When each execution started, by execution. */
  readonly starts: Map<string, number>;
  /** The executions that roll a stage back, by execution: when each started, and whether someone started it. */
  readonly rollbacks: Map<string, { readonly at: number; readonly manual: boolean }>;
  readonly tierRuns: TierRun[];
  /** Each build that ended: when, and its event. */
  readonly builds: { readonly end: number; readonly event: BuildStateChange }[];
  /** Each billed action execution of the pipelines (every stage's), from its start to its end. */
  readonly actionRuns: { readonly start: number; readonly end: number }[];
}

/** The four keys of each tier, and the cost of a commit, over the window that ends at `query.now`. */
export function fourKeys(events: DeliveryEvent[], query: FourKeysQuery): DeliveryKeys {
  const now = query.now.getTime();
  const inWindow = (at: number) => at > now - query.windowDays * DAY && at <= now;
  const { starts, rollbacks, tierRuns, builds, actionRuns } = deliveriesOf(events, query.pipelines, now);
  const production = productionKeys(tierRuns.filter(run => run.tier === query.pipelines.productionTier), { rollbacks, starts },
    query.pipelines.deployActions, inWindow);
  const tiers = [...new Set(Object.values(query.pipelines.pipelines).flatMap(p => Object.values(p.stageTiers)))];
  return {
    windowDays: query.windowDays,
    tiers: tiers.map(tier => {
      const deploys = tierRuns.filter(run => run.tier === tier && !rollbacks.has(run.execution)).flatMap(run => {
        const at = deployedAt(run);
        return at !== undefined && inWindow(at) ? [{ at, started: starts.get(run.execution) }] : [];
      });
      // An execution that started before the events read has no start: its deploy counts, its lead time is not known.
      const leadTimes = deploys.flatMap(d => d.started === undefined ? [] : [(d.at - d.started) / HOUR]);
      return {
        tier,
        deploymentsPerDay: deploys.length / query.windowDays,
        leadTimeHours: median(leadTimes),
        ...tier === query.pipelines.productionTier ? production : {},
      };
    }),
    // A rollback's run is no commit.
    ...costPerCommit({ builds, actionRuns }, [...starts.entries()].filter(([execution, at]) => inWindow(at) && !rollbacks.has(execution)).length,
      query, inWindow),
  };
}

/**
 * The events of the described pipelines that had happened by `now`, sorted. Events come in any
 * order (and EventBridge may deliver one twice); within one second, a start sorts before an end, as
 * a stage or action that starts and ends in the same second did.
 */
function deliveriesOf(events: DeliveryEvent[], described: DeliveryPipelines, now: number): Deliveries {
  const pipelines = new Map(Object.entries(described.pipelines)
    .map(([name, p]) => [name, { lane: p.lane, tiers: new Map(Object.entries(p.stageTiers)) }]));
  const starts = new Map<string, number>();
  const rollbacks = new Map<string, { at: number; manual: boolean }>();
  const tierRuns = new Map<string, TierRun>();
  const builds = new Map<string, { end: number; event: BuildStateChange }>();
  // Each billed action's states, by execution, stage and action (a stage retried runs its actions again).
  const actionStates = new Map<string, StateAt[]>();
  const startsFirst = (event: DeliveryEvent) => 'state' in event.detail && ['STARTED', 'RESUMED'].includes(event.detail.state) ? 0 : 1;
  const happened = events.map(event => ({ event, at: Date.parse(event.time) }))
    .filter(({ at }) => at <= now)
    .sort((a, b) => a.at - b.at || startsFirst(a.event) - startsFirst(b.event));
  for (const { event, at } of happened) {
    if (event['detail-type'] === 'CodeBuild Build State Change') {
      // Keyed by build: a build's event delivered twice is billed once.
      if (event.detail['build-status'] !== 'IN_PROGRESS') builds.set(event.detail['build-id'], { end: at, event });
      continue;
    }
    const pipeline = pipelines.get(event.detail.pipeline);
    if (!pipeline) continue;
    const execution = JSON.stringify([event.detail.pipeline, event.detail['execution-id']]);
    if (event['detail-type'] === 'CodePipeline Pipeline Execution State Change') {
      // Its first start, were it reported again.
      if (event.detail.state === 'STARTED' && !starts.has(execution)) {
        starts.set(execution, at);
        const trigger = event.detail['execution-trigger']?.['trigger-type'];
        if (trigger === 'AutomatedRollback' || trigger === 'ManualRollback') rollbacks.set(execution, { at, manual: trigger === 'ManualRollback' });
      }
      continue;
    }
    if (event['detail-type'] === 'CodePipeline Action Execution State Change' && billed(event.detail.type)) {
      const action = JSON.stringify([execution, event.detail.stage, event.detail.action]);
      actionStates.set(action, [...actionStates.get(action) ?? [], { at, state: event.detail.state }]);
    }
    const tier = pipeline.tiers.get(event.detail.stage);
    if (tier === undefined) continue;
    const key = JSON.stringify([execution, tier]);
    const tierRun = tierRuns.get(key) ?? { execution, lane: pipeline.lane, tier, stages: new Map() };
    tierRuns.set(key, tierRun);
    const stage = tierRun.stages.get(event.detail.stage) ?? { states: [], actions: new Map() };
    tierRun.stages.set(event.detail.stage, stage);
    if (event['detail-type'] === 'CodePipeline Stage Execution State Change') {
      stage.states.push({ at, state: event.detail.state });
    } else {
      const action = stage.actions.get(event.detail.action) ?? { category: event.detail.type.category, states: [] };
      stage.actions.set(event.detail.action, action);
      action.states.push({ at, state: event.detail.state });
    }
  }
  const actionRuns = [...actionStates.values()].flatMap(runsOf);
  return { starts, rollbacks, tierRuns: [...tierRuns.values()], builds: [...builds.values()], actionRuns };
}

/**
 * An action's runs, from each start to the end that follows it. Its states come sorted, a start
 * first within a second; but an action retried in the second it failed has its end and its next
 * start in that second, and there the open run ends first.
 */
function runsOf(states: StateAt[]): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  let start: number | undefined;
  const isStart = (s: StateAt) => s.state === 'STARTED' || s.state === 'RESUMED';
  for (let i = 0; i < states.length;) {
    const second = states.filter(s => s.at === states[i].at);
    const ordered = start === undefined ? second : [...second.filter(s => !isStart(s)), ...second.filter(isStart)];
    for (const s of ordered) {
      if (isStart(s)) {
        start ??= s.at;
      } else if (start !== undefined) {
        runs.push({ start, end: s.at });
        start = undefined;
      }
    }
    i += second.length;
  }
  return runs;
}

/** Whether CodePipeline bills an action of this type by the minute: every one but manual approvals and custom actions. */
function billed(type: { category: string; owner?: string }): boolean {
  return !CODEPIPELINE_PRICES.unbilledCategories.includes(type.category) && !CODEPIPELINE_PRICES.unbilledOwners.includes(type.owner ?? '');
}

/** When the execution deployed the tier: every stage of the tier it ran succeeded last; undefined if one did not. */
function deployedAt(run: TierRun): number | undefined {
  const ends = [...run.stages.values()].map(stage => stage.states.at(-1));
  if (!ends.every(end => end?.state === 'SUCCEEDED')) return undefined;
  return Math.max(...ends.map(end => end!.at));
}

/** When the run's change reached production: the first success of a deploying action in any of its stages of the tier; undefined if none. */
function reachedAt(run: TierRun, deployActions: string[]): number | undefined {
  const successes = [...run.stages.values()].flatMap(stage => [...stage.actions.entries()]
    .filter(([name]) => deployActions.includes(name))
    .flatMap(([, action]) => action.states.filter(s => s.state === 'SUCCEEDED').map(s => s.at)));
  return successes.length > 0 ? Math.min(...successes) : undefined;
}

/** When a stage of the tier failed after `reached` (its bake, its tests after the deploy, a later stage of the wave); undefined if none did. */
function failedAfter(run: TierRun, reached: number): number | undefined {
  const failed = [...run.stages.values()].flatMap(stage => stage.states.filter(s => s.state === 'FAILED' && s.at >= reached).map(s => s.at));
  return failed.length > 0 ? Math.min(...failed) : undefined;
}

/**
 * The change failure rate and the time to restore, from the production tier's runs of both lanes.
 *
 * A deployment is a run whose change reached production: one of its deploying actions succeeded in a
 * production stage (the pilot of a wave is enough). It failed when a production stage failed after
 * that (its bake, which rolls the stage back; its tests after the deploy; the wave's next stage), when
 * someone started a rollback of production after it and before the next deployment, or when that
 * next deployment was the hotfix lane's. A stage that failed before any deploy succeeded (a test
 * before the deploy, the check that the stacks are as reviewed, a deploy CloudFormation rolled back)
 * changed nothing in production: it is neither a failed deployment nor an outage.
 *
 * An outage starts when a deployment failed (a rollback's and a hotfix's: when someone started it,
 * the earliest moment the failure is known) and ends with the next success of a production stage, a
 * rollback's included. Failures before one restore are one outage.
 */
function productionKeys(runs: TierRun[], deliveries: Pick<Deliveries, 'rollbacks' | 'starts'>, deployActions: string[], inWindow: (at: number) => boolean):
Pick<TierKeys, 'changeFailureRatePercent' | 'timeToRestoreHours'> {
  const { rollbacks, starts } = deliveries;
  const successes = runs.flatMap(run => {
    const at = deployedAt(run);
    return at === undefined ? [] : [at];
  }).sort((a, b) => a - b);
  const nextSuccess = (at: number) => successes.find(s => s > at);
  // The manual rollbacks of production (a rollback's run that ran a production stage).
  const manualRollbacks = runs.flatMap(run => {
    const rollback = rollbacks.get(run.execution);
    return rollback?.manual ? [rollback.at] : [];
  });
  const changes = runs.filter(run => !rollbacks.has(run.execution)).flatMap(run => {
    const at = reachedAt(run, deployActions);
    return at === undefined ? [] : [{ at, lane: run.lane, failedAt: failedAfter(run, at), started: starts.get(run.execution) }];
  }).sort((a, b) => a.at - b.at);
  const deployments = changes.map((change, i) => {
    const next = changes[i + 1];
    const rolledBackAt = change.failedAt === undefined ? manualRollbacks.find(r => r > change.at && (next === undefined || r < next.at)) : undefined;
    const hotfixedAt = change.failedAt === undefined && rolledBackAt === undefined && next?.lane === 'hotfix' ? next.started ?? next.at : undefined;
    return { at: change.at, failure: change.failedAt ?? rolledBackAt ?? hotfixedAt };
  });
  const counted = deployments.filter(d => inWindow(d.at));
  const failures = deployments.flatMap(d => d.failure === undefined ? [] : [d.failure]).sort((a, b) => a - b);
  const restoreHours: number[] = [];
  let restoredAt = -Infinity;
  for (const at of failures) {
    if (at < restoredAt) continue; // production was not restored since an earlier failure: the same outage
    const restore = nextSuccess(at);
    if (restore === undefined) break;
    if (inWindow(restore)) restoreHours.push((restore - at) / HOUR);
    restoredAt = restore;
  }
  return {
    changeFailureRatePercent: counted.length > 0 ? 100 * counted.filter(d => d.failure !== undefined).length / counted.length : undefined,
    timeToRestoreHours: median(restoreHours),
  };
}

/**
 * The USD of the builds and billed actions that ended in the window, per execution started in it.
 * CodeBuild bills a build, and CodePipeline an action, from its start to its end rounded up to the
 * next whole minute, at least one (as the bench's model, bench/pipeline-model.ts, reads the CodeBuild
 * pricing page; CodePipeline's: src/pipeline/private/list-prices.ts).
 */
function costPerCommit(runs: Pick<Deliveries, 'builds' | 'actionRuns'>, commits: number, query: FourKeysQuery, inWindow: (at: number) => boolean):
Pick<DeliveryKeys, 'costPerCommitUsd' | 'unpriced'> {
  const prices = query.pricePerBuildMinute;
  const ended = runs.builds.filter(build => inWindow(build.end));
  const unpriced = [...new Set(ended.map(({ event }) => event.detail['additional-information'].environment['compute-type']).filter(type => prices[type] === undefined))];
  if (commits === 0 || unpriced.length > 0) return { unpriced };
  const minutes = (start: number, end: number) => Math.max(1, Math.ceil((end - start) / MINUTE));
  const builds = ended.reduce((sum, { end, event }) => {
    const info = event.detail['additional-information'];
    return sum + minutes(buildStartTime(info['build-start-time']), end) * prices[info.environment['compute-type']];
  }, 0);
  const actions = runs.actionRuns.filter(run => inWindow(run.end))
    .reduce((sum, run) => sum + minutes(run.start, run.end) * query.pricePerActionMinute, 0);
  return { costPerCommitUsd: (builds + actions) / commits, unpriced };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A build's `build-start-time`, in the form of the documented sample (`Sep 1, 2017 4:12:29 PM`,
 * https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html). The
 * form names no zone; it is read as UTC, the zone of the envelope's `time` it is compared with.
 */
function buildStartTime(text: string): number {
  const parts = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ([AP]M)$/.exec(text);
  const month = MONTHS.indexOf(parts?.[1] ?? '');
  if (!parts || month < 0) throw new Error(`build-start-time '${text}' is not in the documented form, as 'Sep 1, 2017 4:12:29 PM'`);
  const [, , day, year, hour, minute, second, half] = parts;
  return Date.UTC(Number(year), month, Number(day), Number(hour) % 12 + (half === 'PM' ? 12 : 0), Number(minute), Number(second));
}

/** The middle value (the mean of the two middle ones, for an even count); undefined for none. */
function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
