import { Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { singletonIn } from './singleton-in';

const ID = 'cdk-multi-env.AccountSingletons';

/** The kinds of account singleton. */
export const COMPLIANCE_BASELINE = 'compliance baseline';
export const BOOTSTRAP_CLEANUP = 'bootstrap clean-up';

/**
 * What an account and region take one of, whichever of the app's environments holds it: the
 * compliance baseline (one GuardDuty detector, one Config recorder, one Security Hub), the clean-up
 * of the CDK bootstrap's assets (one bucket and repository). Environments that share an account
 * share it; the first of them in the app holds it. One registry per app, at its root.
 */
export class AccountSingletons extends Construct {
  /** The app's registry. */
  public static of(scope: IConstruct): AccountSingletons {
    return singletonIn(scope.node.root, ID, (root, id) => new AccountSingletons(root, id));
  }

  /** The path of each singleton, by `<kind> account/region`. */
  private readonly paths = new Map<string, string>();

  /** The path of the singleton of this kind already in the scope's account and region, if any. */
  public inAccountOf(kind: string, scope: IConstruct): string | undefined {
    const key = keyOf(kind, scope);
    return key ? this.paths.get(key) : undefined;
  }

  /** Records a singleton of this kind in its account and region. */
  public register(kind: string, singleton: IConstruct): void {
    const key = keyOf(kind, singleton);
    if (key) this.paths.set(key, singleton.node.path);
  }
}

/** The kind and the account and region of a scope, when both are known at synth time. */
function keyOf(kind: string, scope: IConstruct): string | undefined {
  const { account, region } = Stack.of(scope);
  return Token.isUnresolved(account) || Token.isUnresolved(region) ? undefined : `${kind} ${account}/${region}`;
}
