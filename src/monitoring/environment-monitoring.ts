import { Duration, Names, Stack, Stage, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARM_SETTINGS, EVENT_PATTERNS } from './private/alarm-settings';
import { acceptAlarmWithoutAction } from '../private/alarm-without-action';
import { ValidationErrors, validationError } from '../private/validation-errors';
import { StageProfile } from '../tiers/stage-profile';
import { AlarmSeverity } from '../tiers/tier-profile';

/**
 * What an environment's monitoring watches and how loudly. Every field is optional: the tier's
 * alarm severity decides the defaults.
 */
export interface MonitoringOptions {
  /**
   * What the alarms do: RECORD_ONLY changes state on the dashboard and notifies no one; NOTIFY
   * and PAGE notify the alarm topic (PAGE at the first bad data point).
   *
   * @default - the tier's `alarmSeverity`; NOTIFY outside an `IsolatedEnvironment`
   */
  readonly alarmSeverity?: AlarmSeverity;

  /**
   * Whether GuardDuty findings of high severity (7 or more) and Security Hub findings of critical
   * severity alarm. Switch off where a central security team already watches the organization's
   * findings.
   *
   * @default true
   */
  readonly securityFindings?: boolean;

  /**
   * Whether failed, aborted or expired AWS Backup backup, copy and restore jobs (restore tests
   * included) alarm.
   *
   * @default true
   */
  readonly backupJobs?: boolean;
}

/** Properties of an `EnvironmentMonitoring`. */
export interface EnvironmentMonitoringProps extends MonitoringOptions {
  /** The topic alarms and findings notify (unless the severity is RECORD_ONLY). */
  readonly alarmTopic: sns.ITopic;

  /**
   * The dashboard's name.
   *
   * @default - a unique name
   */
  readonly dashboardName?: string;

  /**
   * The VPC whose NAT gateways are watched: port allocation errors and dropped packets alarm.
   * Only a VPC created in this app has NAT gateways the library can see.
   *
   * @default - no NAT gateway alarms
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Whether the account runs EventBridge Scheduler schedules (the `CostScheduler`'s off-hours
   * schedules) whose failed or dropped invocations alarm.
   *
   * @default false
   */
  readonly offHoursSchedules?: boolean;
}

/** Options of `monitorLambda`. */
export interface LambdaMonitoringOptions {
  /**
   * How many errors in five minutes raise the alarm.
   *
   * @default - 1 where alarms page, 5 elsewhere
   */
  readonly errorThreshold?: number;
}

/**
 * An environment's monitoring: a CloudWatch dashboard and alarms whose actions its tier decides
 * (Dev and QA record only, Staging and Demo notify, Prod and Hotfix page), for failed AWS Backup
 * jobs, GuardDuty and Security Hub findings (through EventBridge rules, whose notifications carry
 * the finding), failed off-hours schedules, NAT gateway errors, and the workload: hand it your
 * alarms with `addAlarm()` (from any library, cdk-monitoring-constructs included) and your
 * functions with `monitorLambda()`.
 *
 * `IsolatedEnvironment` makes one for every environment, in a stack of its own (`env.monitoring`),
 * so the dashboard may show the workload's resources. Failed pipeline runs are not here: the
 * pipeline runs in the tooling account, and `MultiEnvPipeline` notifies its own topic of them.
 *
 * @example
 * import * as cdk from 'aws-cdk-lib';
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { EnvironmentTier, IsolatedEnvironment } from 'cdk-multi-env';
 *
 * const app = new cdk.App();
 * const prod = new IsolatedEnvironment(app, 'Prod', {
 *   tier: EnvironmentTier.PROD,
 *   appName: 'shop',
 *   account: '444444444444',
 *   region: 'eu-west-1',
 *   toolingAccount: '999999999999',
 *   cidr: '10.40.0.0/16',
 * });
 * const api = new cdk.Stack(prod, 'Api');
 * const handler = new lambda.Function(api, 'Handler', {
 *   runtime: lambda.Runtime.NODEJS_20_X,
 *   handler: 'index.handler',
 *   code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
 * });
 * prod.monitoring.monitorLambda(handler);
 */
export class EnvironmentMonitoring extends Construct {
  /** What the alarms do. */
  public readonly alarmSeverity: AlarmSeverity;
  /** The topic alarms and findings notify. */
  public readonly alarmTopic: sns.ITopic;
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  /** Read by the dashboard's alarm status widget when the dashboard is synthesized, so alarms added later show. */
  private readonly watched: cloudwatch.IAlarm[] = [];
  private readonly lambdas = new Set<string>();

  constructor(scope: Construct, id: string, props: EnvironmentMonitoringProps) {
    super(scope, id);
    const environment = StageProfile.of(Stage.of(this));
    this.alarmSeverity = props.alarmSeverity ?? environment?.profile.alarmSeverity ?? AlarmSeverity.NOTIFY;
    this.alarmTopic = props.alarmTopic;
    if (props.dashboardName !== undefined && !Token.isUnresolved(props.dashboardName) && !/^[A-Za-z0-9_-]{1,255}$/.test(props.dashboardName)) {
      const errors = new ValidationErrors(`EnvironmentMonitoring '${id}'`, this);
      errors.add('dashboardName', `is '${props.dashboardName}'; expected 1 to 255 letters, digits, hyphens and underscores`);
      errors.throwIfAny();
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    const title = environment ? `${environment.environmentName} (alarms: ${this.alarmSeverity})` : `alarms: ${this.alarmSeverity}`;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `# ${title}`, width: 24, height: 1 }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.watched, width: 24, height: 6 }),
    );

    if (props.backupJobs ?? true) this._watchEvents(this, 'BackupJobFailed', 'An AWS Backup backup, copy or restore job failed', EVENT_PATTERNS.backupJobFailed);
    if (props.securityFindings ?? true) {
      this._watchEvents(this, 'GuardDutyFinding', 'GuardDuty reported a finding of high severity', EVENT_PATTERNS.guardDutyHighSeverity);
      this._watchEvents(this, 'SecurityHubFinding', 'Security Hub reported a critical finding', EVENT_PATTERNS.securityHubCritical);
    }
    if (props.offHoursSchedules) this.watchSchedules();
    if (props.vpc) this.watchNatGateways(props.vpc);
  }

  /** The alarms the monitoring created or was given. */
  public get alarms(): cloudwatch.IAlarm[] {
    return [...this.watched];
  }

  /**
   * Puts an alarm of your own on the dashboard and gives it the actions of the environment's
   * severity: the alarm topic, unless alarms only record. Works for any alarm, for example those
   * cdk-monitoring-constructs creates.
   */
  public addAlarm(alarm: cloudwatch.AlarmBase): void {
    if (this.watched.includes(alarm)) {
      throw validationError(`EnvironmentMonitoring '${this.node.id}': addAlarm: alarm is ${alarm.node.path}, which is already watched; add each alarm once`, this);
    }
    if (this.alarmSeverity !== AlarmSeverity.RECORD_ONLY) {
      alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    } else {
      acceptAlarmWithoutAction(alarm, 'The environment\'s tier records alarms only (AlarmSeverity.RECORD_ONLY): they show on its dashboard and notify no one, '
        + 'as the tier profile decides for environments nobody is on call for');
    }
    this.watched.push(alarm);
  }

  /**
   * Watches a Lambda function: alarms on its errors and throttles, and graphs its invocations,
   * errors, throttles and duration on the dashboard.
   *
   * @returns the alarms created
   */
  public monitorLambda(fn: lambda.IFunction, options: LambdaMonitoringOptions = {}): cloudwatch.Alarm[] {
    const errors = new ValidationErrors(`EnvironmentMonitoring '${this.node.id}': monitorLambda`, this);
    const threshold = options.errorThreshold ?? ALARM_SETTINGS[this.alarmSeverity].lambdaErrors;
    if (!Number.isInteger(threshold) || threshold < 1) errors.add('errorThreshold', `is ${threshold}; expected a whole number, 1 or more`);
    const key = Names.uniqueId(fn);
    if (this.lambdas.has(key)) errors.add('fn', `is ${fn.node.path}, which is already monitored; monitor each function once`);
    errors.throwIfAny();
    this.lambdas.add(key);

    const scope = new Construct(this, `Lambda${key}`);
    const period = Duration.minutes(5);
    const created = [
      this.metricAlarm(scope, 'Errors', `${fn.node.path}: ${threshold} or more errors in 5 minutes`,
        fn.metricErrors({ statistic: 'Sum', period }), threshold),
      this.metricAlarm(scope, 'Throttles', `${fn.node.path}: invocations throttled`,
        fn.metricThrottles({ statistic: 'Sum', period }), 1),
    ];
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `${fn.node.id}: invocations, errors, throttles`,
        left: [fn.metricInvocations({ period }), fn.metricErrors({ period }), fn.metricThrottles({ period })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: `${fn.node.id}: duration`,
        left: [fn.metricDuration({ statistic: 'p50', period }), fn.metricDuration({ statistic: 'p99', period })],
        width: 12,
      }),
    );
    return created;
  }

  /** A metric alarm with the severity's evaluation and actions, on the dashboard. */
  private metricAlarm(scope: Construct, id: string, description: string, metric: cloudwatch.IMetric, threshold: number): cloudwatch.Alarm {
    const settings = ALARM_SETTINGS[this.alarmSeverity];
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: settings.evaluationPeriods,
      datapointsToAlarm: settings.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.addAlarm(alarm);
    return alarm;
  }

  /**
   * An EventBridge rule for events that need a person, and an alarm that counts them. The rule
   * notifies the topic (so the notification carries the event: which job, which finding); the
   * alarm puts the count on the dashboard and has no action of its own, so no one hears twice.
   * Both go in `scope` (the monitoring's, or a part's that watches events of its own, such as drift
   * detection); the notification is `message`, built from the event (the event itself when none);
   * the alarm stays red for `period` after each event.
   *
   * @internal
   */
  public _watchEvents(scope: Construct, id: string, description: string, eventPattern: events.EventPattern,
    message?: events.RuleTargetInput, period: Duration = Duration.minutes(5)): void {
    const notify = this.alarmSeverity !== AlarmSeverity.RECORD_ONLY;
    const rule = new events.Rule(scope, id, {
      description,
      eventPattern,
      targets: notify ? [new targets.SnsTopic(this.alarmTopic, { message })] : [],
    });
    const metric = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'TriggeredRules',
      dimensionsMap: { RuleName: rule.ruleName },
      statistic: 'Sum',
      period,
    });
    const alarm = new cloudwatch.Alarm(scope, `${id}Alarm`, {
      alarmDescription: `${description} (the rule ${notify ? 'notified the alarm topic' : 'notifies no one: alarms record only'})`,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    acceptAlarmWithoutAction(alarm, notify
      ? `The EventBridge rule ${id} notifies the alarm topic with the event itself; this alarm only counts the events for the dashboard, so no one is told twice`
      : 'The environment\'s tier records alarms only (AlarmSeverity.RECORD_ONLY): the events are counted on its dashboard and notify no one, as the tier profile decides');
    this.watched.push(alarm);
  }

  /** EventBridge Scheduler's account-wide metrics: a schedule's API call failed, or was dropped after its retries. */
  private watchSchedules(): void {
    const period = Duration.minutes(5);
    const metric = (metricName: string) => new cloudwatch.Metric({ namespace: 'AWS/Scheduler', metricName, statistic: 'Sum', period });
    const failures = new cloudwatch.MathExpression({
      expression: 'FILL(errors, 0) + FILL(dropped, 0)',
      usingMetrics: { errors: metric('TargetErrorCount'), dropped: metric('InvocationDroppedCount') },
      label: 'Failed schedule invocations',
      period,
    });
    this.metricAlarm(this, 'SchedulesFailing', 'Off-hours schedules failed: something was not scaled down or, worse, not back up', failures, 1);
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Off-hours schedules: failed invocations', left: [failures], width: 12 }));
  }

  /** NAT gateways out of ports drop connections; dropped packets mean the gateway or its zone is in trouble. */
  private watchNatGateways(vpc: ec2.IVpc): void {
    const gateways = vpc.node.findAll().filter((c): c is ec2.CfnNatGateway => c instanceof ec2.CfnNatGateway);
    if (gateways.length === 0) return;
    const period = Duration.minutes(5);
    const sum = (metricName: string, label: string, prefix: string) => new cloudwatch.MathExpression({
      expression: gateways.map((_, i) => `FILL(${prefix}${i}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(gateways.map((g, i) => [`${prefix}${i}`, new cloudwatch.Metric({
        namespace: 'AWS/NATGateway', metricName, dimensionsMap: { NatGatewayId: g.ref }, statistic: 'Sum', period,
      })])),
      label,
      period,
    });
    const portErrors = sum('ErrorPortAllocation', 'NAT port allocation errors', 'ports');
    const dropped = sum('PacketsDropCount', 'NAT packets dropped', 'drops');
    const settings = ALARM_SETTINGS[this.alarmSeverity];
    this.metricAlarm(this, 'NatPortAllocationErrors', `NAT gateways of ${Stack.of(vpc).stackName}: could not allocate a source port (connections fail)`, portErrors, 1);
    this.metricAlarm(this, 'NatPacketsDropped', `NAT gateways of ${Stack.of(vpc).stackName}: ${settings.natDroppedPackets} or more packets dropped in 5 minutes`, dropped, settings.natDroppedPackets);
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'NAT gateways: errors and drops', left: [portErrors, dropped], width: 12 }));
  }
}
