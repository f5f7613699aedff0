import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EnvironmentTier, SizingClass, TierCapacity } from '../../src';
import { environment } from '../support/environments';

const PRODUCTION = { minCapacity: 2, maxCapacity: 9 };

function workload() {
  const stack = new cdk.Stack(undefined, 'Workload', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
  const group = new autoscaling.AutoScalingGroup(stack, 'Workers', {
    vpc,
    minCapacity: 5,
    maxCapacity: 5,
    launchTemplate: new ec2.LaunchTemplate(stack, 'Template', {
      instanceType: new ec2.InstanceType('t4g.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    }),
  });
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('web', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable') });
  const service = new ecs.FargateService(stack, 'Api', { cluster: new ecs.Cluster(stack, 'Cluster', { vpc }), taskDefinition: task, desiredCount: 5 });
  return { stack, group, service };
}

describe('TierCapacity', () => {
  test.each([
    [EnvironmentTier.DEV, 1, 1, undefined],
    [EnvironmentTier.QA, 2, 2, undefined],
    [EnvironmentTier.DEMO, 2, 2, undefined],
    [EnvironmentTier.HOTFIX, 2, 2, undefined],
    [EnvironmentTier.STAGING, 2, 5, 60],
    [EnvironmentTier.PROD, 2, 9, 60],
  ])('GIVEN production bounds 2..9 WHEN tier %s THEN min %d, max %d, CPU target %s', (tier, min, max, target) => {
    const capacity = TierCapacity.of(tier.profile, PRODUCTION);
    expect([capacity.minCapacity, capacity.maxCapacity, capacity.targetCpuUtilizationPercent, capacity.autoScaling])
      .toEqual([min, max, target, target !== undefined]);
    expect(capacity.workingCapacity).toEqual({ minCapacity: min, maxCapacity: max, desiredCapacity: min, autoScaling: target !== undefined });
  });

  test('a custom tier sized like production scales like production, with the target given', () => {
    const perf = EnvironmentTier.custom({ name: 'perf', basedOn: EnvironmentTier.QA, sizing: SizingClass.FULL });
    const capacity = TierCapacity.of(perf.profile, { ...PRODUCTION, targetCpuUtilizationPercent: 45 });
    expect([capacity.minCapacity, capacity.maxCapacity, capacity.targetCpuUtilizationPercent]).toEqual([2, 9, 45]);
  });

  test('follows the environment\'s effective profile: a feature copy of QA runs the smallest capacity, not QA\'s', () => {
    const app = new cdk.App({ context: { 'cdk-multi-env:feature-copy-of': 'qa', 'cdk-multi-env:feature-branch': 'feature/x', 'cdk-multi-env:feature-ttl-hours': 24 } });
    const copy = environment(app, EnvironmentTier.QA);
    expect(copy.featureBranch).toBe('feature/x');
    const capacity = TierCapacity.of(copy.profile, PRODUCTION);
    expect([capacity.minCapacity, capacity.maxCapacity, capacity.autoScaling]).toEqual([1, 1, false]);
    // The tier's own profile would have given QA's fixed minimum.
    expect(TierCapacity.of(copy.tier.profile, PRODUCTION).minCapacity).toBe(2);
  });

  test('GIVEN a fixed tier WHEN applied THEN the group and service run the fixed capacity, with no scaling policy', () => {
    const { stack, group, service } = workload();
    const capacity = TierCapacity.of(EnvironmentTier.QA.profile, PRODUCTION);
    capacity.applyToAutoScalingGroup(group);
    capacity.applyToEcsService(service);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2', MaxSize: '2', DesiredCapacity: '2' });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
    template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 0);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });

  test('GIVEN production WHEN applied THEN both track CPU between production\'s bounds, and the group keeps no fixed desired capacity', () => {
    const { stack, group, service } = workload();
    const capacity = TierCapacity.of(EnvironmentTier.PROD.profile, PRODUCTION);
    capacity.applyToAutoScalingGroup(group);
    capacity.applyToEcsService(service);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2', MaxSize: '9', DesiredCapacity: Match.absent() });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 60 },
    });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 9, ScalableDimension: 'ecs:service:DesiredCount' });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 60 },
    });
  });

  test.each([
    [{ minCapacity: 0, maxCapacity: 4 }, /minCapacity is 0; expected a whole number, 1 or more/],
    [{ minCapacity: 1.5, maxCapacity: 4 }, /minCapacity is 1.5; expected a whole number/],
    [{ minCapacity: 3, maxCapacity: 2 }, /maxCapacity is 2, less than minCapacity \(3\)/],
    [{ minCapacity: 1, maxCapacity: 4, targetCpuUtilizationPercent: 0 }, /targetCpuUtilizationPercent is 0; expected a percentage above 0 and at most 100/],
    [{ minCapacity: 1, maxCapacity: 4, targetCpuUtilizationPercent: 120 }, /targetCpuUtilizationPercent is 120/],
  ])('GIVEN production %j THEN it is an error naming the field', (production, message) => {
    expect(() => TierCapacity.of(EnvironmentTier.PROD.profile, production)).toThrow(message);
  });

  test('every problem is reported at once', () => {
    expect(() => TierCapacity.of(EnvironmentTier.DEV.profile, { minCapacity: 0, maxCapacity: 0, targetCpuUtilizationPercent: -1 }))
      .toThrow(/TierCapacity.of: 3 problems/);
  });
});
