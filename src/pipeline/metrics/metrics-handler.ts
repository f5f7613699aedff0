// What the hourly delivery-metrics function runs: it reads the last 31 days of the pipelines' events
// from the tooling account's log group, computes the four keys and the cost of a commit per window
// (four-keys.ts), and publishes them as CloudWatch metrics (metric-names.ts). The calls to AWS go
// through `LogReader` and `MetricWriter`, shaped as the AWS SDK for JavaScript v3's FilterLogEvents
// and PutMetricData commands take and answer them, so that the function's handler binds them to
// `client.send(new FilterLogEventsCommand(input))` and `client.send(new PutMetricDataCommand(input))`.
import { DeliveryKeys, DeliveryPipelines, fourKeys } from './four-keys';
import { DELIVERY_DIMENSION, DELIVERY_METRIC, DELIVERY_WINDOWS_DAYS } from './metric-names';
import { DeliveryEvent, recordedEvent } from './recorded-events';

/** The function's environment variables, which the construct that makes it sets. */
export const METRICS_FUNCTION_ENVIRONMENT = {
  /** The log group the EventBridge rule writes the events to. */
  LOG_GROUP: 'DELIVERY_LOG_GROUP',
  /** The app's pipelines, a `DeliveryPipelines` as JSON. */
  PIPELINES: 'DELIVERY_PIPELINES',
  /** USD per build minute by CodeBuild compute type, as JSON (`{"BUILD_GENERAL1_SMALL":0.005}`). */
  PRICE_PER_BUILD_MINUTE: 'PRICE_PER_BUILD_MINUTE',
  /** USD per action-execution minute of a V2 pipeline, as a number. */
  PRICE_PER_ACTION_MINUTE: 'PRICE_PER_ACTION_MINUTE',
  /** The CloudWatch namespace the metrics are published in. */
  NAMESPACE: 'DELIVERY_METRICS_NAMESPACE',
} as const;

/**
 * CloudWatch Logs' FilterLogEvents, with the fields used: times in milliseconds since the epoch,
 * one page per call (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html).
 */
export interface LogReader {
  filterLogEvents(input: { logGroupName: string; startTime: number; endTime: number; nextToken?: string }):
  Promise<{ events?: { message?: string }[]; nextToken?: string }>;
}

/** One metric value, as PutMetricData takes it. */
export interface MetricDatum {
  readonly MetricName: string;
  readonly Dimensions: { readonly Name: string; readonly Value: string }[];
  readonly Value: number;
  readonly Unit: 'None' | 'Percent';
  readonly Timestamp: Date;
}

/** CloudWatch's PutMetricData (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html). */
export interface MetricWriter {
  putMetricData(input: { Namespace: string; MetricData: MetricDatum[] }): Promise<unknown>;
}

/**
 * Metrics per PutMetricData call: 20, the limit PutMetricData long had (its reference has since
 * allowed more), so that every call stays within it whichever applies.
 */
const METRICS_PER_CALL = 20;

const DAY = 24 * 60 * 60 * 1000;

/** Reads the events, computes every window's keys at `now` and publishes them. */
export async function publishDeliveryMetrics(environment: Record<string, string | undefined>, reader: LogReader, writer: MetricWriter, now: Date):
Promise<void> {
  const pipelines: DeliveryPipelines = JSON.parse(variable(environment, METRICS_FUNCTION_ENVIRONMENT.PIPELINES));
  const pricePerBuildMinute: Record<string, number> = JSON.parse(variable(environment, METRICS_FUNCTION_ENVIRONMENT.PRICE_PER_BUILD_MINUTE));
  const pricePerActionMinute = Number(variable(environment, METRICS_FUNCTION_ENVIRONMENT.PRICE_PER_ACTION_MINUTE));
  const namespace = variable(environment, METRICS_FUNCTION_ENVIRONMENT.NAMESPACE);
  // A day more than the longest window: a run, stage or action that ended in the window may have started before it.
  const events = await readEvents(reader, variable(environment, METRICS_FUNCTION_ENVIRONMENT.LOG_GROUP), now, Math.max(...DELIVERY_WINDOWS_DAYS) + 1);
  const data = DELIVERY_WINDOWS_DAYS.flatMap(windowDays => {
    const keys = fourKeys(events, { pipelines, pricePerBuildMinute, pricePerActionMinute, now, windowDays });
    if (keys.unpriced.length > 0) {
      // In the function's log: the cost per commit of the window is left out, every other key published.
      console.warn(`no cost per commit over ${windowDays} days: builds ran on ${keys.unpriced.join(', ')}, which the price table does not have`);
    }
    return metricsOf(keys, now);
  });
  for (let first = 0; first < data.length; first += METRICS_PER_CALL) {
    await writer.putMetricData({ Namespace: namespace, MetricData: data.slice(first, first + METRICS_PER_CALL) });
  }
}

function variable(environment: Record<string, string | undefined>, name: string): string {
  const value = environment[name];
  if (!value) throw new Error(`the environment variable ${name} is not set`);
  return value;
}

/**
 * Every event of the log group in the `days` before `now`, page after page; each log event's message
 * is one event, whole, of which only what is read is kept (recordedEvent).
 */
export async function readEvents(reader: LogReader, logGroupName: string, now: Date, days: number): Promise<DeliveryEvent[]> {
  const events: DeliveryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await reader.filterLogEvents({ logGroupName, startTime: now.getTime() - days * DAY, endTime: now.getTime(), nextToken });
    for (const { message } of page.events ?? []) {
      const event = message ? recordedEvent(JSON.parse(message)) : undefined;
      if (event) events.push(event);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** A window's keys as metric values; a key with no value in the window (no deploy, no restore) is left out, not published as 0. */
function metricsOf(keys: DeliveryKeys, now: Date): MetricDatum[] {
  const window = { Name: DELIVERY_DIMENSION.WINDOW, Value: String(keys.windowDays) };
  const datum = (name: string, value: number | undefined, unit: MetricDatum['Unit'], dimensions: MetricDatum['Dimensions']): MetricDatum[] =>
    value === undefined ? [] : [{ MetricName: name, Dimensions: dimensions, Value: value, Unit: unit, Timestamp: now }];
  return [
    ...keys.tiers.flatMap(tier => {
      const dimensions = [{ Name: DELIVERY_DIMENSION.TIER, Value: tier.tier }, window];
      return [
        ...datum(DELIVERY_METRIC.DEPLOYMENT_FREQUENCY, tier.deploymentsPerDay, 'None', dimensions),
        ...datum(DELIVERY_METRIC.LEAD_TIME, tier.leadTimeHours, 'None', dimensions),
        ...datum(DELIVERY_METRIC.CHANGE_FAILURE_RATE, tier.changeFailureRatePercent, 'Percent', dimensions),
        ...datum(DELIVERY_METRIC.TIME_TO_RESTORE, tier.timeToRestoreHours, 'None', dimensions),
      ];
    }),
    ...datum(DELIVERY_METRIC.COST_PER_COMMIT, keys.costPerCommitUsd, 'None', [window]),
  ];
}
