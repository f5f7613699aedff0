import * as path from 'path';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DeliveryAlarmOptions } from './delivery-alarms';
import { DeliveryPipelines } from './metrics/four-keys';
import { DELIVERY_DIMENSION, DELIVERY_METRIC, DELIVERY_WINDOWS_DAYS } from './metrics/metric-names';
import { METRICS_FUNCTION_ENVIRONMENT } from './metrics/metrics-handler';
import { acknowledgeDeliveryMetrics } from './private/pipeline-acknowledgements';
import { newestNodeRuntime } from '../private/newest-node-runtime';
import { schedulerOfAccount } from '../private/scheduler-principal';
import { ValidationErrors } from '../private/validation-errors';

/** What the delivery metrics are measured from, and where they are published. */
export interface DeliveryMetricsProps {
  /** The delivery record (`DeliveryEvents`). */
  readonly record: logs.ILogGroup;
  /** The lanes' pipelines by name, the tier each of their stages deploys, and which tier is production. */
  readonly pipelines: DeliveryPipelines;
  /** The CloudWatch namespace the metrics are published in: the app's own. */
  readonly namespace: string;
  /** USD per billed build-minute, by CodeBuild compute type. */
  readonly pricePerBuildMinute: Record<string, number>;
  /** USD per billed action-execution minute of a V2 pipeline. */
  readonly pricePerActionMinute: number;
  /** The key the function's own log group is encrypted with (the record's). */
  readonly encryptionKey?: kms.IKey;
  /** The dashboard's name. */
  readonly dashboardName: string;
}

/**
 * DORA's four keys per tier (deployment frequency, lead time for changes, and for production the
 * change failure rate and the time to restore) and the billed cost of a commit (CodeBuild's minutes and CodePipeline's action minutes), over the last 7
 * and 30 days, computed every hour from the delivery record and published as CloudWatch metrics
 * (src/pipeline/metrics/: what counts as a deploy, a failure and a restore is decided there).
 *
 * A function, not metric filters and metric math: those count or sum events one at a time, where
 * each of these figures pairs events of different executions (a deploy with its execution's start, a
 * production deployment with the rollback, failed bake or hotfix after it, a failure with the next
 * good deploy) or of one execution's stages (a tier is deployed once its last stage succeeded).
 */
export class DeliveryMetrics extends Construct {
  /** How often the metrics are computed. */
  public static readonly INTERVAL = Duration.hours(1);

  public readonly function: lambda.Function;
  /** Where the metrics are read: production's keys and the cost per commit over 7 and 30 days, each tier's frequency and lead time over 7. */
  public readonly dashboard: cloudwatch.Dashboard;
  private readonly namespace: string;
  private readonly productionTier?: string;

  constructor(scope: Construct, id: string, props: DeliveryMetricsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Its own log group, kept a year and encrypted like the record it reads; its role writes there and
    // nowhere else (not AWSLambdaBasicExecutionRole's every log group).
    const log = new logs.LogGroup(this, 'Log', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN, encryptionKey: props.encryptionKey });
    const role = new iam.Role(this, 'FunctionRole', {
      description: 'The delivery metrics\' function: reads the delivery record, publishes the metrics',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    log.grantWrite(role);
    this.function = new lambda.Function(this, 'Function', {
      description: 'Computes the delivery metrics (DORA\'s four keys per tier, and the cost of a commit) from the delivery record',
      runtime: newestNodeRuntime(),
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'pipeline', 'metrics', 'metrics-function')),
      // A month of events of a busy pipeline, read page by page.
      timeout: Duration.minutes(5),
      memorySize: 512,
      environment: {
        [METRICS_FUNCTION_ENVIRONMENT.LOG_GROUP]: props.record.logGroupName,
        [METRICS_FUNCTION_ENVIRONMENT.PIPELINES]: stack.toJsonString(props.pipelines),
        [METRICS_FUNCTION_ENVIRONMENT.PRICE_PER_BUILD_MINUTE]: JSON.stringify(props.pricePerBuildMinute),
        [METRICS_FUNCTION_ENVIRONMENT.PRICE_PER_ACTION_MINUTE]: String(props.pricePerActionMinute),
        [METRICS_FUNCTION_ENVIRONMENT.NAMESPACE]: props.namespace,
      },
      logGroup: log,
      role,
      // Should it fail, the next hour computes the same figures again: no retries of a failed run.
      retryAttempts: 0,
    });
    // Reads the record (FilterLogEvents on its log group), and publishes in its namespace only
    // (PutMetricData has no resource; its `cloudwatch:namespace` condition key names the namespace:
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
    props.record.grant(this.function, 'logs:FilterLogEvents');
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': props.namespace } },
    }));
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler runs the delivery metrics every hour',
      assumedBy: schedulerOfAccount(this),
    });
    new scheduler.Schedule(this, 'Schedule', {
      description: 'Computes the delivery metrics every hour',
      schedule: scheduler.ScheduleExpression.rate(DeliveryMetrics.INTERVAL),
      target: new schedulerTargets.LambdaInvoke(this.function, { role: schedulerRole }),
    });
    acknowledgeDeliveryMetrics(role, this.function, schedulerRole);
    this.namespace = props.namespace;
    const tiers = Object.values(props.pipelines.pipelines).flatMap(p => Object.values(p.stageTiers));
    this.productionTier = tiers.includes(props.pipelines.productionTier) ? props.pipelines.productionTier : undefined;
    this.dashboard = this.newDashboard(props.dashboardName, props.pipelines);
  }

  /**
   * Alarms on production's keys over the last 7 days, to `topic`. A window without a production
   * deployment publishes no value: missing data is not breaching. So that silence means no news
   * rather than a broken function, two more alarms: one when the function fails (an error or its
   * timeout) in an hour, one when no metric has been published for three hours (the function not
   * invoked at all: production's deployment frequency is published every hour, 0 included).
   */
  public addAlarms(options: DeliveryAlarmOptions, topic: sns.ITopic): void {
    const production = this.productionTier;
    if (production === undefined) return;
    const alarm = (id: string, description: string, metric: cloudwatch.Metric, threshold: number) => {
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new cloudwatchActions.SnsAction(topic));
    };
    alarm('FunctionErrorsAlarm', 'The delivery metrics\' function failed: the delivery dashboard and its alarms show figures that are no longer recomputed (the function\'s log says why)',
      this.function.metricErrors({ period: DeliveryMetrics.INTERVAL, statistic: cloudwatch.Stats.SUM }), 0);
    new cloudwatch.Alarm(this, 'NotPublishedAlarm', {
      alarmDescription: 'The delivery metrics have not been published for three hours: the function is not running',
      metric: this.metric(DELIVERY_METRIC.DEPLOYMENT_FREQUENCY, DELIVERY_WINDOWS_DAYS[0], production)
        .with({ statistic: cloudwatch.Stats.SAMPLE_COUNT }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    }).addAlarmAction(new cloudwatchActions.SnsAction(topic));
    if (options.changeFailureRatePercent !== undefined) {
      alarm('ChangeFailureRateAlarm', `More than ${options.changeFailureRatePercent}% of ${production}'s deployments of the last 7 days failed`,
        this.metric(DELIVERY_METRIC.CHANGE_FAILURE_RATE, 7, production), options.changeFailureRatePercent);
    }
    if (options.productionLeadTime !== undefined) {
      alarm('LeadTimeAlarm', `The median lead time to ${production} over the last 7 days is longer than ${options.productionLeadTime.toHumanString()}`,
        this.metric(DELIVERY_METRIC.LEAD_TIME, 7, production), options.productionLeadTime.toMinutes({ integral: false }) / 60);
    }
  }

  /** A key of a tier (none for the cost per commit) over a window, as the function publishes it: its last hourly value. */
  public metric(name: string, windowDays: number, tier?: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: name,
      dimensionsMap: { ...tier === undefined ? {} : { [DELIVERY_DIMENSION.TIER]: tier }, [DELIVERY_DIMENSION.WINDOW]: String(windowDays) },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: DeliveryMetrics.INTERVAL,
    });
  }

  /**
   * Production's four keys and the cost of a commit as numbers, over 7 and over 30 days; then each key
   * of every tier over time (the 7-day window, hour by hour): where delivery got faster or slower, and
   * where it broke. Every widget reads the metrics the function publishes.
   */
  private newDashboard(dashboardName: string, pipelines: DeliveryPipelines): cloudwatch.Dashboard {
    const tiers = [...new Set(Object.values(pipelines.pipelines).flatMap(p => Object.values(p.stageTiers)))];
    const production = this.productionTier;
    const M = DELIVERY_METRIC;
    const labelled = (metric: cloudwatch.Metric, label: string) => metric.with({ label });
    const windows = (name: string, tier?: string) => DELIVERY_WINDOWS_DAYS.map(days => labelled(this.metric(name, days, tier), `${days} days`));
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName, defaultInterval: Duration.days(7) });
    dashboard.addWidgets(new cloudwatch.TextWidget({
      markdown: '# Delivery\nDORA\'s four keys per tier and the billed cost of a commit (CodeBuild and CodePipeline minutes), recomputed every hour from the pipelines\' '
        + 'record of their runs (each figure over the last 7 and the last 30 days). How each is counted: the README of cdk-multi-env, "The delivery record".',
      width: 24,
      height: 2,
    }));
    const single = (title: string, name: string, tier?: string) =>
      new cloudwatch.SingleValueWidget({ title, metrics: windows(name, tier), width: 6, height: 4 });
    dashboard.addWidgets(
      ...production ? [
        single(`Deployments per day (${production})`, M.DEPLOYMENT_FREQUENCY, production),
        single(`Lead time, hours (${production})`, M.LEAD_TIME, production),
        single(`Change failure rate, % (${production})`, M.CHANGE_FAILURE_RATE, production),
        single(`Time to restore, hours (${production})`, M.TIME_TO_RESTORE, production),
      ] : [],
    );
    const overTime = (title: string, name: string) => new cloudwatch.GraphWidget({
      title, width: 12, height: 6, left: tiers.map(tier => labelled(this.metric(name, DELIVERY_WINDOWS_DAYS[0], tier), tier)),
    });
    dashboard.addWidgets(overTime('Deployments per day, last 7 days', M.DEPLOYMENT_FREQUENCY), overTime('Lead time (median hours), last 7 days', M.LEAD_TIME));
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Cost per commit (USD)', width: 12, height: 6, left: windows(M.COST_PER_COMMIT) }),
      ...production ? [new cloudwatch.GraphWidget({
        title: `Change failure rate (%) and time to restore (hours), ${production}`,
        width: 12,
        height: 6,
        left: windows(M.CHANGE_FAILURE_RATE, production),
        right: windows(M.TIME_TO_RESTORE, production),
      })] : [],
    );
    return dashboard;
  }
}

/** Holds the options to what an alarm can take: a percent from 0 to 100, a lead time of at least an hour. */
export function validateDeliveryAlarms(options: DeliveryAlarmOptions | undefined, errors: ValidationErrors): void {
  const rate = options?.changeFailureRatePercent;
  if (rate !== undefined && !Token.isUnresolved(rate) && !(rate >= 0 && rate < 100)) {
    errors.add('deliveryAlarms.changeFailureRatePercent', `is ${rate}; expected a percent from 0 up to (not including) 100: the alarm fires above it`);
  }
  const lead = options?.productionLeadTime;
  if (lead !== undefined && !lead.isUnresolved() && lead.toMinutes({ integral: false }) < 60) {
    errors.add('deliveryAlarms.productionLeadTime', `is ${lead.toHumanString()}; expected at least 1 hour: the metric is computed every hour`);
  }
}
