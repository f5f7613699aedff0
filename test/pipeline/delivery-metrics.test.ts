import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DeliveryAlarmOptions, EnvironmentTier } from '../../src';
import { CODEBUILD_PRICES } from '../../src/pipeline/private/list-prices';
import { decide, deployedRole, resolve } from '../support/deployed-policies';
import { environment } from '../support/environments';
import { newPipeline, referenceTooling } from '../support/pipelines';

/**
 * The delivery metrics of the reference app's tooling stack: a function that reads the delivery
 * record every hour and publishes the keys in the app's namespace (what it computes is
 * test/pipeline/metrics/four-keys.test.ts's). What its role may do is decided by an offline IAM
 * policy simulator on the policies as CloudFormation deploys them.
 */
const { template, resources } = referenceTooling();
const TOOLING = { account: '999999999999', region: 'eu-west-1' };
const one = (prefix: string, type: string) => {
  const found = resources.filter(([id, r]) => id.startsWith(prefix) && r.Type === type);
  expect(found).toHaveLength(1);
  return found[0];
};
const [functionId, fn] = one('DeliveryDeliveryMetricsFunction', 'AWS::Lambda::Function');
const [recordId] = one('DeliveryDeliveryEventsLog', 'AWS::Logs::LogGroup');
const roleId = fn.Properties.Role['Fn::GetAtt'][0];
const role = deployedRole(template, roleId, TOOLING);

describe('the delivery metrics', () => {
  test('are computed every hour by the bundled function, which the schedule invokes', () => {
    const [, schedule] = one('DeliveryDeliveryMetricsSchedule', 'AWS::Scheduler::Schedule');
    expect(schedule.Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(schedule.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    expect(fn.Properties.Handler).toBe('index.handler');
    // Its code is an asset of the tooling stack: the bundle of src/pipeline/metrics/metrics-function.ts the package ships.
    expect(fn.Properties.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
    expect(fn.Properties.Runtime).toMatch(/^nodejs\d+\.x$/);
    // Handler `index.handler`: the bundle's index.js exports a function `handler` (it loads the AWS SDK the Lambda runtime includes).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundle = require(path.join(__dirname, '..', '..', 'assets', 'pipeline', 'metrics', 'metrics-function', 'index.js'));
    expect(typeof bundle.handler).toBe('function');
  });

  test('know the reference app\'s lanes: each stage by the tier it deploys, production\'s tier, the record, the prices and the app\'s namespace', () => {
    const variables = fn.Properties.Environment.Variables;
    expect(variables.DELIVERY_LOG_GROUP).toEqual({ Ref: recordId });
    expect(JSON.parse(variables.DELIVERY_PIPELINES)).toEqual({
      pipelines: {
        'Tooling-Delivery': { lane: 'main', stageTiers: { 'Dev': 'dev', 'QA': 'qa', 'Staging': 'staging', 'Prod': 'prod', 'Prod-us-east-1': 'prod', 'Demo': 'demo' } },
        'Tooling-Delivery-hotfix': { lane: 'hotfix', stageTiers: { 'Hotfix': 'hotfix', 'Prod': 'prod', 'Prod-us-east-1': 'prod' } },
      },
      productionTier: 'prod',
      // The deploy jobs of src/pipeline/environment-builds.ts: a change reached production once one succeeded in a production stage.
      deployActions: ['Deploy'],
    });
    // The pipelines' names as they are deployed.
    const pipelineNames = resources.filter(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline').map(([, r]) => r.Properties.Name);
    expect(pipelineNames).toEqual(expect.arrayContaining(['Tooling-Delivery', 'Tooling-Delivery-hotfix']));
    expect(JSON.parse(variables.PRICE_PER_BUILD_MINUTE)).toEqual(CODEBUILD_PRICES.perBuildMinute);
    expect(variables.DELIVERY_METRICS_NAMESPACE).toBe('cdk-multi-env/shop');
  });

  test('its function may read the record and publish in the app\'s namespace, and nothing else', async () => {
    const principal = `arn:aws:iam::${TOOLING.account}:role/${roleId}`;
    const record = `arn:aws:logs:eu-west-1:${TOOLING.account}:log-group:${recordId}:*`;
    const asFunction = (action: string, resource: string, context: Record<string, string> = {}) =>
      decide({ principal, action, resource, resourceAccount: TOOLING.account, context }, role.policies);
    expect(await asFunction('logs:FilterLogEvents', record)).toBe('Allowed');
    expect(await asFunction('logs:FilterLogEvents', `arn:aws:logs:eu-west-1:${TOOLING.account}:log-group:another-group:*`)).toBe('ImplicitlyDenied');
    expect(await asFunction('cloudwatch:PutMetricData', '*', { 'cloudwatch:namespace': 'cdk-multi-env/shop' })).toBe('Allowed');
    expect(await asFunction('cloudwatch:PutMetricData', '*', { 'cloudwatch:namespace': 'AWS/CodeBuild' })).toBe('ImplicitlyDenied');
    expect(await asFunction('logs:DeleteLogGroup', record)).toBe('ImplicitlyDenied');
  });

  test('its own log group is kept a year, encrypted like the record', () => {
    const [, log] = one('DeliveryDeliveryMetricsLog', 'AWS::Logs::LogGroup');
    expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: one('DeliveryDeliveryMetricsLog', 'AWS::Logs::LogGroup')[0] } });
    expect(log.Properties.RetentionInDays).toBe(365);
    expect(log.Properties.KmsKeyId).toEqual(template.Resources[recordId].Properties.KmsKeyId);
  });
});

describe('the delivery dashboard', () => {
  const [, dashboard] = one('DeliveryDeliveryMetricsDashboard', 'AWS::CloudWatch::Dashboard');
  const body = JSON.parse(resolve(dashboard.Properties.DashboardBody, template, TOOLING));
  const metricWidgets = body.widgets.filter((w: any) => w.type === 'metric');
  /** Each metric of a widget: [namespace, name, dimension name, value, ...]. */
  const metricsOf = (widget: any): string[][] => widget.properties.metrics.map((m: any[]) => m.filter(part => typeof part === 'string'));

  test('is named after the app, and every widget but its heading reads the metrics the function publishes', () => {
    expect(dashboard.Properties.DashboardName).toBe('shop-delivery');
    expect(body.widgets.filter((w: any) => w.type !== 'metric').map((w: any) => w.type)).toEqual(['text']);
    for (const widget of metricWidgets) {
      expect(metricsOf(widget).length).toBeGreaterThan(0);
      for (const metric of metricsOf(widget)) expect(metric[0]).toBe('cdk-multi-env/shop');
    }
  });

  test('shows the five figures: production\'s four keys and the cost of a commit over 7 and 30 days, frequency and lead time of every tier', () => {
    const titles = metricWidgets.map((w: any) => w.properties.title);
    expect(titles).toEqual([
      'Deployments per day (prod)', 'Lead time, hours (prod)', 'Change failure rate, % (prod)', 'Time to restore, hours (prod)',
      'Deployments per day, last 7 days', 'Lead time (median hours), last 7 days',
      'Cost per commit (USD)', 'Change failure rate (%) and time to restore (hours), prod',
    ]);
    const shown = new Set(metricWidgets.flatMap(metricsOf).map((m: string[]) => m[1]));
    expect([...shown].sort()).toEqual(['ChangeFailureRate', 'CostPerCommitUsd', 'DeploymentsPerDay', 'LeadTimeHours', 'TimeToRestoreHours']);
    // Production's keys, each over both windows.
    expect(metricsOf(metricWidgets[2])).toEqual([
      ['cdk-multi-env/shop', 'ChangeFailureRate', 'Tier', 'prod', 'WindowDays', '7'],
      ['cdk-multi-env/shop', 'ChangeFailureRate', 'Tier', 'prod', 'WindowDays', '30'],
    ]);
    // Every tier of both lanes over time.
    expect(metricsOf(metricWidgets[4]).map(m => m[3])).toEqual(['dev', 'qa', 'staging', 'prod', 'demo', 'hotfix']);
    expect(metricsOf(metricWidgets[6])).toEqual([
      ['cdk-multi-env/shop', 'CostPerCommitUsd', 'WindowDays', '7'],
      ['cdk-multi-env/shop', 'CostPerCommitUsd', 'WindowDays', '30'],
    ]);
  });
});

describe('the delivery alarms', () => {
  /** Dev, then Prod, with the alarms given. */
  function withAlarms(deliveryAlarms: DeliveryAlarmOptions) {
    const app = new cdk.App();
    const pipeline = newPipeline(app, { deliveryAlarms });
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV, { cidr: '10.0.0.0/16' }));
    const approvers = [iam.Role.fromRoleName(new cdk.Stack(app, 'People'), 'Approver', 'release-managers')];
    pipeline.addEnvironment(environment(app, EnvironmentTier.PROD, { cidr: '10.1.0.0/16' }), { approvers, bakeAlarmNames: ['prod-errors'] });
    return { pipeline, template: Template.fromStack(cdk.Stack.of(pipeline)) };
  }

  test('alarm on production\'s change failure rate and lead time over the last 7 days, to the notification topic; none unless asked', () => {
    const { pipeline, template: alarmed } = withAlarms({ changeFailureRatePercent: 15, productionLeadTime: cdk.Duration.hours(4) });
    // The keys' alarms (the one on nothing published is the next test's).
    const keyAlarms = (synthesized: Template) => Object.values(synthesized.findResources('AWS::CloudWatch::Alarm')).map(r => r.Properties)
      .filter(p => p.Namespace === 'cdk-multi-env/shop' && p.TreatMissingData === 'notBreaching');
    const alarms = keyAlarms(alarmed);
    const topic = cdk.Stack.of(pipeline).resolve((pipeline.notificationTopic as sns.Topic).topicArn);
    expect(alarms.map(a => [a.MetricName, a.Dimensions, a.Threshold, a.ComparisonOperator, a.TreatMissingData, a.AlarmActions])).toEqual([
      ['ChangeFailureRate', [{ Name: 'Tier', Value: 'prod' }, { Name: 'WindowDays', Value: '7' }], 15, 'GreaterThanThreshold', 'notBreaching', [topic]],
      ['LeadTimeHours', [{ Name: 'Tier', Value: 'prod' }, { Name: 'WindowDays', Value: '7' }], 4, 'GreaterThanThreshold', 'notBreaching', [topic]],
    ]);
    const { template: plain } = withAlarms({});
    expect(keyAlarms(plain)).toEqual([]);
  });

  test('with them, an alarm when the function fails in an hour, and one when nothing is published for three hours: silence from the others is then no news', () => {
    for (const options of [{}, { changeFailureRatePercent: 15 }]) {
      const { pipeline, template: alarmed } = withAlarms(options);
      const stack = cdk.Stack.of(pipeline);
      const metricsFunction = { Properties: { Description: Match.stringLikeRegexp('^Computes the delivery metrics') } };
      const functionName = { Ref: Object.keys(alarmed.findResources('AWS::Lambda::Function', metricsFunction))[0] };
      const errors = Object.values(alarmed.findResources('AWS::CloudWatch::Alarm')).map(r => r.Properties).filter(p => p.Namespace === 'AWS/Lambda');
      const fields = errors.map(a => [a.MetricName, a.Dimensions, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator, a.TreatMissingData,
        a.AlarmActions]);
      expect(fields).toEqual([
        ['Errors', [{ Name: 'FunctionName', Value: functionName }], 'Sum', 3600, 0, 'GreaterThanThreshold', 'notBreaching',
          [stack.resolve((pipeline.notificationTopic as sns.Topic).topicArn)]],
      ]);
      // Production's frequency is published every hour, 0 included: none in three hours is a function that did not run.
      const silent = Object.values(alarmed.findResources('AWS::CloudWatch::Alarm')).map(r => r.Properties)
        .filter(p => p.Namespace === 'cdk-multi-env/shop' && p.TreatMissingData === 'breaching');
      expect(silent.map(a => [a.MetricName, a.Dimensions, a.Statistic, a.Period, a.EvaluationPeriods, a.ComparisonOperator, a.Threshold])).toEqual([
        ['DeploymentsPerDay', [{ Name: 'Tier', Value: 'prod' }, { Name: 'WindowDays', Value: '7' }], 'SampleCount', 3600, 3, 'LessThanThreshold', 1],
      ]);
    }
  });

  test('without a production environment they are refused, not left out', () => {
    const app = new cdk.App();
    const pipeline = newPipeline(app, { deliveryAlarms: { changeFailureRatePercent: 15 } });
    pipeline.addEnvironment(environment(app, EnvironmentTier.DEV, { cidr: '10.0.0.0/16' }));
    expect(() => app.synth()).toThrow("MultiEnvPipeline 'Delivery': deliveryAlarms is set, but no production environment is in the pipeline, and the alarms "
      + 'watch production\'s delivery metrics; add the production environment, or leave deliveryAlarms out');
  });

  test.each([
    [{ changeFailureRatePercent: 100 }, 'deliveryAlarms.changeFailureRatePercent is 100; expected a percent from 0 up to (not including) 100: the alarm fires above it'],
    [{ changeFailureRatePercent: -5 }, 'deliveryAlarms.changeFailureRatePercent is -5; expected a percent from 0 up to (not including) 100: the alarm fires above it'],
    [{ productionLeadTime: cdk.Duration.minutes(30) }, 'deliveryAlarms.productionLeadTime is 30 minutes; expected at least 1 hour: the metric is computed every hour'],
  ])('%j is refused', (deliveryAlarms, message) => {
    expect(() => newPipeline(new cdk.App(), { deliveryAlarms })).toThrow(new Error(`[Tooling/Delivery] MultiEnvPipeline 'Delivery': ${message}`));
  });
});
