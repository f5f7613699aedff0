import { Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { Cidr } from './private/cidr';
import { singletonIn } from '../private/singleton-in';
import { ValidationErrors } from '../private/validation-errors';
import { EnvironmentTier } from '../tiers';

/** What the isolation checks need to know of one environment. */
export interface EnvironmentFacts {
  readonly name: string;
  readonly tier: EnvironmentTier;
  readonly account: string;
  readonly cidr?: Cidr;
}

const ID = 'cdk-multi-env.IsolationChecks';

/**
 * The environments of an app, so that a new one is checked against those before it: each needs a
 * name of its own, a VPC range of its own, and an account that no environment of another tier
 * uses. One per app, at its root. Tokens are skipped: they cannot be compared before deployment.
 */
export class IsolationChecks extends Construct {
  /** The app's checks. */
  public static of(scope: IConstruct): IsolationChecks {
    return singletonIn(scope.node.root, ID, (root, id) => new IsolationChecks(root, id));
  }

  private readonly environments: EnvironmentFacts[] = [];

  /** Checks a new environment against every environment already in the app. */
  public check(env: EnvironmentFacts, errors: ValidationErrors): void {
    for (const other of this.environments) {
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
  public register(env: EnvironmentFacts): void {
    this.environments.push(env);
  }
}
