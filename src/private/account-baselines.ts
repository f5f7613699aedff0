import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The compliance baselines of an app, by account and region: an account and region take one (one
 * GuardDuty detector, one Config recorder, one Security Hub), so environments that share an
 * account share its baseline.
 */
const baselines = new WeakMap<IConstruct, Map<string, string>>();

/** The account and region of a scope, when both are known at synth time. */
function keyOf(scope: IConstruct): string | undefined {
  const { account, region } = Stack.of(scope);
  return Token.isUnresolved(account) || Token.isUnresolved(region) ? undefined : `${account}/${region}`;
}

/** The path of the baseline already in the scope's account and region, if any. */
export function baselineInAccountOf(scope: IConstruct): string | undefined {
  const key = keyOf(scope);
  return key ? baselines.get(scope.node.root)?.get(key) : undefined;
}

export function registerBaseline(baseline: IConstruct): void {
  const key = keyOf(baseline);
  if (!key) return;
  const root = baseline.node.root;
  if (!baselines.has(root)) baselines.set(root, new Map());
  baselines.get(root)!.set(key, baseline.node.path);
}
