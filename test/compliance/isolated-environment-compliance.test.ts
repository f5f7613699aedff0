import * as cdk from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EnvironmentTier } from '../../src';
import { resolve } from '../support/deployed-policies';
import { accountBaselineOf, environment, foundationOf, newApp } from '../support/environments';

describe('the compliance baseline of an environment', () => {
  test('every tier\'s environment holds one in a stack of its own, whose alarms notify the environment\'s alarm topic by name', () => {
    const env = environment(newApp(), EnvironmentTier.DEV);
    expect(env.complianceBaseline).toBeDefined();
    const stack = cdk.Stack.of(env.complianceBaseline!);
    expect(stack.stackName).toBe('shop-baseline-111111111111-eu-west-1');
    expect(stack.node.scope).toBe(env);
    foundationOf(env).resourceCountIs('AWS::CloudTrail::Trail', 0);
    const template = accountBaselineOf(env);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    const topicArn = 'arn:aws:sns:eu-west-1:111111111111:shop-dev-alarms';
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'CISBenchmark', AlarmActions: [topicArn] });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.guardduty'] }, Targets: [Match.objectLike({ Arn: topicArn })] });
    // No export ties the baseline to the stacks of the environment that holds it.
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
    foundationOf(env).hasResourceProperties('AWS::SNS::Topic', { TopicName: 'shop-dev-alarms' });
    // The topic lets EventBridge publish the baseline's findings.
    foundationOf(env).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } })]) },
    });
  });

  test('an environment\'s logRetention is the baseline\'s too: every log group of the environment keeps it', () => {
    const env = environment(newApp(), EnvironmentTier.DEV, { logRetention: RetentionDays.ONE_YEAR });
    const stacks = env.node.children.filter(cdk.Stack.isStack);
    const retentions = stacks.flatMap(stack => Object.entries(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'))
      .map(([id, group]) => [`${stack.stackName}/${id}`, group.Properties.RetentionInDays]));
    // The flow logs, the trail's log group and the account settings function's logs, at least.
    expect(retentions.length).toBeGreaterThanOrEqual(3);
    expect(retentions.filter(([, days]) => days !== 365)).toEqual([]);
    expect(EnvironmentTier.DEV.profile.logRetention).not.toBe(RetentionDays.ONE_YEAR);
  });

  test('the tier decides its parts: Config and Security Hub in Prod, not in Dev', () => {
    const prod = accountBaselineOf(environment(newApp(), EnvironmentTier.PROD));
    prod.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    prod.resourceCountIs('AWS::SecurityHub::Hub', 1);
    prod.hasResourceProperties('AWS::S3::Bucket', { ObjectLockEnabled: true });
    const dev = accountBaselineOf(environment(newApp(), EnvironmentTier.DEV));
    dev.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    dev.resourceCountIs('AWS::SecurityHub::Hub', 0);
  });

  test('compliance overrides parts', () => {
    const template = accountBaselineOf(environment(newApp(), EnvironmentTier.PROD, { compliance: { guardDuty: false, configRecorder: false } }));
    template.resourceCountIs('AWS::GuardDuty::Detector', 0);
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
  });

  test('complianceBaseline: false leaves it out, and the break-glass alarm warns that it needs a trail', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, { complianceBaseline: false });
    expect(env.complianceBaseline).toBeUndefined();
    expect(env.node.tryFindChild('AccountBaseline')).toBeUndefined();
    Annotations.fromStack(env.foundation).hasWarning('/prod/Foundation', Match.stringLikeRegexp('break-glass alarm hears of the role\'s use through a CloudTrail trail'));
  });

  test('every use of a break-glass role of the app in the account, from any region and through any STS endpoint, raises an alarm through the multi-region trail', () => {
    const app = newApp();
    const prod = environment(app, EnvironmentTier.PROD);
    // A second production environment of the account, in another region: its baseline is its own, and its filter covers both roles.
    const east = environment(app, EnvironmentTier.PROD, { environmentName: 'prod-east', region: 'us-east-1', cidr: '10.9.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
    const baseline = accountBaselineOf(prod);
    const [trailLogs] = Object.keys(baseline.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.absent() } }))
      .filter(id => JSON.stringify(baseline.toJSON().Resources).includes(`"CloudWatchLogsLogGroupArn":{"Fn::GetAtt":["${id}","Arn"]}`));
    const [filter] = Object.values(baseline.findResources('AWS::Logs::MetricFilter', { Properties: { MetricTransformations: [Match.objectLike({ MetricNamespace: 'CdkMultiEnv/BreakGlass' })] } }));
    expect(filter.Properties.LogGroupName).toEqual({ Ref: trailLogs });
    baseline.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true });
    // CloudTrail's fields for the role assumed (AssumeRole's request) and for the role behind a session's every call.
    expect(resolve(filter.Properties.FilterPattern, baseline.toJSON(), { account: '444444444444', region: 'eu-west-1' })).toBe('{ (($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "arn:aws:iam::444444444444:role/shop-*") '
      + '&& ($.requestParameters.roleArn = "*-break-glass")) || (($.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::444444444444:role/shop-*") '
      + '&& ($.userIdentity.sessionContext.sessionIssuer.arn = "*-break-glass")) }');
    // Both environments' break-glass roles, as synthesized, match the pattern's prefix and suffix; no other role of theirs does.
    const roles = [prod, east].flatMap(env => Object.values(Template.fromStack(env.foundation).findResources('AWS::IAM::Role')).map(r => r.Properties.RoleName))
      .filter((name): name is string => typeof name === 'string').map(name => `arn:aws:iam::444444444444:role/${name}`);
    expect(roles.filter(arn => arn.startsWith('arn:aws:iam::444444444444:role/shop-') && arn.endsWith('-break-glass')).sort())
      .toEqual(['arn:aws:iam::444444444444:role/shop-prod-break-glass', 'arn:aws:iam::444444444444:role/shop-prod-east-break-glass']);
    const [alarm] = Object.values(baseline.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'shop' } }));
    const { Namespace, Threshold, ComparisonOperator, AlarmActions } = alarm.Properties;
    expect(resolve([Namespace, Threshold, ComparisonOperator, AlarmActions], baseline.toJSON(), { account: '444444444444', region: 'eu-west-1' }))
      .toEqual(['CdkMultiEnv/BreakGlass', 1, 'GreaterThanOrEqualToThreshold', ['arn:aws:sns:eu-west-1:444444444444:shop-prod-alarms']]);
    accountBaselineOf(east).resourceCountIs('AWS::Logs::MetricFilter', Object.keys(baseline.findResources('AWS::Logs::MetricFilter')).length);
  });

  test('no break-glass role, no break-glass filter: Dev\'s baseline has none', () => {
    accountBaselineOf(environment(newApp(), EnvironmentTier.DEV)).resourcePropertiesCountIs('AWS::Logs::MetricFilter',
      { MetricTransformations: [Match.objectLike({ MetricNamespace: 'CdkMultiEnv/BreakGlass' })] }, 0);
  });

  test('compliance given while complianceBaseline is false is an error', () => {
    expect(() => environment(newApp(), EnvironmentTier.DEV, { complianceBaseline: false, compliance: { guardDuty: false } }))
      .toThrow("IsolatedEnvironment 'dev': compliance is given, but complianceBaseline is false");
  });
});

describe('environments that share an account share its baseline', () => {
  test('the first environment of the account holds it; the second has none and says where it is', () => {
    const app = newApp();
    const first = environment(app, EnvironmentTier.DEV, { environmentName: 'dev-a', cidr: '10.1.0.0/16' });
    const second = environment(app, EnvironmentTier.DEV, { environmentName: 'dev-b', cidr: '10.2.0.0/16' });
    expect(first.complianceBaseline).toBeDefined();
    expect(second.complianceBaseline).toBeUndefined();
    foundationOf(second).resourceCountIs('AWS::GuardDuty::Detector', 0);
    Annotations.fromStack(second.foundation).hasInfo('/dev-b/Foundation', Match.stringLikeRegexp('compliance baseline is dev-a/AccountBaseline/Compliance'));
  });

  test('a second baseline in the account, asked for, fails: an account takes one detector, recorder and hub', () => {
    const app = newApp();
    environment(app, EnvironmentTier.DEV, { environmentName: 'dev-a', cidr: '10.1.0.0/16' });
    expect(() => environment(app, EnvironmentTier.DEV, { environmentName: 'dev-b', cidr: '10.2.0.0/16', complianceBaseline: true }))
      .toThrow(/\[dev-b\/AccountBaseline\/Compliance\] ComplianceBaseline 'Compliance': scope is in account 111111111111 and region eu-west-1, which already has a baseline \(dev-a\/AccountBaseline\/Compliance\)/);
  });

  test('options for a baseline the environment does not hold fail', () => {
    const app = newApp();
    environment(app, EnvironmentTier.DEV, { environmentName: 'dev-a', cidr: '10.1.0.0/16' });
    expect(() => environment(app, EnvironmentTier.DEV, { environmentName: 'dev-b', cidr: '10.2.0.0/16', compliance: { guardDuty: false } }))
      .toThrow("IsolatedEnvironment 'dev-b': compliance is given, but the account's compliance baseline is dev-a/AccountBaseline/Compliance");
  });
});

describe('the account baseline stays in one stack whatever the order of the environments', () => {
  const SINGLETONS = ['AWS::GuardDuty::Detector', 'AWS::Config::ConfigurationRecorder', 'AWS::SecurityHub::Hub', 'AWS::CloudTrail::Trail'];

  /** Where each singleton of the account lands: its stack's name and logical id, for an app of the environments named. */
  function placement(names: string[]): Record<string, string[]> {
    const app = newApp();
    const envs = names.map((name, i) => environment(app, EnvironmentTier.STAGING, { environmentName: name, cidr: `10.${i + 1}.0.0/16` }));
    const stacks = envs.flatMap(env => env.node.children.filter(cdk.Stack.isStack));
    const found: Record<string, string[]> = {};
    for (const type of SINGLETONS) {
      found[type] = stacks.flatMap(stack => Object.keys(Template.fromStack(stack).findResources(type)).map(id => `${stack.stackName}/${id}`));
    }
    return found;
  }

  test('two orders and one environment removed: the same stack name and logical ids every time', () => {
    const first = placement(['stage-a', 'stage-b', 'stage-c']);
    for (const type of SINGLETONS) expect(first[type]).toEqual([expect.stringMatching(/^shop-baseline-333333333333-eu-west-1\//)]);
    expect(placement(['stage-c', 'stage-b', 'stage-a'])).toEqual(first);
    expect(placement(['stage-b', 'stage-c'])).toEqual(first);
  });
});
