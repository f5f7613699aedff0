import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Cidr } from '../private/cidr';
import { ValidationErrors } from '../private/validation-errors';
import { EnvironmentTier } from '../tiers';

/** What the isolation checks need to know of one environment. */
export interface EnvironmentFacts {
  readonly name: string;
  readonly tier: EnvironmentTier;
  readonly account: string;
  readonly cidr?: Cidr;
}

/** The environments of each app, so that a new one is checked against those before it. */
const environmentsOfApp = new WeakMap<IConstruct, EnvironmentFacts[]>();

/**
 * Checks a new environment against every environment already in the same app: each needs a name
 * of its own, a VPC range of its own, and an account that no environment of another tier uses.
 * Tokens are skipped: they cannot be compared before deployment.
 */
export function checkIsolation(app: IConstruct, env: EnvironmentFacts, errors: ValidationErrors): void {
  const others = environmentsOfApp.get(app) ?? [];
  for (const other of others) {
    if (other.name === env.name) {
      errors.add('environmentName', `is '${env.name}', already the name of another environment of this app; give each environment its own name`);
    }
    if (env.cidr && other.cidr && env.cidr.overlaps(other.cidr)) {
      errors.add('cidr', `${env.cidr} overlaps environment '${other.name}' (${other.cidr}); give each environment its own range`);
    }
    if (!Token.isUnresolved(env.account) && env.account === other.account && env.tier !== other.tier) {
      errors.add('account', `${env.account} is also the account of environment '${other.name}' (tier ${other.tier.name}); environments of different tiers need accounts of their own`);
    }
  }
}

/** Records an environment that passed its checks. */
export function registerEnvironment(app: IConstruct, env: EnvironmentFacts): void {
  environmentsOfApp.set(app, [...(environmentsOfApp.get(app) ?? []), env]);
}
