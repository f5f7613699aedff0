import { Construct, IConstruct } from 'constructs';

/**
 * The one construct with `id` directly under `scope`, created on first use. Facts that span
 * constructs (the app's environments, the baseline of each account and region, a stage's profile)
 * are kept in such constructs, in the construct tree, rather than in module-level maps: each app
 * has its own, whatever was imported or created before it.
 */
export function singletonIn<T extends IConstruct>(scope: IConstruct, id: string, create: (scope: Construct, id: string) => T): T {
  return (scope.node.tryFindChild(id) as T | undefined) ?? create(scope as Construct, id);
}
