import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EnvironmentTier, IsolatedEnvironment } from '../../src';
import { environment, newApp } from '../support/environments';

const EXPIRY = cdk.Expiration.atDate(new Date('2099-03-01T18:00:00Z'));

/** The teardown schedules of an environment: stack name → { expression, target ARN, input }. */
function teardownOf(env: IsolatedEnvironment) {
  const template = Template.fromStack(env.foundation);
  return Object.values(template.findResources('AWS::Scheduler::Schedule'))
    .filter(s => s.Properties.Description.includes('Tears down'))
    .map(s => ({
      expression: s.Properties.ScheduleExpression,
      zone: s.Properties.ScheduleExpressionTimezone,
      api: s.Properties.Target.Arn['Fn::Join'][1][2],
      stackName: JSON.parse(s.Properties.Target.Input).StackName,
    }))
    .sort((a, b) => a.expression.localeCompare(b.expression) || a.stackName.localeCompare(b.stackName));
}

/** A Demo environment with a time to live and a workload of two stacks, Api depending on Data. */
function demoWithWorkload(timeToLive: cdk.Expiration = EXPIRY) {
  const env = environment(newApp(), EnvironmentTier.DEMO, { timeToLive });
  const data = new cdk.Stack(env, 'Data');
  const api = new cdk.Stack(env, 'Api');
  // A cross-stack reference: the dependency it implies only exists once the app is prepared.
  const topic = new sns.Topic(data, 'Events');
  new sns.Topic(api, 'Mirror', { displayName: topic.topicName });
  cdk.Stage.of(env)!.synth();
  return { env, data, api };
}

describe('IsolatedEnvironment timeToLive', () => {
  test('GIVEN a time to live WHEN synthesized THEN each stack is deleted once, dependents first, an hour apart, the foundation last', () => {
    const { env } = demoWithWorkload();
    expect(teardownOf(env)).toEqual([
      { expression: 'at(2099-03-01T18:00:00)', zone: 'Etc/UTC', api: ':scheduler:::aws-sdk:cloudformation:deleteStack', stackName: 'demo-Api' },
      { expression: 'at(2099-03-01T18:00:00)', zone: 'Etc/UTC', api: ':scheduler:::aws-sdk:cloudformation:deleteStack', stackName: 'demo-Monitoring' },
      { expression: 'at(2099-03-01T19:00:00)', zone: 'Etc/UTC', api: ':scheduler:::aws-sdk:cloudformation:deleteStack', stackName: 'demo-Data' },
      { expression: 'at(2099-03-01T20:00:00)', zone: 'Etc/UTC', api: ':scheduler:::aws-sdk:cloudformation:deleteStack', stackName: 'demo-Foundation' },
    ]);
  });

  test('GIVEN a time to live THEN the account baseline the environment holds stays: no schedule deletes it', () => {
    const { env } = demoWithWorkload();
    const baseline = cdk.Stack.of(env.complianceBaseline!);
    expect(baseline.stackName).toBe('shop-baseline-555555555555-eu-west-1');
    expect(teardownOf(env).map(s => s.stackName)).not.toContain(baseline.stackName);
    expect(JSON.stringify(Template.fromStack(env.foundation).toJSON())).not.toContain(baseline.stackName);
  });

  test('GIVEN a time to live THEN the scheduler role may delete exactly these stacks, and no Lambda function is created', () => {
    const { env } = demoWithWorkload();
    const template = Template.fromStack(env.foundation);
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^TeardownRole') }] } }));
    expect(policies).toHaveLength(1);
    // One statement: the same action on each stack (statements merged).
    const statements = policies[0].Properties.PolicyDocument.Statement
      .map((s: any) => ({ ...s, Resource: s.Resource.map((r: any) => r['Fn::Join'][1][2]).sort() }));
    expect(statements).toEqual([{
      Action: 'cloudformation:DeleteStack',
      Effect: 'Allow',
      Resource: ['demo-Api', 'demo-Data', 'demo-Foundation', 'demo-Monitoring'].map(name => `:cloudformation:eu-west-1:555555555555:stack/${name}/*`),
    }]);
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('Deletes the stacks of shop-demo'),
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '555555555555' } },
        })],
      },
    });
    // The teardown adds no function: the foundation has those it has without a time to live (the compliance baseline's).
    const functions = (t: Template) => Object.keys(t.findResources('AWS::Lambda::Function')).sort();
    expect(functions(template)).toEqual(functions(Template.fromStack(environment(newApp(), EnvironmentTier.DEMO).foundation)));
  });

  test('GIVEN no time to live THEN nothing is scheduled for deletion', () => {
    const env = environment(newApp(), EnvironmentTier.DEMO);
    expect(teardownOf(env)).toEqual([]);
  });

  test.each([
    [EnvironmentTier.PROD, {}, /timeToLive is set, but tier prod is a production tier/],
    [EnvironmentTier.STAGING, { terminationProtection: true }, /timeToLive is set, but the stacks have termination protection.*set terminationProtection to false/],
  ])('GIVEN tier %s WHEN a time to live is set THEN it is an error naming timeToLive', (tier, overrides, message) => {
    expect(() => environment(newApp(), tier, { ...overrides, timeToLive: EXPIRY })).toThrow(message);
  });

  test('GIVEN a time to live in the past THEN it is an error that gives the date', () => {
    expect(() => environment(newApp(), EnvironmentTier.DEMO, { timeToLive: cdk.Expiration.atDate(new Date('2020-01-01T00:00:00Z')) }))
      .toThrow(/timeToLive is 2020-01-01T00:00:00.000Z, in the past/);
  });
});
