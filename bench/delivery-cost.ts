import { USAGE_PRICES, PRICE_TABLE } from '../examples/list-prices';
import { buildsOf, mainPipeline, projectOf } from '../examples/pipeline-path';
import { DeliveryMetrics } from '../src/pipeline/delivery-metrics';
import { codeBuildStateChange, codePipelineStateChange } from '../test/support/aws-samples';

/**
 * What the delivery record and metrics cost a month at a team's pace, from the reference app's
 * tooling stack: the events one commit's run sends (every stage and action of the main pipeline
 * starting and ending, each build's IN_PROGRESS and end), each as large as the event AWS documents
 * for it with the app's own names (test/support/aws-samples.ts), ingested into the record and kept
 * a year; the custom metrics the function publishes (every tier's frequency and lead time, production's
 * failure rate and time to restore, the cost of a commit, each over two windows); the function's
 * invocations, counted at their longest (every one to its timeout); the dashboard; and the alarms
 * `deliveryAlarms` adds. Prices: examples/list-prices.ts.
 */
export interface DeliveryRunningCost {
  readonly commitsPerDay: number;
  readonly eventsPerCommit: number;
  readonly bytesPerCommit: number;
  readonly ingestedGbPerMonth: number;
  readonly ingestionUsd: number;
  /** Storage once the record holds a year (its retention), uncompressed: an upper bound. */
  readonly storageAfterAYearUsd: number;
  readonly customMetrics: number;
  readonly metricsUsd: number;
  readonly metricRequestsUsd: number;
  readonly functionInvocations: number;
  /** Every invocation to its timeout, at its memory. */
  readonly functionAtMostUsd: number;
  readonly dashboardUsd: number;
  readonly alarms: number;
  readonly alarmsUsd: number;
  /** All of the above, the alarms included. */
  readonly monthlyUsd: number;
}

const WHERE = { account: '111111111111', region: 'eu-west-1' };
const DAYS_PER_MONTH = 30;

export function deliveryRunningCost(tooling: any, commitsPerDay: number): DeliveryRunningCost {
  const pipeline = mainPipeline(tooling);
  const pipelineName = typeof (pipeline as any).Name === 'string' ? (pipeline as any).Name : 'pipeline';
  const run = { pipeline: pipelineName, executionId: '0123abcd-0123-4567-89ab-0123456789ab' };
  const size = (event: object) => Buffer.byteLength(JSON.stringify(event));
  const events: number[] = [];
  const twice = (event: object) => events.push(size(event), size(event));
  twice(codePipelineStateChange(WHERE, { ...run, state: 'SUCCEEDED' }));
  for (const stage of pipeline.Stages) {
    twice(codePipelineStateChange(WHERE, { ...run, state: 'SUCCEEDED', stage: stage.Name }));
    for (const action of stage.Actions) {
      const type = { owner: 'AWS', provider: action.ActionTypeId.Provider, category: action.ActionTypeId.Category, version: 1 };
      twice(codePipelineStateChange(WHERE, { ...run, state: 'SUCCEEDED', stage: stage.Name, action: action.Name, type }));
      if (action.ActionTypeId.Provider !== 'CodeBuild') continue;
      const project = projectOf(tooling, stage, action);
      const name = typeof project.Properties.Name === 'string' ? project.Properties.Name : `${pipelineName}-${stage.Name}-${action.Name}`;
      for (let build = 0; build < buildsOf(tooling, stage, action); build++) {
        events.push(size(codeBuildStateChange(WHERE, project, name, 'IN_PROGRESS')), size(codeBuildStateChange(WHERE, project, name, 'SUCCEEDED')));
      }
    }
  }
  const bytesPerCommit = events.reduce((sum, n) => sum + n, 0);
  const ingestedGbPerMonth = bytesPerCommit * commitsPerDay * DAYS_PER_MONTH / 1e9;

  const dashboard = Object.values<any>(tooling.Resources).find(r => r.Type === 'AWS::CloudWatch::Dashboard'
    && JSON.stringify(r.Properties.DashboardBody).includes('DeploymentsPerDay'));
  if (!dashboard) throw new Error('the tooling stack has no delivery dashboard');
  // Every tier is in the dashboard's frequency graph; production is the tier with a change failure rate.
  const body = JSON.stringify(dashboard.Properties.DashboardBody);
  const tiers = new Set([...body.matchAll(/DeploymentsPerDay\\",\\"Tier\\",\\"([^\\]+)\\"/g)].map(m => m[1]));
  const windows = 2;
  const customMetrics = windows * (2 * tiers.size + 2 + 1);

  const fn = Object.values<any>(tooling.Resources).find(r => r.Type === 'AWS::Lambda::Function'
    && String(r.Properties.Description).startsWith('Computes the delivery metrics'));
  if (!fn) throw new Error('the tooling stack has no delivery metrics function');
  const functionInvocations = DAYS_PER_MONTH * 24 * 60 / DeliveryMetrics.INTERVAL.toMinutes();
  const functionAtMostUsd = functionInvocations * (fn.Properties.Timeout * fn.Properties.MemorySize / 1024 * USAGE_PRICES.lambdaPerGbSecond
    + USAGE_PRICES.lambdaPerMillionRequests / 1e6);
  // PutMetricData takes 20 values a call (src/pipeline/metrics/metrics-handler.ts).
  const metricRequestsUsd = functionInvocations * Math.ceil(customMetrics / 20) * USAGE_PRICES.metricRequestsPer1000 / 1000;

  const monthly = (type: string) => PRICE_TABLE.find(p => p.type === type)!.usd;
  // deliveryAlarms with both thresholds: those two, the function's errors, and nothing published.
  const alarms = 4;
  const parts = {
    ingestionUsd: ingestedGbPerMonth * USAGE_PRICES.logIngestionPerGb,
    storageAfterAYearUsd: 12 * ingestedGbPerMonth * USAGE_PRICES.logStoragePerGbMonth,
    metricsUsd: customMetrics * USAGE_PRICES.customMetricPerMonth,
    metricRequestsUsd,
    functionAtMostUsd,
    dashboardUsd: monthly('AWS::CloudWatch::Dashboard'),
    alarmsUsd: alarms * monthly('AWS::CloudWatch::Alarm'),
  };
  return {
    commitsPerDay,
    eventsPerCommit: events.length,
    bytesPerCommit,
    ingestedGbPerMonth,
    customMetrics,
    functionInvocations,
    alarms,
    ...parts,
    monthlyUsd: Object.values(parts).reduce((sum, usd) => sum + usd, 0),
  };
}
