import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EnvironmentTier, IsolatedEnvironment } from '../../src';
import { environment, newApp } from '../support/environments';

/** The drift schedules of an environment's monitoring stack, by the stack name each checks. */
function driftSchedules(env: IsolatedEnvironment): Map<string, any> {
  const schedules = Object.values(Template.fromStack(cdk.Stack.of(env.monitoring)).findResources('AWS::Scheduler::Schedule'))
    .filter((s: any) => JSON.stringify(s.Properties.Target.Arn).endsWith(':scheduler:::aws-sdk:cloudformation:detectStackDrift"]]}'));
  return new Map(schedules.map((s: any) => [JSON.parse(s.Properties.Target.Input).StackName, s.Properties]));
}

/** Synthesizes the app (aspects give the schedules) and returns the environment's monitoring template. */
function monitoringOf(env: IsolatedEnvironment): Template {
  return Template.fromStack(cdk.Stack.of(env.monitoring));
}

describe('drift detection', () => {
  test('Prod: every stack of the environment in its account and region, the workload\'s and the account baseline\'s included, is checked daily', () => {
    const app = newApp();
    const prod = environment(app, EnvironmentTier.PROD);
    const api = new cdk.Stack(prod, 'Api');
    new cdk.CfnResource(api, 'Thing', { type: 'AWS::SNS::Topic' });
    monitoringOf(prod);
    const schedules = driftSchedules(prod);
    const stacks = [prod.foundation, cdk.Stack.of(prod.monitoring), cdk.Stack.of(prod.complianceBaseline!), api].map(s => s.stackName);
    expect([...schedules.keys()].sort()).toEqual(stacks.sort());
    for (const schedule of schedules.values()) {
      expect(schedule.ScheduleExpression).toBe('rate(1 day)');
      expect(schedule.State).toBe('ENABLED');
    }
  });

  test.each([
    ['qa', EnvironmentTier.QA, 'rate(7 days)'],
    ['staging', EnvironmentTier.STAGING, 'rate(7 days)'],
    ['hotfix', EnvironmentTier.HOTFIX, 'rate(7 days)'],
    ['demo', EnvironmentTier.DEMO, 'rate(7 days)'],
  ])('%s: weekly', (_, tier, expression) => {
    const env = environment(newApp(), tier);
    const schedules = [...driftSchedules(env).values()];
    expect(schedules.length).toBeGreaterThanOrEqual(2);
    for (const schedule of schedules) expect(schedule.ScheduleExpression).toBe(expression);
  });

  test('Dev: none (people change Dev by hand); an environment may switch it on, or off', () => {
    expect(driftSchedules(environment(newApp(), EnvironmentTier.DEV)).size).toBe(0);
    const dev = environment(newApp(), EnvironmentTier.DEV, { driftDetection: cdk.Duration.hours(12) });
    expect([...driftSchedules(dev).values()].map(s => s.ScheduleExpression)).toEqual(['rate(12 hours)', 'rate(12 hours)', 'rate(12 hours)']);
    const prod = environment(newApp(), EnvironmentTier.PROD, { driftDetection: cdk.Duration.seconds(0) });
    expect(driftSchedules(prod).size).toBe(0);
    expect(monitoringOf(prod).findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.cloudformation'] } } })).toEqual({});
  });

  test('the schedules\' role may detect drift of these stacks only, and read what drift detection reads', () => {
    const prod = environment(newApp(), EnvironmentTier.PROD);
    const template = monitoringOf(prod);
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const detect = statements.filter(s => [s.Action].flat().includes('cloudformation:DetectStackDrift'));
    // One statement for the three stacks (@aws-cdk/aws-iam:minimizePolicies merges the statement of each).
    expect(detect).toHaveLength(1);
    const [detectDrift] = detect;
    expect(detectDrift.Action).toEqual(['cloudformation:DetectStackDrift', 'cloudformation:DetectStackResourceDrift']);
    expect(detectDrift.Resource).toHaveLength(3);
    for (const resource of detectDrift.Resource) {
      expect(JSON.stringify(resource)).toMatch(/:stack\/[^"*]+\/\*"/);
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '444444444444' } },
        })],
      },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] }],
    });
  });

  test('a drifted stack of the environment, and only of it, notifies the alarm topic with its id, its drifted resources\' count and a console link', () => {
    const prod = environment(newApp(), EnvironmentTier.PROD);
    const template = monitoringOf(prod);
    const rules = template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.cloudformation'] } } });
    expect(Object.keys(rules)).toHaveLength(1);
    const rule = Object.values(rules)[0] as any;
    const pattern = rule.Properties.EventPattern;
    expect(pattern['detail-type']).toEqual(['CloudFormation Drift Detection Status Change']);
    expect(pattern.detail['status-details']).toEqual({ 'stack-drift-status': ['DRIFTED'] });
    const prefixes = JSON.stringify(pattern.detail['stack-id']);
    for (const stack of [prod.foundation, cdk.Stack.of(prod.monitoring), cdk.Stack.of(prod.complianceBaseline!)]) {
      expect(prefixes).toContain(`:cloudformation:eu-west-1:444444444444:stack/${stack.stackName}/`);
    }
    expect(pattern.detail['stack-id']).toHaveLength(3);
    const [target] = rule.Properties.Targets;
    expect(JSON.stringify(target.Arn)).toContain('AlarmTopic');
    expect(target.InputTransformer.InputPathsMap).toMatchObject({
      'detail-stack-id': '$.detail.stack-id',
      'detail-drift-detection-details-drifted-stack-resource-count': '$.detail.drift-detection-details.drifted-stack-resource-count',
    });
    expect(target.InputTransformer.InputTemplate).toContain('#/stacks/drifts?stackId=<detail-stack-id>');
  });

  test('a drifted stack turns an alarm red on the dashboard for a day', () => {
    const prod = environment(newApp(), EnvironmentTier.PROD);
    const template = monitoringOf(prod);
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmDescription: Match.stringLikeRegexp('drifted from its template') } });
    expect(Object.keys(alarms)).toHaveLength(1);
    const [id, alarm] = Object.entries(alarms)[0] as [string, any];
    expect(alarm.Properties).toMatchObject({ Namespace: 'AWS/Events', MetricName: 'TriggeredRules', Period: 86400, Threshold: 1 });
    const dashboard = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]);
    expect(dashboard).toContain(id);
  });

  test.each([
    [cdk.Duration.minutes(30), '30 minutes'],
    [cdk.Duration.minutes(90), '1 hour 30 minutes'],
  ])('a drift detection of %s is rejected, naming the option', (interval, shown) => {
    expect(() => environment(newApp(), EnvironmentTier.PROD, { driftDetection: interval }))
      .toThrow(`driftDetection is ${shown}; expected whole hours, at least Duration.hours(1)`);
    expect(() => EnvironmentTier.custom({ name: 'often', basedOn: EnvironmentTier.PROD, driftDetection: interval }))
      .toThrow(`driftDetection is ${shown}; expected whole hours`);
  });
});
