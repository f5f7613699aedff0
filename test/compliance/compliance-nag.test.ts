import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildReferenceApp } from '../../examples/reference-app';
import { ComplianceBaseline, ComplianceBaselineStackSet, EnvironmentTier } from '../../src';
import { acknowledgements, unacknowledgedFindings } from '../support/compliance';
import { environment, newApp } from '../support/environments';

/**
 * The baseline certifies itself: cdk-nag v3's AwsSolutions, NIST 800-53 rev 5, HIPAA Security and
 * PCI DSS 3.2.1 packs find nothing in it that is not acknowledged, and every acknowledgement
 * says why.
 */
const referenceApp = new cdk.App();
const reference = buildReferenceApp(referenceApp);
referenceApp.synth();

describe('cdk-nag over the compliance baseline', () => {
  test.each(EnvironmentTier.builtIn().map(t => [t.name, t] as const))('%s tier: no unacknowledged finding', (_name, tier) => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Audit', { env: { account: '123456789012', region: 'eu-west-1' } });
    new ComplianceBaseline(stack, 'Baseline', { tier, configRecorder: true });
    app.synth();
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });

  test('the StackSet\'s environment-agnostic template: no unacknowledged finding', () => {
    const app = new cdk.App();
    const management = new cdk.Stack(app, 'Management', { env: { account: '111111111111', region: 'eu-west-1' } });
    const { baseline } = new ComplianceBaselineStackSet(management, 'Org', { tier: EnvironmentTier.PROD, organizationalUnitIds: ['r-ab12'], regions: ['eu-west-1'] });
    expect(unacknowledgedFindings(cdk.Stack.of(baseline))).toEqual([]);
  });

  test('inside an environment: nothing under the baseline, with the environment\'s aspects applied', () => {
    const app = newApp();
    const env = environment(app, EnvironmentTier.PROD);
    app.synth();
    expect(unacknowledgedFindings(env.complianceBaseline!)).toEqual([]);
  });

  test('the reference app: every environment account has a baseline, and nothing in them is unacknowledged', () => {
    for (const env of reference.environments) {
      expect(env.complianceBaseline).toBeDefined();
      expect(unacknowledgedFindings(env.complianceBaseline!)).toEqual([]);
    }
  });

  test('the whole reference app (six environments, the pipeline, the hotfix and feature lanes, the cross-region support stack): no unacknowledged finding', () => {
    // The app's own functions pin nodejs24.x, as a team pins the runtime its code was tested on. An
    // aws-cdk-lib that declares a newer one makes them AwsSolutions-L1 findings: the app's to answer
    // by moving its runtime, never the library's (its own function follows the app's aws-cdk-lib).
    const newerRuntime = lambda.Runtime.ALL.some(runtime => Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1]) > 24);
    const appFunctions = reference.environments.flatMap(env => ['Api', 'Worker'].map(name => ({ path: `${env.node.id}/Workload/${name}Function/Resource`, rule: 'AwsSolutions-L1' })));
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect(unacknowledgedFindings(referenceApp).sort(byPath)).toEqual(newerRuntime ? appFunctions.sort(byPath) : []);
  });

  test('every acknowledgement in the reference app names a finding of the four packs (or the one SafetyChecks rule a permissions boundary breaks) and says why', () => {
    // Newer aws-cdk-lib (2.276.0) acknowledges findings of its own CloudFormation Validate itself (W3010 where stack.availabilityZones is literal).
    const acks = acknowledgements(referenceApp).filter(ack => !ack.id.startsWith('CloudFormation-Validate::'));
    expect(acks.length).toBeGreaterThan(100);
    // The pipeline's guardrail is a permissions boundary: its one Allow is every action, by design.
    expect(acks.filter(ack => ack.id.startsWith('SafetyChecks::')).map(ack => ack.id)).toEqual(['SafetyChecks::no-wildcard-action']);
    for (const ack of acks.filter(a => !a.id.startsWith('SafetyChecks::'))) {
      expect(ack.id).toMatch(/^(AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security|PCI\.DSS\.321)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });

  test('every acknowledgement names a rule of the four packs and gives a reason', () => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Audit', { env: { account: '123456789012', region: 'eu-west-1' } });
    new ComplianceBaseline(stack, 'Baseline', { tier: EnvironmentTier.PROD });
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^(AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security|PCI\.DSS\.321)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });
});
