import { ACTION_TYPE, actionExecution, buildStateChange, pipelineExecution, stageExecution } from './documented-events';
import { DeliveryKeys, DeliveryPipelines, fourKeys } from '../../../src/pipeline/metrics/four-keys';
import { LogReader, METRICS_FUNCTION_ENVIRONMENT, MetricWriter, publishDeliveryMetrics, readEvents } from '../../../src/pipeline/metrics/metrics-handler';
import { DeliveryEvent, recordedEvent } from '../../../src/pipeline/metrics/recorded-events';

// Every expected value below is worked out by hand in the comment beside it, from the events of its test.

const NOW = new Date('2026-12-31T00:00:00Z');
// The 7-day window is (Dec 24 00:00, Dec 31 00:00], the 30-day one (Dec 1 00:00, Dec 31 00:00].

/** A main pipeline of four tiers and its hotfix lane, whose Prod stage deploys production too, as MultiEnvPipeline builds them. */
const PIPELINES: DeliveryPipelines = {
  productionTier: 'prod',
  // The library's deploy jobs (src/pipeline/environment-builds.ts).
  deployActions: ['Deploy'],
  pipelines: {
    'shop': { lane: 'main', stageTiers: { Dev: 'dev', QA: 'qa', Staging: 'staging', Prod: 'prod' } },
    'shop-hotfix': { lane: 'hotfix', stageTiers: { Hotfix: 'hotfix', Prod: 'prod' } },
  },
};

/** The bench's CodeBuild list prices, USD per minute (bench/pipeline-model.ts). */
const PRICES = { BUILD_GENERAL1_SMALL: 0.005, BUILD_GENERAL1_MEDIUM: 0.01 };

/** CodePipeline's V2 price, USD per action-execution minute (src/pipeline/private/list-prices.ts). */
const ACTION_PRICE = 0.002;

/** `MM-DD hh:mm[:ss]` of 2026, UTC, as an event's `time`. */
function at(when: string): string {
  const [date, time] = when.split(' ');
  return `2026-${date}T${time.length === 5 ? `${time}:00` : time}Z`;
}

/** A stage deployed by one CodeBuild action from `from` to `to`; the stage ends `end` at `endAt` (after its bake, when it has one). */
function deployStage(pipeline: string, execution: string, stage: string, from: string, to: string, end = 'SUCCEEDED', endAt = to) {
  return [
    stageExecution(pipeline, execution, stage, 'STARTED', at(from)),
    actionExecution(pipeline, execution, stage, 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', at(from)),
    actionExecution(pipeline, execution, stage, 'Deploy', ACTION_TYPE.CODEBUILD, 'SUCCEEDED', at(to)),
    stageExecution(pipeline, execution, stage, end, at(endAt)),
  ];
}

/** A stage whose CodeBuild deploy action fails at `to`, failing the stage. */
function failedDeployStage(pipeline: string, execution: string, stage: string, from: string, to: string) {
  return [
    stageExecution(pipeline, execution, stage, 'STARTED', at(from)),
    actionExecution(pipeline, execution, stage, 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', at(from)),
    actionExecution(pipeline, execution, stage, 'Deploy', ACTION_TYPE.CODEBUILD, 'FAILED', at(to)),
    stageExecution(pipeline, execution, stage, 'FAILED', at(to)),
  ];
}

/** The events as the function hands them over: parsed from the log group's messages, in no particular order (here, reversed). */
function read(events: object[]): DeliveryEvent[] {
  return JSON.parse(JSON.stringify([...events].reverse()));
}

/**
 * The keys over the window; the cost of a commit counts the builds only (action minutes at 0), so that
 * each test's hand calculation of it is the builds'; the action minutes have tests of their own.
 */
function keysOf(events: object[], windowDays = 7, pricePerActionMinute = 0): DeliveryKeys {
  return fourKeys(read(events), { pipelines: PIPELINES, pricePerBuildMinute: PRICES, pricePerActionMinute, now: NOW, windowDays });
}

function tierOf(keys: DeliveryKeys, tier: string) {
  return keys.tiers.find(t => t.tier === tier);
}

/** A plain run of the main pipeline through its four tiers on Dec 30, with its synth and Prod deploy builds. */
const PLAIN_RUN = [
  pipelineExecution('shop', 'a1', 'STARTED', at('12-30 09:00')),
  ...deployStage('shop', 'a1', 'Dev', '12-30 09:05', '12-30 09:15'),
  ...deployStage('shop', 'a1', 'QA', '12-30 09:15', '12-30 09:30'),
  ...deployStage('shop', 'a1', 'Staging', '12-30 09:30', '12-30 10:00'),
  stageExecution('shop', 'a1', 'Prod', 'STARTED', at('12-30 10:00')),
  actionExecution('shop', 'a1', 'Prod', 'Approve', ACTION_TYPE.APPROVAL, 'STARTED', at('12-30 10:00')),
  actionExecution('shop', 'a1', 'Prod', 'Approve', ACTION_TYPE.APPROVAL, 'SUCCEEDED', at('12-30 10:40')),
  actionExecution('shop', 'a1', 'Prod', 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', at('12-30 10:40')),
  actionExecution('shop', 'a1', 'Prod', 'Deploy', ACTION_TYPE.CODEBUILD, 'SUCCEEDED', at('12-30 11:00')),
  stageExecution('shop', 'a1', 'Prod', 'SUCCEEDED', at('12-30 11:00')),
  pipelineExecution('shop', 'a1', 'SUCCEEDED', at('12-30 11:00')),
  // EventBridge delivers at least once: the synth build's event twice.
  buildStateChange('shop-synth', 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', at('12-30 09:00:30'), at('12-30 09:03:40')),
  buildStateChange('shop-synth', 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', at('12-30 09:00:30'), at('12-30 09:03:40')),
  buildStateChange('shop-Prod-Deploy', 'SUCCEEDED', 'BUILD_GENERAL1_MEDIUM', at('12-30 10:40:00'), at('12-30 11:00:00')),
  // A build still running: not billed yet.
  buildStateChange('shop-Prod-Test', 'IN_PROGRESS', 'BUILD_GENERAL1_MEDIUM', at('12-30 11:00:00'), at('12-30 11:00:00')),
  // Another app's pipeline, which the description does not name: left out.
  pipelineExecution('other', 'x1', 'STARTED', at('12-30 09:00')),
  ...deployStage('other', 'x1', 'Prod', '12-30 09:10', '12-30 09:20'),
];

describe('the four keys', () => {
  test('a plain run Dev -> QA -> Staging -> Prod', () => {
    const keys = keysOf(PLAIN_RUN);
    // Started 09:00. Dev deployed 09:15 (0.25 h), QA 09:30 (0.5 h), Staging 10:00 (1 h), Prod 11:00
    // (2 h): one deploy each in 7 days -> 1/7 a day. Production: 1 deployment, no bake failure, no
    // hotfix after it -> 0 %; no failure -> no time to restore. The hotfix lane did not run.
    expect(keys.tiers).toEqual([
      { tier: 'dev', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 0.25 },
      { tier: 'qa', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 0.5 },
      { tier: 'staging', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 1 },
      { tier: 'prod', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 2, changeFailureRatePercent: 0 },
      { tier: 'hotfix', deploymentsPerDay: 0 },
    ]);
    // Synth 09:00:30 -> 09:03:40 is 3 min 10 s -> 4 billed minutes x 0.005 = 0.02 (its event twice,
    // billed once); the Prod deploy 10:40:00 -> 11:00:00 is 20 minutes x 0.01 = 0.20. 0.22 for the
    // 1 execution started (the other app's is not counted).
    expect(keys.costPerCommitUsd).toBeCloseTo(0.22, 4);
  });

  test('the cost of a commit with CodePipeline\'s action minutes: every action but the approval, each run of a retried one', () => {
    // The plain run's actions: Dev's deploy 09:05 -> 09:15 (10 min), QA's 09:15 -> 09:30 (15), Staging's
    // 09:30 -> 10:00 (30), Prod's 10:40 -> 11:00 (20); Prod's approval is not billed. 75 minutes x
    // 0.002 = 0.15, and the builds' 0.22: 0.37.
    expect(keysOf(PLAIN_RUN, 7, ACTION_PRICE).costPerCommitUsd).toBeCloseTo(0.37, 4);
    // Dev's deploy failed once at 09:07:10 (2 min 10 s: 3 billed minutes) and was retried at 09:07:40
    // until 09:15 (7 min 20 s: 8): 11 minutes where it had 10, 76 in all x 0.002 = 0.152 -> 0.372.
    const retried = [
      ...PLAIN_RUN.filter(e => !('stage' in e.detail && e.detail.stage === 'Dev' && 'action' in e.detail && e.detail.state === 'STARTED')),
      actionExecution('shop', 'a1', 'Dev', 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', at('12-30 09:05')),
      actionExecution('shop', 'a1', 'Dev', 'Deploy', ACTION_TYPE.CODEBUILD, 'FAILED', at('12-30 09:07:10')),
      actionExecution('shop', 'a1', 'Dev', 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', at('12-30 09:07:40')),
    ];
    expect(keysOf(retried, 7, ACTION_PRICE).costPerCommitUsd).toBeCloseTo(0.372, 4);
    // Retried in the second it failed (as the Dev stage's automatic retry can): the same two runs,
    // 09:05 -> 09:07:10 (3) and 09:07:10 -> 09:15 (7 min 50 s: 8), 11 minutes -> 0.372 again.
    const retriedAtOnce = [...retried.slice(0, -1), actionExecution('shop', 'a1', 'Dev', 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', at('12-30 09:07:10'))];
    expect(keysOf(retriedAtOnce, 7, ACTION_PRICE).costPerCommitUsd).toBeCloseTo(0.372, 4);
    // A custom action of 30 minutes in Prod is not billed: 0.37 as the plain run.
    const custom = { owner: 'Custom', category: 'Test', provider: 'MyTester', version: 1 };
    expect(keysOf([...PLAIN_RUN,
      actionExecution('shop', 'a1', 'Prod', 'Check', custom, 'STARTED', at('12-30 10:00')),
      actionExecution('shop', 'a1', 'Prod', 'Check', custom, 'SUCCEEDED', at('12-30 10:30'))], 7, ACTION_PRICE).costPerCommitUsd).toBeCloseTo(0.37, 4);
  });

  test('a failed bake: production rolled back, then deployed again', () => {
    const keys = keysOf([
      pipelineExecution('shop', 'b1', 'STARTED', at('12-29 08:00')),
      ...deployStage('shop', 'b1', 'Prod', '12-29 09:00', '12-29 09:30', 'SUCCEEDED', '12-29 10:00'),
      // The deploy succeeds, then an alarm fires during the bake: the stage fails (and CodePipeline rolls it back).
      pipelineExecution('shop', 'b2', 'STARTED', at('12-29 12:00')),
      ...deployStage('shop', 'b2', 'Prod', '12-29 13:00', '12-29 13:30', 'FAILED', '12-29 14:00'),
      pipelineExecution('shop', 'b3', 'STARTED', at('12-29 13:10')),
      ...deployStage('shop', 'b3', 'Prod', '12-29 14:40', '12-29 15:00', 'FAILED', '12-29 15:30'),
      pipelineExecution('shop', 'b4', 'STARTED', at('12-29 15:00')),
      ...deployStage('shop', 'b4', 'Prod', '12-29 17:00', '12-29 17:30', 'SUCCEEDED', '12-29 18:00'),
    ]);
    // Deployed: b1 at 10:00 (started 08:00: 2 h) and b4 at 18:00 (started 15:00: 3 h) -> 2/7 a day,
    // median of 2 h and 3 h = 2.5 h. Deployments that reached production: b1, b2, b3, b4, of which b2
    // and b3 failed their bake -> 2 of 4 = 50 %. Production failed at 14:00 (and again at 15:30, before
    // any restore: the same outage) and was deployed again at 18:00 -> 4 h.
    expect(tierOf(keys, 'prod')).toEqual({
      tier: 'prod', deploymentsPerDay: expect.closeTo(2 / 7), leadTimeHours: 2.5, changeFailureRatePercent: 50, timeToRestoreHours: 4,
    });
  });

  test('a failed bake and its automated rollback: the rollback\'s run restores production, and is no deployment', () => {
    const keys = keysOf([
      pipelineExecution('shop', 'r1', 'STARTED', at('12-29 08:00')),
      ...deployStage('shop', 'r1', 'Prod', '12-29 09:00', '12-29 09:30', 'SUCCEEDED', '12-29 10:00'),
      pipelineExecution('shop', 'r2', 'STARTED', at('12-29 11:00')),
      ...deployStage('shop', 'r2', 'Prod', '12-29 12:00', '12-29 12:30', 'FAILED', '12-29 13:00'),
      // CodePipeline rolls Prod back to r1's revision in an execution of its own.
      pipelineExecution('shop', 'r3', 'STARTED', at('12-29 13:05'), 'AutomatedRollback'),
      ...deployStage('shop', 'r3', 'Prod', '12-29 13:05', '12-29 13:35'),
    ]);
    // Deployments: r1 (10:00, 2 h after its start) and r2 (its bake failed at 13:00); the rollback r3 is
    // neither a deploy nor a deployment -> 1/7 a day (r1's), lead time 2 h, 1 failed of 2 = 50 %.
    // Production failed at 13:00, restored by r3 at 13:35 -> 35 min = 7/12 h.
    expect(tierOf(keys, 'prod')).toEqual({
      tier: 'prod', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 2, changeFailureRatePercent: 50, timeToRestoreHours: expect.closeTo(7 / 12),
    });
  });

  test('a manual rollback: the deployment before it failed, from when the rollback was started', () => {
    const keys = keysOf([
      pipelineExecution('shop', 'm1', 'STARTED', at('12-28 08:00')),
      ...deployStage('shop', 'm1', 'Prod', '12-28 09:00', '12-28 10:00'),
      pipelineExecution('shop', 'm2', 'STARTED', at('12-29 08:00')),
      ...deployStage('shop', 'm2', 'Prod', '12-29 09:00', '12-29 09:30'),
      // Someone rolls Prod back to m1's revision the next morning.
      pipelineExecution('shop', 'm3', 'STARTED', at('12-30 07:00'), 'ManualRollback'),
      ...deployStage('shop', 'm3', 'Prod', '12-30 07:00', '12-30 07:45'),
      pipelineExecution('shop', 'm4', 'STARTED', at('12-30 10:00')),
      ...deployStage('shop', 'm4', 'Prod', '12-30 11:00', '12-30 12:00'),
    ]);
    // Deployments m1 (2 h), m2 (1.5 h), m4 (2 h) -> 3/7 a day, median 2 h. m2 is the one before the
    // rollback (started 07:00 on Dec 30, before the next change, m4) -> 1 failed of 3 = 33.3 %.
    // Production failed at 07:00 (the rollback's start) and was restored by the rollback at 07:45 -> 0.75 h.
    expect(tierOf(keys, 'prod')).toEqual({
      tier: 'prod', deploymentsPerDay: expect.closeTo(3 / 7), leadTimeHours: 2, changeFailureRatePercent: expect.closeTo(100 / 3), timeToRestoreHours: 0.75,
    });
  });

  test('a failed production deploy, a rejected approval and a stage failed at its entry changed nothing in production: no failure, no outage', () => {
    const keys = keysOf([
      // A stage that fails before any action ran (a condition on its entry).
      pipelineExecution('shop', 'c0', 'STARTED', at('12-30 06:00')),
      stageExecution('shop', 'c0', 'Prod', 'STARTED', at('12-30 07:00')),
      stageExecution('shop', 'c0', 'Prod', 'FAILED', at('12-30 07:00')),
      pipelineExecution('shop', 'c1', 'STARTED', at('12-30 08:00')),
      stageExecution('shop', 'c1', 'Prod', 'STARTED', at('12-30 09:00')),
      actionExecution('shop', 'c1', 'Prod', 'Approve', ACTION_TYPE.APPROVAL, 'STARTED', at('12-30 09:00')),
      actionExecution('shop', 'c1', 'Prod', 'Approve', ACTION_TYPE.APPROVAL, 'FAILED', at('12-30 09:20')),
      stageExecution('shop', 'c1', 'Prod', 'FAILED', at('12-30 09:20')),
      pipelineExecution('shop', 'c2', 'STARTED', at('12-30 10:00')),
      ...failedDeployStage('shop', 'c2', 'Prod', '12-30 11:00', '12-30 11:20'),
      pipelineExecution('shop', 'c3', 'STARTED', at('12-30 12:00')),
      ...deployStage('shop', 'c3', 'Prod', '12-30 13:00', '12-30 13:30'),
    ]);
    // Deployed: c3 at 13:30 (started 12:00: 1.5 h) -> 1/7 a day. Deployments that reached production:
    // c3 only (c2's deploy failed before any deploy succeeded: production kept what it ran) -> 0 of 1 =
    // 0 %. No deployment failed -> no outage, no time to restore; c0 and c1 failed nothing either.
    expect(tierOf(keys, 'prod')).toEqual({
      tier: 'prod', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 1.5, changeFailureRatePercent: 0,
    });
  });

  test('a hotfix-lane production deploy after a main release', () => {
    const keys = keysOf([
      pipelineExecution('shop', 'd1', 'STARTED', at('12-28 08:00')),
      ...deployStage('shop', 'd1', 'Prod', '12-28 09:30', '12-28 10:00'),
      pipelineExecution('shop-hotfix', 'h1', 'STARTED', at('12-28 10:30')),
      ...deployStage('shop-hotfix', 'h1', 'Hotfix', '12-28 10:35', '12-28 10:45'),
      ...deployStage('shop-hotfix', 'h1', 'Prod', '12-28 10:45', '12-28 11:00'),
      pipelineExecution('shop', 'd2', 'STARTED', at('12-28 12:00')),
      ...deployStage('shop', 'd2', 'Prod', '12-28 13:30', '12-28 14:00'),
    ]);
    // Production deployed at 10:00 (d1, 2 h), 11:00 (the hotfix h1, 0.5 h) and 14:00 (d2, 2 h) -> 3/7 a
    // day, median of 0.5, 2, 2 = 2 h. The next successful production deploy after d1 is the hotfix's ->
    // d1 failed; after h1 it is d2, of the main pipeline -> h1 did not; nothing after d2 -> 1 of 3 =
    // 33.3 % (the hotfix is a production deployment too: a hotfix that needs another hotfix fails).
    // d1's failure is known when the hotfix lane started, 10:30, and production was restored by the
    // hotfix's deploy at 11:00 -> 0.5 h.
    expect(tierOf(keys, 'prod')).toEqual({
      tier: 'prod', deploymentsPerDay: expect.closeTo(3 / 7), leadTimeHours: 2, changeFailureRatePercent: expect.closeTo(100 / 3), timeToRestoreHours: 0.5,
    });
    // The hotfix environment deployed at 10:45, 15 minutes after the lane started.
    expect(tierOf(keys, 'hotfix')).toEqual({ tier: 'hotfix', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 0.25 });
  });

  test('a stage re-run after a failure, in the same execution, is one deploy', () => {
    const keys = keysOf([
      pipelineExecution('shop', 'r1', 'STARTED', at('12-30 08:00')),
      ...failedDeployStage('shop', 'r1', 'QA', '12-30 08:10', '12-30 08:20'),
      ...deployStage('shop', 'r1', 'QA', '12-30 08:50', '12-30 09:00'),
      ...failedDeployStage('shop', 'r1', 'Prod', '12-30 09:30', '12-30 09:40'),
      ...deployStage('shop', 'r1', 'Prod', '12-30 10:00', '12-30 10:30'),
    ]);
    // QA: one deploy, at its final success 09:00 -> 1/7 a day, lead time 08:00 -> 09:00 = 1 h.
    expect(tierOf(keys, 'qa')).toEqual({ tier: 'qa', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 1 });
    // Prod: one deploy at 10:30 -> 1/7 a day, 2.5 h; it is the one deployment and nothing followed
    // it -> 0 %. The first attempt's deploy failed before any succeeded: no outage, no time to restore.
    expect(tierOf(keys, 'prod')).toEqual({
      tier: 'prod', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 2.5, changeFailureRatePercent: 0,
    });
  });

  test('a manual rollback of QA fails nothing in production', () => {
    const keys = keysOf([
      pipelineExecution('shop', 'p1', 'STARTED', at('12-28 08:00')),
      ...deployStage('shop', 'p1', 'Prod', '12-28 09:00', '12-28 10:00'),
      pipelineExecution('shop', 'p2', 'STARTED', at('12-29 07:00'), 'ManualRollback'),
      ...deployStage('shop', 'p2', 'QA', '12-29 07:00', '12-29 07:20'),
    ]);
    // Production: p1 deployed at 10:00 (2 h); the rollback ran QA only -> 0 of 1 failed, no outage.
    expect(tierOf(keys, 'prod')).toEqual({ tier: 'prod', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 2, changeFailureRatePercent: 0 });
  });

  test('tests after a successful production deploy fail: the deployment failed, and production is out until the next good deploy', () => {
    const keys = keysOf([
      pipelineExecution('shop', 's1', 'STARTED', at('12-29 08:00')),
      stageExecution('shop', 's1', 'Prod', 'STARTED', at('12-29 09:00')),
      actionExecution('shop', 's1', 'Prod', 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', at('12-29 09:00')),
      actionExecution('shop', 's1', 'Prod', 'Deploy', ACTION_TYPE.CODEBUILD, 'SUCCEEDED', at('12-29 09:20')),
      actionExecution('shop', 's1', 'Prod', 'TestsAfter', ACTION_TYPE.CODEBUILD, 'STARTED', at('12-29 09:00')),
      actionExecution('shop', 's1', 'Prod', 'TestsAfter', ACTION_TYPE.CODEBUILD, 'FAILED', at('12-29 09:30')),
      stageExecution('shop', 's1', 'Prod', 'FAILED', at('12-29 09:30')),
      pipelineExecution('shop', 's2', 'STARTED', at('12-29 11:00')),
      ...deployStage('shop', 's2', 'Prod', '12-29 12:00', '12-29 12:30'),
    ]);
    // s1's change reached production at 09:20 (its deploy) and its stage failed at 09:30: a failed
    // deployment; s2 deployed at 12:30 (1.5 h after its start). Deploys: s2 only -> 1/7 a day, 1.5 h;
    // deployments s1 and s2, s1 failed -> 50 %; out from 09:30 to 12:30 -> 3 h.
    expect(tierOf(keys, 'prod')).toEqual({
      tier: 'prod', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 1.5, changeFailureRatePercent: 50, timeToRestoreHours: 3,
    });
  });

  test('a hotfix after a failed bake fixes the deployment whose bake failed, not the one before it', () => {
    const keys = keysOf([
      pipelineExecution('shop', 'x0', 'STARTED', at('12-28 08:00')),
      ...deployStage('shop', 'x0', 'Prod', '12-28 09:00', '12-28 09:30', 'SUCCEEDED', '12-28 10:00'),
      pipelineExecution('shop', 'x1', 'STARTED', at('12-30 12:00')),
      ...deployStage('shop', 'x1', 'Prod', '12-30 13:00', '12-30 13:30', 'FAILED', '12-30 14:00'),
      pipelineExecution('shop', 'x2', 'STARTED', at('12-30 14:05'), 'AutomatedRollback'),
      ...deployStage('shop', 'x2', 'Prod', '12-30 14:05', '12-30 14:35'),
      pipelineExecution('shop-hotfix', 'hx', 'STARTED', at('12-30 15:00')),
      ...deployStage('shop-hotfix', 'hx', 'Prod', '12-30 15:30', '12-30 16:00'),
    ]);
    // Deployments: x0 (reached 09:30), x1 (reached 13:30, bake failed 14:00), hx (reached 16:00). x0's
    // next change is x1, of the main pipeline: x0 did not fail; x1 failed its bake; hx: nothing after
    // -> 1 of 3 = 33.3 %. Deploys (every stage succeeded, rollbacks left out): x0 at 10:00 (2 h) and hx
    // at 16:00 (1 h) -> 2/7 a day, median 1.5 h. Out from 14:00 to the rollback's success at 14:35 -> 35 min.
    expect(tierOf(keys, 'prod')).toEqual({
      tier: 'prod',
      deploymentsPerDay: expect.closeTo(2 / 7),
      leadTimeHours: 1.5,
      changeFailureRatePercent: expect.closeTo(100 / 3),
      timeToRestoreHours: expect.closeTo(7 / 12),
    });
  });

  test('a production wave: its pilot deployed, its second stage failed: the change reached production and failed it', () => {
    const pipelines: DeliveryPipelines = { ...PIPELINES, pipelines: { shop: { lane: 'main', stageTiers: { 'Prod': 'prod', 'Prod-us-east-1': 'prod' } } } };
    const keys = fourKeys(read([
      pipelineExecution('shop', 'w1', 'STARTED', at('12-29 08:00')),
      ...deployStage('shop', 'w1', 'Prod', '12-29 09:00', '12-29 09:30', 'SUCCEEDED', '12-29 10:00'),
      ...failedDeployStage('shop', 'w1', 'Prod-us-east-1', '12-29 10:00', '12-29 10:20'),
      pipelineExecution('shop', 'w2', 'STARTED', at('12-29 12:00')),
      ...deployStage('shop', 'w2', 'Prod', '12-29 13:00', '12-29 13:30', 'SUCCEEDED', '12-29 14:00'),
      ...deployStage('shop', 'w2', 'Prod-us-east-1', '12-29 14:00', '12-29 14:30'),
    ]), { pipelines, pricePerBuildMinute: PRICES, pricePerActionMinute: 0, now: NOW, windowDays: 7 });
    // w1 reached production at 09:30 (the pilot's deploy) and failed it at 10:20 (the second stage);
    // w2 deployed the whole wave at 14:30 (2.5 h after its start): deploys w2 -> 1/7 a day, 2.5 h;
    // deployments w1 (failed) and w2 -> 50 %; out from 10:20 until a run deployed every production
    // stage again, w2's wave at 14:30 (its pilot alone, at 14:00, leaves us-east-1 as it was) -> 4 h 10 min = 25/6 h.
    expect(tierOf(keys, 'prod')).toEqual({
      tier: 'prod', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 2.5, changeFailureRatePercent: 50, timeToRestoreHours: expect.closeTo(25 / 6),
    });
  });

  test('a stage that starts and ends within one second deployed: its start sorts first, whatever order the events come in', () => {
    const keys = keysOf([
      pipelineExecution('shop', 'q1', 'STARTED', at('12-30 09:00')),
      ...deployStage('shop', 'q1', 'Dev', '12-30 09:30:00', '12-30 09:30:00'),
    ]);
    // Dev deployed at 09:30, 30 minutes after the start -> 1/7 a day, 0.5 h.
    expect(tierOf(keys, 'dev')).toEqual({ tier: 'dev', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 0.5 });
  });

  test('a superseded execution deploys only the stages it finished; a stopped one, none', () => {
    const keys = keysOf([
      // s1 deploys Dev, then s2 overtakes it on the way to QA.
      pipelineExecution('shop', 's1', 'STARTED', at('12-30 09:00')),
      ...deployStage('shop', 's1', 'Dev', '12-30 09:00', '12-30 09:10'),
      pipelineExecution('shop', 's1', 'SUPERSEDED', at('12-30 09:40')),
      pipelineExecution('shop', 's2', 'STARTED', at('12-30 09:20')),
      ...deployStage('shop', 's2', 'Dev', '12-30 09:25', '12-30 09:35'),
      ...deployStage('shop', 's2', 'QA', '12-30 09:40', '12-30 09:50'),
      ...deployStage('shop', 's2', 'Staging', '12-30 09:50', '12-30 10:00'),
      ...deployStage('shop', 's2', 'Prod', '12-30 10:00', '12-30 11:00'),
      pipelineExecution('shop', 's2', 'SUCCEEDED', at('12-30 11:00')),
      // s3 is stopped (its action abandoned) while it deploys Dev.
      pipelineExecution('shop', 's3', 'STARTED', at('12-30 12:00')),
      stageExecution('shop', 's3', 'Dev', 'STARTED', at('12-30 12:00')),
      actionExecution('shop', 's3', 'Dev', 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', at('12-30 12:00')),
      pipelineExecution('shop', 's3', 'STOPPING', at('12-30 12:02')),
      stageExecution('shop', 's3', 'Dev', 'STOPPING', at('12-30 12:02')),
      actionExecution('shop', 's3', 'Dev', 'Deploy', ACTION_TYPE.CODEBUILD, 'ABANDONED', at('12-30 12:05')),
      stageExecution('shop', 's3', 'Dev', 'STOPPED', at('12-30 12:05')),
      pipelineExecution('shop', 's3', 'STOPPED', at('12-30 12:05')),
      buildStateChange('shop-synth', 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', at('12-30 09:00:00'), at('12-30 09:01:30')),
      buildStateChange('shop-synth', 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', at('12-30 09:20:00'), at('12-30 09:23:00')),
      buildStateChange('shop-Dev-Deploy', 'STOPPED', 'BUILD_GENERAL1_SMALL', at('12-30 12:00:00'), at('12-30 12:04:59')),
    ]);
    // Dev: s1 at 09:10 (10 min after its start) and s2 at 09:35 (15 min) -> 2/7 a day, median of 10 and
    // 15 min = 12.5 min = 12.5/60 h; s3 deployed nothing. s2 alone deployed the rest: QA at 09:50
    // (0.5 h after 09:20), Staging at 10:00 (40 min), Prod at 11:00 (1 h 40 min = 5/3 h), 0 % failed.
    expect(keys.tiers).toEqual([
      { tier: 'dev', deploymentsPerDay: expect.closeTo(2 / 7), leadTimeHours: expect.closeTo(12.5 / 60) },
      { tier: 'qa', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 0.5 },
      { tier: 'staging', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: expect.closeTo(2 / 3) },
      { tier: 'prod', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: expect.closeTo(5 / 3), changeFailureRatePercent: 0 },
      { tier: 'hotfix', deploymentsPerDay: 0 },
    ]);
    // Builds of 1 min 30 s (2 billed), 3 min (3) and 4 min 59 s (5, stopped but billed) = 10 minutes x
    // 0.005 = 0.05, for 3 executions started -> 0.05/3.
    expect(keys.costPerCommitUsd).toBeCloseTo(0.05 / 3, 4);
  });

  describe('events outside the window', () => {
    const beforeBoth = [ // Nov 15
      pipelineExecution('shop', 'n1', 'STARTED', at('11-15 09:00')),
      ...deployStage('shop', 'n1', 'Prod', '11-15 09:30', '11-15 10:00'),
      buildStateChange('shop-synth', 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', at('11-15 09:00:00'), at('11-15 09:10:00')),
    ];
    const in30DaysOnly = [ // Dec 20
      pipelineExecution('shop', 'o1', 'STARTED', at('12-20 09:00')),
      ...deployStage('shop', 'o1', 'Prod', '12-20 09:30', '12-20 10:00'),
      buildStateChange('shop-synth', 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', at('12-20 09:00:00'), at('12-20 09:10:00')),
    ];
    const startedBefore7Days = [ // started Dec 23, deployed and built Dec 24
      pipelineExecution('shop', 'o2', 'STARTED', at('12-23 23:00')),
      ...deployStage('shop', 'o2', 'Prod', '12-24 00:30', '12-24 01:00'),
      buildStateChange('shop-Prod-Deploy', 'SUCCEEDED', 'BUILD_GENERAL1_MEDIUM', at('12-23 23:55:00'), at('12-24 00:05:00')),
    ];
    const notDeployedYet = [ // Dec 30: synth only
      pipelineExecution('shop', 'o3', 'STARTED', at('12-30 08:00')),
      buildStateChange('shop-synth', 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', at('12-30 08:00:00'), at('12-30 08:00:40')),
    ];
    const afterNow = [ // a hotfix, which would otherwise say o2 failed
      pipelineExecution('shop-hotfix', 'a1', 'STARTED', at('12-31 00:30')),
      ...deployStage('shop-hotfix', 'a1', 'Prod', '12-31 00:40', '12-31 01:00'),
      buildStateChange('shop-synth', 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', at('12-31 00:30:00'), at('12-31 00:40:00')),
    ];
    const events = [...beforeBoth, ...in30DaysOnly, ...startedBefore7Days, ...notDeployedYet, ...afterNow];

    test('7 days', () => {
      const keys = keysOf(events, 7);
      // Production deployed in the window: o2 at Dec 24 01:00, 2 h after its start on Dec 23 -> 1/7 a
      // day, 2 h, 0 of 1 failed (the hotfix after it came after `now`).
      expect(tierOf(keys, 'prod')).toEqual({ tier: 'prod', deploymentsPerDay: expect.closeTo(1 / 7), leadTimeHours: 2, changeFailureRatePercent: 0 });
      // Builds ended in the window: o2's deploy, 10 min x 0.01 = 0.10, and o3's synth, 40 s -> 1 min x
      // 0.005 = 0.005; executions started in the window: o3 -> 0.105.
      expect(keys.costPerCommitUsd).toBeCloseTo(0.105, 4);
    });

    test('30 days', () => {
      const keys = keysOf(events, 30);
      // Production deployed in the window: o1 (1 h) and o2 (2 h) -> 2/30 a day, median 1.5 h, 0 of 2 failed.
      expect(tierOf(keys, 'prod')).toEqual({ tier: 'prod', deploymentsPerDay: expect.closeTo(2 / 30), leadTimeHours: 1.5, changeFailureRatePercent: 0 });
      // Builds: o1's 10 min x 0.005 = 0.05, o2's 0.10, o3's 0.005 = 0.155; executions o1, o2, o3 -> 0.155/3.
      expect(keys.costPerCommitUsd).toBeCloseTo(0.155 / 3, 4);
    });

    test('no execution started in the window: no cost per commit', () => {
      // Without o3, builds ended in the 7-day window (o2's) but no execution started in it: nothing to divide by.
      const keys = keysOf([...beforeBoth, ...in30DaysOnly, ...startedBefore7Days, ...afterNow], 7);
      expect(keys.costPerCommitUsd).toBeUndefined();
    });
  });

  test('a build on a compute type the price table does not have: no cost per commit (half a cost would read as a saving), the compute type named', () => {
    const events = [...PLAIN_RUN, buildStateChange('shop-Staging-Deploy', 'SUCCEEDED', 'BUILD_GENERAL1_XLARGE', at('12-30 09:40:00'), at('12-30 09:50:00'))];
    const keys = keysOf(events);
    expect(keys.costPerCommitUsd).toBeUndefined();
    expect(keys.unpriced).toEqual(['BUILD_GENERAL1_XLARGE']);
    // Every other key as without that build (the plain run's).
    expect(keys.tiers).toEqual(keysOf(PLAIN_RUN).tiers);
  });
});

describe('the function', () => {
  const environment = {
    [METRICS_FUNCTION_ENVIRONMENT.LOG_GROUP]: '/shop/delivery-events',
    [METRICS_FUNCTION_ENVIRONMENT.PIPELINES]: JSON.stringify(PIPELINES),
    [METRICS_FUNCTION_ENVIRONMENT.PRICE_PER_BUILD_MINUTE]: JSON.stringify(PRICES),
    [METRICS_FUNCTION_ENVIRONMENT.PRICE_PER_ACTION_MINUTE]: String(ACTION_PRICE),
    [METRICS_FUNCTION_ENVIRONMENT.NAMESPACE]: 'shop/Delivery',
  };

  /** The log group, holding the plain run's events, answers in two pages. */
  function logGroup() {
    const requests: Parameters<LogReader['filterLogEvents']>[0][] = [];
    const messages = PLAIN_RUN.map(event => ({ message: JSON.stringify(event) }));
    const reader: LogReader = {
      async filterLogEvents(input) {
        requests.push(input);
        return input.nextToken === undefined ? { events: messages.slice(0, 10), nextToken: 'page-2' } : { events: messages.slice(10) };
      },
    };
    return { reader, requests };
  }

  function cloudWatch() {
    const calls: Parameters<MetricWriter['putMetricData']>[0][] = [];
    const writer: MetricWriter = {
      async putMetricData(input) {
        calls.push(input);
        return {};
      },
    };
    return { writer, calls };
  }

  test('reads 31 days of events (the longest window and a day before it), page after page, and writes each window\'s keys with their tier and window', async () => {
    const { reader, requests } = logGroup();
    const { writer, calls } = cloudWatch();
    await publishDeliveryMetrics(environment, reader, writer, NOW);

    const thirtyOneDaysBefore = Date.parse('2026-11-30T00:00:00Z');
    expect(requests).toEqual([
      { logGroupName: '/shop/delivery-events', startTime: thirtyOneDaysBefore, endTime: NOW.getTime(), nextToken: undefined },
      { logGroupName: '/shop/delivery-events', startTime: thirtyOneDaysBefore, endTime: NOW.getTime(), nextToken: 'page-2' },
    ]);
    // 22 values in calls of 20 at most.
    expect(calls.map(c => [c.Namespace, c.MetricData.length])).toEqual([['shop/Delivery', 20], ['shop/Delivery', 2]]);
    const data = calls.flatMap(c => c.MetricData);
    expect(data.every(d => d.Timestamp === NOW)).toBe(true);
    // The plain run (see its test): one deploy of each tier of the main pipeline in the window, lead
    // times 0.25, 0.5, 1 and 2 h, none failed, 0.37 USD for its one execution (its builds' 0.22 and 75 action minutes). Per window, each tier's
    // frequency and lead time (the hotfix tier, which did not deploy, its frequency alone), production's
    // failure rate (no time to restore: nothing failed), and the cost per commit, with no tier.
    const written = data.map(d => `${d.MetricName} ${d.Dimensions.map(dim => `${dim.Name}=${dim.Value}`).join(' ')}: ${Number(d.Value.toFixed(4))} ${d.Unit}`);
    expect(written).toEqual([
      'DeploymentsPerDay Tier=dev WindowDays=7: 0.1429 None',
      'LeadTimeHours Tier=dev WindowDays=7: 0.25 None',
      'DeploymentsPerDay Tier=qa WindowDays=7: 0.1429 None',
      'LeadTimeHours Tier=qa WindowDays=7: 0.5 None',
      'DeploymentsPerDay Tier=staging WindowDays=7: 0.1429 None',
      'LeadTimeHours Tier=staging WindowDays=7: 1 None',
      'DeploymentsPerDay Tier=prod WindowDays=7: 0.1429 None',
      'LeadTimeHours Tier=prod WindowDays=7: 2 None',
      'ChangeFailureRate Tier=prod WindowDays=7: 0 Percent',
      'DeploymentsPerDay Tier=hotfix WindowDays=7: 0 None',
      'CostPerCommitUsd WindowDays=7: 0.37 None',
      'DeploymentsPerDay Tier=dev WindowDays=30: 0.0333 None',
      'LeadTimeHours Tier=dev WindowDays=30: 0.25 None',
      'DeploymentsPerDay Tier=qa WindowDays=30: 0.0333 None',
      'LeadTimeHours Tier=qa WindowDays=30: 0.5 None',
      'DeploymentsPerDay Tier=staging WindowDays=30: 0.0333 None',
      'LeadTimeHours Tier=staging WindowDays=30: 1 None',
      'DeploymentsPerDay Tier=prod WindowDays=30: 0.0333 None',
      'LeadTimeHours Tier=prod WindowDays=30: 2 None',
      'ChangeFailureRate Tier=prod WindowDays=30: 0 Percent',
      'DeploymentsPerDay Tier=hotfix WindowDays=30: 0 None',
      'CostPerCommitUsd WindowDays=30: 0.37 None',
    ]);
  });

  test('what it reads of the log group is each event cut to what it reads, builds IN_PROGRESS left out', async () => {
    const { reader } = logGroup();
    const kept = await readEvents(reader, '/shop/delivery-events', NOW, 31);
    // The plain run: 29 events (the other app's included), of which one build IN_PROGRESS.
    expect(PLAIN_RUN).toHaveLength(29);
    expect(kept).toHaveLength(28);
    expect(kept).toEqual(PLAIN_RUN.map(recordedEvent).filter(e => e !== undefined));
    expect(JSON.stringify(kept)).not.toMatch(/phases|deep-link|"region"|"account"/);
  });

  test('keeps of each event only the fields it reads, and no build IN_PROGRESS', () => {
    const build = buildStateChange('shop-synth', 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', at('12-30 09:00:30'), at('12-30 09:03:40'));
    expect(recordedEvent(build)).toEqual({
      'detail-type': 'CodeBuild Build State Change',
      'time': '2026-12-30T09:03:40Z',
      'detail': {
        'build-status': 'SUCCEEDED',
        'build-id': build.detail['build-id'],
        'additional-information': { 'environment': { 'compute-type': 'BUILD_GENERAL1_SMALL' }, 'build-start-time': 'Dec 30, 2026 9:00:30 AM' },
      },
    });
    expect(recordedEvent(buildStateChange('shop-synth', 'IN_PROGRESS', 'BUILD_GENERAL1_SMALL', at('12-30 09:00:30'), at('12-30 09:00:31')))).toBeUndefined();
    expect(recordedEvent(pipelineExecution('shop', 'r1', 'STARTED', at('12-30 09:00'), 'ManualRollback'))).toEqual({
      'detail-type': 'CodePipeline Pipeline Execution State Change',
      'time': '2026-12-30T09:00:00Z',
      'detail': { 'pipeline': 'shop', 'execution-id': 'r1', 'state': 'STARTED', 'execution-trigger': { 'trigger-type': 'ManualRollback', 'trigger-detail': '' } },
    });
    expect(recordedEvent(actionExecution('shop', 'a1', 'Prod', 'Approve', ACTION_TYPE.APPROVAL, 'STARTED', at('12-30 10:00')))).toEqual({
      'detail-type': 'CodePipeline Action Execution State Change',
      'time': '2026-12-30T10:00:00Z',
      'detail': { 'pipeline': 'shop', 'execution-id': 'a1', 'stage': 'Prod', 'action': 'Approve', 'state': 'STARTED', 'type': { category: 'Approval', owner: 'AWS' } },
    });
    expect(recordedEvent({ 'detail-type': 'CodeBuild Build Phase Change', 'time': at('12-30 09:00'), 'detail': {} })).toBeUndefined();
  });

  test('a month at 20 commits a day: every tier deployed 20 times a day', async () => {
    // A run every 72 minutes (20 a day), from Dec 1 00:07 back and forth, each the plain run's shape:
    // Dev deployed 15 min after the start, QA at 30, Staging at 60, Prod at 120 (after a 40-minute
    // approval); a synth build of 3 min 10 s (4 billed minutes at 0.005) and a Prod deploy build of
    // 20 min (20 at 0.01), and 10 + 15 + 30 + 20 = 75 billed action minutes at 0.002: 0.37 USD per commit. Any 30 days hold 43,200 / 72 = 600 of each, the last 7
    // days 10,080 / 72 = 140: 20 a day for every tier. The log group answers a page per run, made
    // when asked, as FilterLogEvents pages through a month.
    const first = -3;
    const last = 599;
    const minute = 60 * 1000;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
    const run = (r: number) => {
      const t = Date.parse('2026-12-01T00:07:00Z') + r * 72 * minute;
      const x = `m${r}`;
      const stage = (name: string, from: number, to: number) => [
        stageExecution('shop', x, name, 'STARTED', iso(t + from * minute)),
        actionExecution('shop', x, name, 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', iso(t + from * minute)),
        actionExecution('shop', x, name, 'Deploy', ACTION_TYPE.CODEBUILD, 'SUCCEEDED', iso(t + to * minute)),
        stageExecution('shop', x, name, 'SUCCEEDED', iso(t + to * minute)),
      ];
      return [
        pipelineExecution('shop', x, 'STARTED', iso(t)),
        ...stage('Dev', 5, 15), ...stage('QA', 15, 30), ...stage('Staging', 30, 60),
        stageExecution('shop', x, 'Prod', 'STARTED', iso(t + 60 * minute)),
        actionExecution('shop', x, 'Prod', 'Approve', ACTION_TYPE.APPROVAL, 'STARTED', iso(t + 60 * minute)),
        actionExecution('shop', x, 'Prod', 'Approve', ACTION_TYPE.APPROVAL, 'SUCCEEDED', iso(t + 100 * minute)),
        actionExecution('shop', x, 'Prod', 'Deploy', ACTION_TYPE.CODEBUILD, 'STARTED', iso(t + 100 * minute)),
        actionExecution('shop', x, 'Prod', 'Deploy', ACTION_TYPE.CODEBUILD, 'SUCCEEDED', iso(t + 120 * minute)),
        stageExecution('shop', x, 'Prod', 'SUCCEEDED', iso(t + 120 * minute)),
        pipelineExecution('shop', x, 'SUCCEEDED', iso(t + 120 * minute)),
        buildStateChange(`shop-synth-${x}`, 'IN_PROGRESS', 'BUILD_GENERAL1_SMALL', iso(t + 30 * 1000), iso(t + 31 * 1000)),
        buildStateChange(`shop-synth-${x}`, 'SUCCEEDED', 'BUILD_GENERAL1_SMALL', iso(t + 30 * 1000), iso(t + 220 * 1000)),
        buildStateChange(`shop-Prod-Deploy-${x}`, 'SUCCEEDED', 'BUILD_GENERAL1_MEDIUM', iso(t + 100 * minute), iso(t + 120 * minute)),
      ].map(event => ({ message: JSON.stringify(event) }));
    };
    const reader: LogReader = {
      async filterLogEvents(input) {
        const r = input.nextToken === undefined ? first : Number(input.nextToken);
        return { events: run(r), nextToken: r < last ? String(r + 1) : undefined };
      },
    };
    const { writer, calls } = cloudWatch();
    await publishDeliveryMetrics(environment, reader, writer, NOW);
    const value = (name: string, window: string, tier?: string) => calls.flatMap(c => c.MetricData)
      .find(d => d.MetricName === name && d.Dimensions.some(dim => dim.Name === 'WindowDays' && dim.Value === window)
        && (tier === undefined || d.Dimensions.some(dim => dim.Name === 'Tier' && dim.Value === tier)))?.Value;
    for (const tier of ['dev', 'qa', 'staging', 'prod']) {
      expect([tier, value('DeploymentsPerDay', '30', tier), value('DeploymentsPerDay', '7', tier)]).toEqual([tier, 20, 20]);
    }
    expect(value('LeadTimeHours', '30', 'prod')).toBe(2);
    expect(value('ChangeFailureRate', '30', 'prod')).toBe(0);
    expect(value('CostPerCommitUsd', '30')).toBeCloseTo(0.37, 9);
  });

  test('names the environment variable it lacks', async () => {
    const { reader } = logGroup();
    const { writer } = cloudWatch();
    const withoutNamespace = { ...environment, [METRICS_FUNCTION_ENVIRONMENT.NAMESPACE]: undefined };
    await expect(publishDeliveryMetrics(withoutNamespace, reader, writer, NOW)).rejects.toThrow('the environment variable DELIVERY_METRICS_NAMESPACE is not set');
  });
});
