import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { CostScheduler, EnvironmentTier, OffHoursSchedule } from '../../src';
import { environment, newApp } from '../support/environments';

const OFFICE = OffHoursSchedule.weekdays({ start: '07:00', stop: '19:00', timeZone: 'Europe/Berlin', daysOff: ['2026-12-24'] });

function workload() {
  const stack = new cdk.Stack(undefined, 'Workload', { env: { account: '111111111111', region: 'eu-west-1' } });
  return { stack, scheduler: new CostScheduler(stack, 'OffHours', { schedule: OFFICE }) };
}

/** The schedules of a template, as name → { expression, zone, target ARN, input }. */
function schedules(template: Template) {
  return Object.values(template.findResources('AWS::Scheduler::Schedule')).map(s => ({
    expression: s.Properties.ScheduleExpression,
    zone: s.Properties.ScheduleExpressionTimezone,
    // The partition is a token: read as "aws".
    arn: s.Properties.Target.Arn['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'aws')).join(''),
    // A token in the input (the automation role's ARN) reads as TOKEN.
    input: JSON.parse(typeof s.Properties.Target.Input === 'string' ? s.Properties.Target.Input
      : s.Properties.Target.Input['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'TOKEN')).join('')),
  }));
}

/** The statements of the policies attached to scheduler roles. */
function schedulerStatements(template: Template) {
  const roles = Object.keys(template.findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } },
  }));
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter(p => p.Properties.Roles.some((r: any) => roles.includes(r.Ref)))
    .flatMap(p => p.Properties.PolicyDocument.Statement);
}

describe('CostScheduler', () => {
  test('an RDS instance: stopped every evening, started on working days, re-stopped on days off, in the time zone', () => {
    const { stack, scheduler } = workload();
    scheduler.addDatabaseInstance(rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
      instanceIdentifier: 'shop-dev', instanceEndpointAddress: 'x', port: 5432, securityGroups: [],
    }));
    const template = Template.fromStack(stack);
    expect(schedules(template)).toEqual([
      { expression: 'cron(0 19 * * ? *)', zone: 'Europe/Berlin', arn: 'arn:aws:scheduler:::aws-sdk:rds:stopDBInstance', input: { DbInstanceIdentifier: 'shop-dev' } },
      { expression: 'cron(0 7 ? * MON,TUE,WED,THU,FRI *)', zone: 'Europe/Berlin', arn: 'arn:aws:scheduler:::aws-sdk:rds:startDBInstance', input: { DbInstanceIdentifier: 'shop-dev' } },
      { expression: 'at(2026-12-24T07:01:00)', zone: 'Europe/Berlin', arn: 'arn:aws:scheduler:::aws-sdk:rds:stopDBInstance', input: { DbInstanceIdentifier: 'shop-dev' } },
    ]);
    const arn = 'arn:aws:rds:eu-west-1:111111111111:db:shop-dev';
    expect(schedulerStatements(template)).toEqual([
      { Action: 'rds:StopDBInstance', Effect: 'Allow', Resource: arn },
      { Action: 'rds:StartDBInstance', Effect: 'Allow', Resource: arn },
    ]);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('an Aurora cluster', () => {
    const { stack, scheduler } = workload();
    scheduler.addDatabaseCluster(rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Cluster', { clusterIdentifier: 'shop-aurora' }));
    const template = Template.fromStack(stack);
    expect(schedules(template).slice(0, 2).map(s => [s.arn, s.input])).toEqual([
      ['arn:aws:scheduler:::aws-sdk:rds:stopDBCluster', { DbClusterIdentifier: 'shop-aurora' }],
      ['arn:aws:scheduler:::aws-sdk:rds:startDBCluster', { DbClusterIdentifier: 'shop-aurora' }],
    ]);
    // One statement: stop and start are on the same cluster (statements merged, actions sorted).
    expect(schedulerStatements(template)).toEqual([
      { Action: ['rds:StartDBCluster', 'rds:StopDBCluster'], Effect: 'Allow', Resource: 'arn:aws:rds:eu-west-1:111111111111:cluster:shop-aurora' },
    ]);
  });

  test('an Auto Scaling group: min, max and desired to zero, and back to its working capacity', () => {
    const { stack, scheduler } = workload();
    const group = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Asg', 'shop-web');
    scheduler.addAutoScalingGroup(group, { minCapacity: 2, maxCapacity: 6, desiredCapacity: 3 });
    const template = Template.fromStack(stack);
    expect(schedules(template).slice(0, 2).map(s => [s.arn, s.input])).toEqual([
      ['arn:aws:scheduler:::aws-sdk:autoscaling:updateAutoScalingGroup', { AutoScalingGroupName: 'shop-web', MinSize: 0, MaxSize: 0, DesiredCapacity: 0 }],
      ['arn:aws:scheduler:::aws-sdk:autoscaling:updateAutoScalingGroup', { AutoScalingGroupName: 'shop-web', MinSize: 2, MaxSize: 6, DesiredCapacity: 3 }],
    ]);
    expect(schedulerStatements(template).map(s => s.Action)).toEqual(['autoscaling:UpdateAutoScalingGroup']);
  });

  test('an ECS service with auto scaling: its bounds and its desired count, to zero and back', () => {
    const { stack, scheduler } = workload();
    const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shop', vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'] }) });
    const service = ecs.FargateService.fromFargateServiceAttributes(stack, 'Svc', { cluster, serviceName: 'api' });
    scheduler.addEcsService(service, { minCapacity: 1, maxCapacity: 4, autoScaling: true });
    const template = Template.fromStack(stack);
    expect(schedules(template).filter(s => !s.expression.startsWith('at(')).map(s => [s.arn, s.input])).toEqual([
      ['arn:aws:scheduler:::aws-sdk:applicationautoscaling:registerScalableTarget',
        { ServiceNamespace: 'ecs', ResourceId: 'service/shop/api', ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 0, MaxCapacity: 0 }],
      ['arn:aws:scheduler:::aws-sdk:applicationautoscaling:registerScalableTarget',
        { ServiceNamespace: 'ecs', ResourceId: 'service/shop/api', ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 4 }],
      ['arn:aws:scheduler:::aws-sdk:ecs:updateService', { Cluster: 'shop', Service: 'api', DesiredCount: 0 }],
      ['arn:aws:scheduler:::aws-sdk:ecs:updateService', { Cluster: 'shop', Service: 'api', DesiredCount: 1 }],
    ]);
    // One statement per role: stop and start make the same call.
    expect(schedulerStatements(template).map(s => [s.Action, s.Condition])).toEqual([
      ['application-autoscaling:RegisterScalableTarget', { StringEquals: { 'application-autoscaling:service-namespace': 'ecs' } }],
      ['ecs:UpdateService', undefined],
    ]);
  });

  test('EC2 instances by tag, through SSM Automation, whose role may touch only instances with the tag', () => {
    const { stack, scheduler } = workload();
    scheduler.addInstancesByTag('Schedule', 'office-hours');
    const template = Template.fromStack(stack);
    const [stop, start] = schedules(template);
    expect(stop.arn).toBe('arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution');
    expect(stop.input).toEqual(expect.objectContaining({
      DocumentName: 'AWS-StopEC2Instance', TargetParameterName: 'InstanceId', Targets: [{ Key: 'tag:Schedule', Values: ['office-hours'] }],
    }));
    expect(start.input.DocumentName).toBe('AWS-StartEC2Instance');
    expect(stop.input.Parameters).toEqual({ AutomationAssumeRole: ['TOKEN'] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['ec2:StartInstances', 'ec2:StopInstances'],
          Effect: 'Allow',
          Resource: 'arn:aws:ec2:eu-west-1:111111111111:instance/*',
          Condition: { StringEquals: { 'aws:ResourceTag/Schedule': 'office-hours' } },
        }]),
      },
    });
  });

  test('the scheduler role trusts EventBridge Scheduler of this account only', () => {
    const { stack, scheduler } = workload();
    scheduler.addInstancesByTag('Schedule', 'office-hours');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
        }],
      },
    });
  });

  test.each([
    ['a maximum below the minimum', { minCapacity: 3, maxCapacity: 2 }, "[Workload/OffHours] CostScheduler 'OffHours': maxCapacity is 2, less than minCapacity (3)"],
    ['a negative minimum', { minCapacity: -1, maxCapacity: 2 }, "[Workload/OffHours] CostScheduler 'OffHours': minCapacity is -1; expected a whole number, 0 or more"],
    ['a desired count out of bounds', { minCapacity: 1, maxCapacity: 2, desiredCapacity: 5 },
      "[Workload/OffHours] CostScheduler 'OffHours': desiredCapacity is 5; expected a whole number from minCapacity (1) to maxCapacity (2)"],
  ])('rejects %s', (_, capacity, message) => {
    const { stack, scheduler } = workload();
    const group = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Asg', 'shop-web');
    expect(() => scheduler.addAutoScalingGroup(group, capacity)).toThrow(new Error(message));
  });

  test('rejects a target added twice and a tag key AWS reserves', () => {
    const { scheduler } = workload();
    scheduler.addInstancesByTag('Schedule', 'office-hours');
    expect(() => scheduler.addInstancesByTag('Schedule', 'office-hours')).toThrow(/target tag-Schedule-office-hours is already scheduled; add each target once/);
    expect(() => scheduler.addInstancesByTag('aws:cloudformation:stack-name', 'x')).toThrow(/key is 'aws:cloudformation:stack-name'; expected a tag key of 1 to 128 characters, not starting with aws:/);
  });
});

describe('off-hours by tier', () => {
  test.each(EnvironmentTier.builtIn().map(t => [t.name, t] as const))('%s: a scheduler exactly where the tier scales down off-hours', (_, tier) => {
    const env = environment(newApp(), tier);
    expect(env.costScheduler !== undefined).toBe(tier.profile.scaleDownOffHours);
  });

  test('the default working hours are Monday to Friday, 07:00 to 19:00 UTC; the environment can give its own', () => {
    expect(environment(newApp(), EnvironmentTier.DEV).costScheduler!.schedule.hoursPerWeek).toBe(60);
    const custom = environment(newApp(), EnvironmentTier.QA, { offHours: OffHoursSchedule.weekdays({ start: '08:00', stop: '18:00', timeZone: 'America/New_York' }) });
    expect(custom.costScheduler!.schedule.timeZone).toBe('America/New_York');
  });

  test('scheduling production is an error unless the user says so', () => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    const workloadStack = new cdk.Stack(env, 'Workload');
    expect(() => new CostScheduler(workloadStack, 'OffHours', { schedule: OFFICE })).toThrow(new Error(
      "[prod/Workload/OffHours] CostScheduler 'OffHours': allowProduction is not set, but environment 'prod' is a production tier, whose end users have no off-hours; set allowProduction to true to scale it down all the same"));
    expect(() => new CostScheduler(workloadStack, 'Allowed', { schedule: OFFICE, allowProduction: true })).not.toThrow();
  });

  test('targets in a workload stack get their schedules in that stack, so the foundation never depends on the workload', () => {
    const env = environment(newApp(), EnvironmentTier.DEV);
    const workloadStack = new cdk.Stack(env, 'Workload');
    const group = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(workloadStack, 'Asg', 'shop-web');
    env.costScheduler!.addAutoScalingGroup(group, { minCapacity: 1, maxCapacity: 2 });
    Template.fromStack(workloadStack).resourceCountIs('AWS::Scheduler::Schedule', 2);
    // The foundation's one schedule is the bootstrap clean-up's (Dev), not an off-hours one.
    expect(Object.values<any>(Template.fromStack(env.foundation).findResources('AWS::Scheduler::Schedule')).map(s => s.Properties.Description))
      .toEqual(['Starts the clean-up of the CDK bootstrap\'s assets every SUN at 05:00 UTC']);
  });
});
