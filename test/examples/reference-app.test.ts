import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { fixedMonthlyCost, LIST_PRICES } from '../../examples/list-prices';
import { buildReferenceApp, REFERENCE_ENVIRONMENTS } from '../../examples/reference-app';
import { summarize } from '../../examples/summary';
import { EnvironmentTier } from '../../src';

/** The reference app, synthesized once for every test of this file. */
const app = new cdk.App();
const environments = buildReferenceApp(app);
const assembly = app.synth();
const stacks = environments.flatMap(e => e.synth().stacks);

describe('the reference app', () => {
  test('has one environment per built-in tier, each in its own account', () => {
    expect(environments.map(e => e.tier)).toEqual(EnvironmentTier.builtIn());
    expect(new Set(environments.map(e => e.account)).size).toBe(6);
    expect(REFERENCE_ENVIRONMENTS.map(e => e.account)).toEqual(environments.map(e => e.account));
  });

  test.each(environments.map(e => [e.environmentName, e] as const))('%s: a foundation and a workload, the workload using the environment\'s key and profile', (_, env) => {
    expect(env.synth().stacks.map(s => s.stackName)).toEqual([`${env.node.id}-Foundation`, `${env.node.id}-Workload`]);
    const workload = Template.fromJSON(env.synth().stacks[1].template);
    workload.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/shop/${env.environmentName}/application`,
      RetentionInDays: env.tier.profile.logRetention,
      KmsKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('Key') },
    });
    Template.fromStack(env.foundation).hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/shop/${env.environmentName}/log-level`,
      Value: env.tier === EnvironmentTier.DEV ? 'debug' : 'info',
    });
  });

  test('only production\'s stacks are protected from termination', () => {
    const isProtected = stacks.filter(s => s.terminationProtection).map(s => s.stackName);
    expect(isProtected).toEqual(['Prod-Foundation', 'Prod-Workload']);
  });

  test('Dev has no hourly cost: its fixed monthly cost is its KMS key alone', () => {
    const dev = fixedMonthlyCost(stacks.filter(s => s.stackName.startsWith('Dev-')).map(s => s.template));
    expect(dev).toEqual({ natGateways: 0, interfaceEndpointAzs: 0, kmsKeys: 1, secrets: 0, monthly: LIST_PRICES.kmsKeyMonth });
  });

  test('Prod\'s fixed monthly cost is three NAT gateways and a key', () => {
    const prod = fixedMonthlyCost([assembly.getNestedAssembly('assembly-Prod').getStackByName('Prod-Foundation').template]);
    expect(prod).toEqual({
      natGateways: 3,
      interfaceEndpointAzs: 0,
      kmsKeys: 1,
      secrets: 0,
      monthly: 3 * LIST_PRICES.natGatewayHour * LIST_PRICES.hoursPerMonth + LIST_PRICES.kmsKeyMonth,
    });
  });

  test('the summary names every environment and stack, and the fixed costs', () => {
    const text = summarize(assembly, environments);
    for (const s of stacks) expect(text).toContain(s.stackName);
    expect(text).toMatch(/^dev +2 +0 +0 +1 +0 +\$1\.00$/m);
    expect(text).toMatch(/^prod +3 +3 +0 +1 +0 +\$106\.12$/m);
  });

  test.each(stacks.map(s => [s.stackName, s] as const))('%s matches its snapshot', (_, stack) => {
    expect(stack.template).toMatchSnapshot();
  });
});
