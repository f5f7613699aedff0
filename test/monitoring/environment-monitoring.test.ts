import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmSeverity, EnvironmentMonitoring, EnvironmentTier, IsolatedEnvironment } from '../../src';
import { environment, newApp } from '../support/environments';

const ALL_TIERS = EnvironmentTier.builtIn().map(tier => [tier.name, tier] as const);
/** The alarm topic of the foundation, as the monitoring stack imports it. */
const TOPIC = { 'Fn::ImportValue': Match.stringLikeRegexp('AlarmTopic') };
/** The same, for plain Jest comparisons. */
const TOPIC_IMPORT = { 'Fn::ImportValue': expect.stringMatching(/:ExportsOutputRefAlarmTopic/) };

function monitoringOf(env: IsolatedEnvironment): Template {
  return Template.fromStack(env.node.findChild('Monitoring') as cdk.Stack);
}

function fn(stack: cdk.Stack, id = 'Handler'): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
}

function alarmsOf(template: Template): any[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties);
}

describe('alarms by tier', () => {
  test.each(ALL_TIERS)('%s: metric alarms act as the tier\'s severity says', (_, tier) => {
    // GIVEN an environment with a function watched
    const env = environment(newApp(), tier);
    env.monitoring.monitorLambda(fn(new cdk.Stack(env, 'Api')));
    // THEN every metric alarm notifies the topic unless alarms only record
    const notify = tier.profile.alarmSeverity !== AlarmSeverity.RECORD_ONLY;
    const metricAlarms = alarmsOf(monitoringOf(env)).filter(a => a.MetricName !== 'TriggeredRules');
    expect(metricAlarms.length).toBeGreaterThanOrEqual(2);
    for (const alarm of metricAlarms) {
      expect(alarm.AlarmActions).toEqual(notify ? [TOPIC_IMPORT] : undefined);
    }
  });

  test.each(ALL_TIERS)('%s: Prod and Hotfix alarm at the first bad data point, the others at two of three', (_, tier) => {
    const env = environment(newApp(), tier);
    env.monitoring.monitorLambda(fn(new cdk.Stack(env, 'Api')));
    const page = tier.profile.alarmSeverity === AlarmSeverity.PAGE;
    monitoringOf(env).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: page ? 1 : 5,
      EvaluationPeriods: page ? 1 : 3,
      DatapointsToAlarm: page ? 1 : 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test.each(ALL_TIERS)('%s: NAT gateway alarms where the VPC has NAT gateways', (_, tier) => {
    const template = monitoringOf(environment(newApp(), tier));
    const nat = alarmsOf(template).filter(a => JSON.stringify(a.Metrics ?? []).includes('AWS/NATGateway'));
    expect(nat).toHaveLength(tier.profile.natGateways > 0 ? 2 : 0);
    if (tier.profile.natGateways === 0) return;
    const metricNames = nat.map(a => a.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName));
    expect(metricNames).toEqual([
      Array(tier.profile.natGateways).fill('ErrorPortAllocation'),
      Array(tier.profile.natGateways).fill('PacketsDropCount'),
    ]);
    for (const alarm of nat) {
      expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toEqual(
        Array.from({ length: tier.profile.natGateways }, (__, i) => `FILL(${alarm.Metrics[1 + i].Id}, 0)`).join(' + '));
      expect(alarm.Metrics[1].MetricStat.Metric.Dimensions).toEqual([{ Name: 'NatGatewayId', Value: { 'Fn::ImportValue': expect.stringMatching(/NATGateway/) } }]);
    }
  });

  test.each(ALL_TIERS)('%s: schedule failures alarm where the tier runs off-hours schedules', (_, tier) => {
    const alarms = alarmsOf(monitoringOf(environment(newApp(), tier)));
    const scheduler = alarms.filter(a => JSON.stringify(a.Metrics ?? []).includes('AWS/Scheduler'));
    expect(scheduler).toHaveLength(tier.profile.scaleDownOffHours ? 1 : 0);
    if (scheduler.length) {
      expect(scheduler[0].Metrics.map((m: any) => m.MetricStat?.Metric.MetricName ?? m.Expression))
        .toEqual(['FILL(errors, 0) + FILL(dropped, 0)', 'TargetErrorCount', 'InvocationDroppedCount']);
    }
  });

  test('a VPC the user brings: its NAT gateways are not the environment\'s to see, no NAT alarms', () => {
    const app = newApp();
    const network = new cdk.Stack(app, 'Network', { env: { account: '444444444444', region: 'eu-west-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(network, 'Existing', {
      vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], privateSubnetIds: ['subnet-1', 'subnet-2', 'subnet-3'],
    });
    const env = environment(app, EnvironmentTier.PROD, { vpc, cidr: undefined });
    expect(alarmsOf(monitoringOf(env)).filter(a => JSON.stringify(a.Metrics ?? []).includes('AWS/NATGateway'))).toEqual([]);
  });

  test('monitoring.alarmSeverity overrides the tier: Dev pages', () => {
    const env = environment(newApp(), EnvironmentTier.DEV, { monitoring: { alarmSeverity: AlarmSeverity.PAGE } });
    expect(env.profile.alarmSeverity).toBe(AlarmSeverity.PAGE);
    expect(env.monitoring.alarmSeverity).toBe(AlarmSeverity.PAGE);
    monitoringOf(env).hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.backup'] }, Targets: [Match.objectLike({ Arn: TOPIC })] });
  });
});

describe('events that need a person', () => {
  test.each(ALL_TIERS)('%s: failed backup jobs, GuardDuty and Security Hub findings: rules that notify as the tier says, alarms that count', (_, tier) => {
    const template = monitoringOf(environment(newApp(), tier));
    const notify = tier.profile.alarmSeverity !== AlarmSeverity.RECORD_ONLY;
    const patterns = [
      {
        'source': ['aws.backup'],
        'detail-type': ['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change'],
        'detail': { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      },
      { 'source': ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], 'detail': { severity: [{ numeric: ['>=', 7] }] } },
      {
        'source': ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        'detail': { findings: { Severity: { Label: ['CRITICAL'] }, Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'] } },
      },
    ];
    // Drift detection's rule (test/monitoring/drift-detection.test.ts) is not one of these.
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map(r => r.Properties)
      .filter(r => r.EventPattern.source[0] !== 'aws.cloudformation');
    expect(rules.map(r => r.EventPattern)).toEqual(patterns);
    for (const rule of rules) {
      expect(rule.Targets).toEqual(notify ? [{ Arn: TOPIC_IMPORT, Id: 'Target0' }] : undefined);
    }
    const counting = alarmsOf(template).filter(a => a.MetricName === 'TriggeredRules' && !a.AlarmDescription.includes('drifted'));
    expect(counting).toHaveLength(3);
    for (const alarm of counting) {
      expect(alarm).toMatchObject({ Namespace: 'AWS/Events', Threshold: 1, EvaluationPeriods: 1, Statistic: 'Sum', Period: 300 });
      // The rule notifies with the event itself; the alarm would only say it again.
      expect(alarm.AlarmActions).toBeUndefined();
    }
  });

  test('each can be switched off', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, {
      monitoring: { securityFindings: false, backupJobs: false },
      driftDetection: cdk.Duration.seconds(0),
    });
    monitoringOf(env).resourceCountIs('AWS::Events::Rule', 0);
  });
});

describe('the workload', () => {
  test('addAlarm: a user\'s alarm notifies the topic and shows on the dashboard, even when added after', () => {
    // GIVEN a production environment and an alarm of the workload's
    const env = environment(newApp(), EnvironmentTier.PROD);
    const api = new cdk.Stack(env, 'Api');
    const alarm = new cloudwatch.Alarm(api, 'Latency', {
      metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Latency' }), threshold: 500, evaluationPeriods: 1,
    });
    // WHEN
    env.monitoring.addAlarm(alarm);
    // THEN
    Template.fromStack(api).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Latency',
      AlarmActions: [{ 'Fn::ImportValue': Match.stringLikeRegexp('AlarmTopic') }],
    });
    expect(env.monitoring.alarms).toContain(alarm);
    const body = JSON.stringify(monitoringOf(env).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('prod-Api:ExportsOutputFnGetAttLatency');
  });

  test('addAlarm in a tier that records only: no action', () => {
    const env = environment(newApp(), EnvironmentTier.DEV);
    const api = new cdk.Stack(env, 'Api');
    env.monitoring.addAlarm(new cloudwatch.Alarm(api, 'Latency', { metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Latency' }), threshold: 500, evaluationPeriods: 1 }));
    Template.fromStack(api).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Latency', AlarmActions: Match.absent() });
  });

  test('monitorLambda: errors and throttles alarm, the dashboard graphs the function', () => {
    const env = environment(newApp(), EnvironmentTier.STAGING);
    const handler = fn(new cdk.Stack(env, 'Api'));
    const alarms = env.monitoring.monitorLambda(handler, { errorThreshold: 3 });
    expect(alarms).toHaveLength(2);
    const template = monitoringOf(env);
    for (const [metricName, threshold] of [['Errors', 3], ['Throttles', 1]] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: [{ Name: 'FunctionName', Value: { 'Fn::ImportValue': Match.stringLikeRegexp('Handler') } }],
        Threshold: threshold,
        AlarmActions: [TOPIC],
      });
    }
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toContain('Handler: invocations, errors, throttles');
    expect(body).toContain('Handler: duration');
  });

  test('the dashboard is named after the environment and titled with its severity', () => {
    const template = monitoringOf(environment(newApp(), EnvironmentTier.PROD));
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-prod' });
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toContain('# prod (alarms: PAGE)');
  });

  test('the monitoring stack is deployed after the foundation, with its termination protection', () => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    const stack = env.node.findChild('Monitoring') as cdk.Stack;
    env.synth();
    expect(stack.dependencies).toContain(env.foundation);
    expect(stack.terminationProtection).toBe(true);
  });

  test.each([
    [0, /errorThreshold is 0; expected a whole number, 1 or more/],
    [2.5, /errorThreshold is 2.5; expected a whole number, 1 or more/],
  ])('monitorLambda refuses an error threshold of %d', (errorThreshold, message) => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    expect(() => env.monitoring.monitorLambda(fn(new cdk.Stack(env, 'Api')), { errorThreshold })).toThrow(message);
  });

  test('the same function or alarm twice is an error', () => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    const handler = fn(new cdk.Stack(env, 'Api'));
    env.monitoring.monitorLambda(handler);
    expect(() => env.monitoring.monitorLambda(handler)).toThrow(/fn is prod\/Api\/Handler, which is already monitored; monitor each function once/);
    expect(() => env.monitoring.addAlarm(env.monitoring.alarms[0] as cloudwatch.Alarm)).toThrow(/which is already watched; add each alarm once/);
  });
});

describe('outside an IsolatedEnvironment', () => {
  test('alarms notify by default; a dashboard name AWS refuses is an error', () => {
    const stack = new cdk.Stack(newApp(), 'Ops');
    const monitoring = new EnvironmentMonitoring(stack, 'Monitoring', { alarmTopic: new sns.Topic(stack, 'Topic') });
    expect(monitoring.alarmSeverity).toBe(AlarmSeverity.NOTIFY);
    expect(() => new EnvironmentMonitoring(stack, 'Other', { alarmTopic: monitoring.alarmTopic, dashboardName: 'my dashboard' }))
      .toThrow(new Error("[Ops/Other] EnvironmentMonitoring 'Other': dashboardName is 'my dashboard'; expected 1 to 255 letters, digits, hyphens and underscores"));
  });
});
