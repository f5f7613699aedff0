import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { EnvironmentTier } from '../../src';
import { environment, foundationOf, newApp } from '../support/environments';

describe('the compliance baseline of an environment', () => {
  test('every tier\'s foundation stack holds one, whose alarms notify the environment\'s alarm topic', () => {
    const env = environment(newApp(), EnvironmentTier.DEV);
    expect(env.complianceBaseline).toBeDefined();
    expect(env.complianceBaseline!.alarmTopic).toBe(env.alarmTopic);
    const template = foundationOf(env);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CISBenchmark',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
  });

  test('the tier decides its parts: Config and Security Hub in Prod, not in Dev', () => {
    const prod = foundationOf(environment(newApp(), EnvironmentTier.PROD));
    prod.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    prod.resourceCountIs('AWS::SecurityHub::Hub', 1);
    prod.hasResourceProperties('AWS::S3::Bucket', { ObjectLockEnabled: true });
    const dev = foundationOf(environment(newApp(), EnvironmentTier.DEV));
    dev.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    dev.resourceCountIs('AWS::SecurityHub::Hub', 0);
  });

  test('compliance overrides parts', () => {
    const template = foundationOf(environment(newApp(), EnvironmentTier.PROD, { compliance: { guardDuty: false, configRecorder: false } }));
    template.resourceCountIs('AWS::GuardDuty::Detector', 0);
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
  });

  test('complianceBaseline: false leaves it out, and the break-glass alarm warns that it needs a trail', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, { complianceBaseline: false });
    expect(env.complianceBaseline).toBeUndefined();
    foundationOf(env).resourceCountIs('AWS::CloudTrail::Trail', 0);
    Annotations.fromStack(env.foundation).hasWarning('/prod/Foundation', Match.stringLikeRegexp('break-glass alarm hears of the role\'s use through a CloudTrail trail'));
  });

  test('compliance given while complianceBaseline is false is an error', () => {
    expect(() => environment(newApp(), EnvironmentTier.DEV, { complianceBaseline: false, compliance: { guardDuty: false } }))
      .toThrow("IsolatedEnvironment 'dev': compliance is given, but complianceBaseline is false");
  });
});
