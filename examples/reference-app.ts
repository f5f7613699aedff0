import * as cdk from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EnvironmentTier } from '../src';

/**
 * The reference app: how a team uses cdk-multi-env. The Python and Java consumer apps in
 * test/bindings/ build exactly this app, and their templates must be identical to its own.
 */

/** One environment of the reference setup: a tier in its own account. */
export interface ReferenceEnvironment {
  readonly tier: EnvironmentTier;
  readonly account: string;
  readonly region: string;
}

/** Six environments, each in its own account (placeholder account ids). */
export const REFERENCE_ENVIRONMENTS: ReferenceEnvironment[] = [
  { tier: EnvironmentTier.DEV, account: '111111111111', region: 'eu-west-1' },
  { tier: EnvironmentTier.QA, account: '222222222222', region: 'eu-west-1' },
  { tier: EnvironmentTier.STAGING, account: '333333333333', region: 'eu-west-1' },
  { tier: EnvironmentTier.PROD, account: '444444444444', region: 'eu-west-1' },
  { tier: EnvironmentTier.DEMO, account: '555555555555', region: 'eu-west-1' },
  { tier: EnvironmentTier.HOTFIX, account: '666666666666', region: 'eu-west-1' },
];

/** A workload stack whose settings come from its tier's profile, as a team would write it. */
class WorkloadStack extends cdk.Stack {
  constructor(scope: Construct, id: string, environment: ReferenceEnvironment) {
    const profile = environment.tier.profile;
    super(scope, id, {
      env: { account: environment.account, region: environment.region },
      stackName: `reference-${environment.tier.name}-workload`,
      description: `cdk-multi-env reference app: the ${environment.tier.name} environment's workload`,
      terminationProtection: profile.terminationProtection,
    });
    cdk.Tags.of(this).add('Environment', environment.tier.name);
    cdk.Tags.of(this).add('Tier', environment.tier.name);

    new logs.LogGroup(this, 'ApplicationLogs', {
      logGroupName: `/reference/${environment.tier.name}/application`,
      retention: profile.logRetention,
    });
  }
}

/** Adds the reference setup to an app. */
export function buildReferenceApp(app: cdk.App): void {
  for (const environment of REFERENCE_ENVIRONMENTS) {
    new WorkloadStack(app, `Reference-${environment.tier.name}`, environment);
  }
}
