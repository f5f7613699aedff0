import { Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { singletonIn } from './singleton-in';

const ID = 'cdk-multi-env.AccountBaselines';

/**
 * The compliance baselines of an app, by account and region: an account and region take one (one
 * GuardDuty detector, one Config recorder, one Security Hub), so environments that share an
 * account share its baseline. One per app, at its root.
 */
export class AccountBaselines extends Construct {
  /** The app's baselines. */
  public static of(scope: IConstruct): AccountBaselines {
    return singletonIn(scope.node.root, ID, (root, id) => new AccountBaselines(root, id));
  }

  /** The path of each baseline, by `account/region`. */
  private readonly paths = new Map<string, string>();

  /** The path of the baseline already in the scope's account and region, if any. */
  public inAccountOf(scope: IConstruct): string | undefined {
    const key = keyOf(scope);
    return key ? this.paths.get(key) : undefined;
  }

  /** Records a baseline in its account and region. */
  public register(baseline: IConstruct): void {
    const key = keyOf(baseline);
    if (key) this.paths.set(key, baseline.node.path);
  }
}

/** The account and region of a scope, when both are known at synth time. */
function keyOf(scope: IConstruct): string | undefined {
  const { account, region } = Stack.of(scope);
  return Token.isUnresolved(account) || Token.isUnresolved(region) ? undefined : `${account}/${region}`;
}
