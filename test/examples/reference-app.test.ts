import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildReferenceApp, REFERENCE_ENVIRONMENTS } from '../../examples/reference-app';
import { EnvironmentTier } from '../../src';

/** The reference app, synthesized once for every test of this file. */
function synthesizeReferenceApp() {
  const app = new cdk.App();
  buildReferenceApp(app);
  return app.synth();
}

const assembly = synthesizeReferenceApp();

describe('the reference app', () => {
  test('has one environment per built-in tier, each in its own account', () => {
    expect(REFERENCE_ENVIRONMENTS.map(e => e.tier)).toEqual(EnvironmentTier.builtIn());
    const accounts = assembly.stacks.map(s => s.environment.account);
    expect(new Set(accounts).size).toBe(EnvironmentTier.builtIn().length);
  });

  test.each(REFERENCE_ENVIRONMENTS)('the $tier.name workload takes its log retention and termination protection from its tier', ({ tier }) => {
    const stack = assembly.getStackByName(`reference-${tier.name}-workload`);
    expect(stack.terminationProtection).toBe(tier.profile.terminationProtection);
    Template.fromJSON(stack.template).hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/reference/${tier.name}/application`,
      RetentionInDays: tier.profile.logRetention,
    });
  });

  test('only production is protected from termination', () => {
    const isProtected = assembly.stacks.filter(s => s.terminationProtection).map(s => s.stackName);
    expect(isProtected).toEqual(['reference-prod-workload']);
  });

  test.each(assembly.stacks.map(s => [s.stackName, s] as const))('%s matches its snapshot', (_, stack) => {
    expect(stack.template).toMatchSnapshot();
  });
});
