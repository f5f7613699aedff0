import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { EnvironmentTier, IsolatedEnvironment, IsolatedEnvironmentProps } from '../../src';

/** The tooling account every test environment trusts. */
export const TOOLING = '999999999999';
export const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/** An account id per built-in tier, so environments of different tiers never share one. */
const ACCOUNT_OF_TIER: Record<string, string> = {
  dev: '111111111111', qa: '222222222222', staging: '333333333333', prod: '444444444444', demo: '555555555555', hotfix: '666666666666',
};

/**
 * What stands for each built-in tier's environment in the IAM path of the roles that serve it, and
 * in its roles' trust: the first 8 hexadecimal digits of the SHA-256 of its name, as
 * `printf %s <name> | sha256sum | cut -c1-8` prints them.
 */
export const TOKEN_OF_TIER: Record<string, string> = {
  dev: 'ef260e9a', qa: '3f3ef786', staging: 'e919a753', prod: '6754af96', demo: '2a97516c', hotfix: 'eda660b8',
};

/** An environment with valid defaults for everything the test does not care about. */
export function environment(scope: Construct, tier: EnvironmentTier, overrides: Partial<IsolatedEnvironmentProps> = {}): IsolatedEnvironment {
  return new IsolatedEnvironment(scope, overrides.environmentName ?? tier.name, {
    tier,
    appName: 'shop',
    account: ACCOUNT_OF_TIER[tier.name] ?? '777777777777',
    region: 'eu-west-1',
    toolingAccount: TOOLING,
    cidr: '10.0.0.0/16',
    availabilityZones: AZS,
    ...overrides,
  });
}

/** The template of an environment's foundation stack. */
export function foundationOf(env: IsolatedEnvironment): Template {
  return Template.fromStack(env.foundation);
}

/** The template of the stack that holds the environment's compliance baseline (its `AccountBaseline` stack). */
export function accountBaselineOf(env: IsolatedEnvironment): Template {
  if (!env.complianceBaseline) throw new Error(`environment ${env.environmentName} holds no compliance baseline`);
  return Template.fromStack(cdk.Stack.of(env.complianceBaseline));
}

/** A fresh app per test: environments register themselves per app. */
export function newApp(): cdk.App {
  return new cdk.App();
}
