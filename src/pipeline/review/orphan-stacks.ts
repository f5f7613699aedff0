// Finds the stacks an environment deployed earlier that the app no longer has. It runs in the
// pipeline's jobs (bundled with orphan-script.ts), never at synth, on what `aws cloudformation
// describe-stacks` prints; the bundle needs nothing installed.
import { APP_TAG, ENVIRONMENT_TAG } from '../../private/stack-tags';
import { OrphanMode } from '../orphan-mode';

/** A stack as DescribeStacks returns it, with the fields read here. */
export interface DescribedStack {
  readonly StackName: string;
  /** `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>`. */
  readonly StackId: string;
  readonly StackStatus: string;
  readonly Tags?: { Key: string; Value: string }[];
  readonly EnableTerminationProtection?: boolean;
  /** Set on a nested stack: its parent deletes it. */
  readonly ParentId?: string;
}

/** The response of DescribeStacks (all the stacks of a region, as the CLI pages them together). */
export interface DescribeStacksResponse {
  readonly Stacks?: DescribedStack[];
}

/** Whose stacks are looked for, and which of them the app still has. */
export interface OrphanSearch {
  readonly appName: string;
  readonly environmentName: string;
  /** The stacks the app deploys for the environment, by name: never orphans. */
  readonly current: string[];
  /**
   * Stack-name prefixes never deleted: the account baseline's stack (`<app>-baseline-`), which is
   * the account's and moves between environments when its holder changes.
   */
  readonly neverDelete: string[];
}

/** A stack to delete, or to list for an approval: its name and region. */
export interface OrphanStack {
  readonly name: string;
  readonly region: string;
}

/** What the search found, and what to do. */
export interface OrphanPlan {
  /** The orphans to delete now. */
  readonly toDelete: string[];
  /** The orphans an approval would cover (LIST), or those to delete now (DELETE, APPROVED), with their regions. */
  readonly stacks: OrphanStack[];
  /** Orphans with termination protection: reported, never deleted. */
  readonly protectedStacks: string[];
  /** Orphans left for now: listed for an approval, or reported only, or found after the approval. */
  readonly left: string[];
  /** Stacks already being deleted, or whose deletion failed. */
  readonly deleting: string[];
  /** What the job prints, several lines. */
  readonly text: string;
  /** One line for an approval's comment or a review's summary; empty when there is no orphan. */
  readonly summary: string;
}

/** Statuses of a stack that no longer exists or is on its way out. */
const GONE = new Set(['DELETE_COMPLETE']);
const DELETING = new Set(['DELETE_IN_PROGRESS', 'DELETE_FAILED']);

/**
 * The orphans of an environment among the stacks of a region: tagged with the app's and the
 * environment's names (both, exactly), not nested, not among the stacks the app has, and not one the
 * app never deletes. A stack of another app or environment is never one, whatever its name.
 */
export function findOrphans(responses: DescribeStacksResponse[], search: OrphanSearch): DescribedStack[] {
  const tag = (stack: DescribedStack, key: string) => stack.Tags?.find(t => t.Key === key)?.Value;
  return responses.flatMap(r => r.Stacks ?? []).filter(stack =>
    tag(stack, APP_TAG) === search.appName
    && tag(stack, ENVIRONMENT_TAG) === search.environmentName
    && !stack.ParentId
    && !GONE.has(stack.StackStatus)
    && !search.current.includes(stack.StackName)
    && !search.neverDelete.some(prefix => stack.StackName.startsWith(prefix)));
}

/**
 * What to do with an environment's orphans in a mode; in APPROVED mode, `approved` are the orphans
 * the approval was given for.
 */
export function planOrphans(responses: DescribeStacksResponse[], search: OrphanSearch, mode: OrphanMode, approved: string[] = []): OrphanPlan {
  const orphans = findOrphans(responses, search);
  const deleting = orphans.filter(s => DELETING.has(s.StackStatus));
  const live = orphans.filter(s => !DELETING.has(s.StackStatus));
  const protectedStacks = live.filter(s => s.EnableTerminationProtection).map(s => s.StackName);
  const deletable = live.filter(s => !s.EnableTerminationProtection).map(s => s.StackName);
  const toDelete = mode === OrphanMode.DELETE ? deletable
    : mode === OrphanMode.APPROVED ? deletable.filter(name => approved.includes(name))
      : [];
  const left = deletable.filter(name => !toDelete.includes(name));
  const named = mode === OrphanMode.LIST ? left : toDelete;
  const stacks = live.filter(s => named.includes(s.StackName)).map(s => ({ name: s.StackName, region: s.StackId.split(':')[3] }));
  return {
    toDelete,
    stacks,
    protectedStacks,
    left,
    deleting: deleting.map(s => s.StackName),
    ...describe(search.environmentName, mode, toDelete, protectedStacks, left, deleting),
  };
}

function describe(environment: string, mode: OrphanMode, toDelete: string[], protectedStacks: string[], left: string[], deleting: DescribedStack[]):
{ text: string; summary: string } {
  const total = toDelete.length + protectedStacks.length + left.length + deleting.length;
  if (total === 0) return { text: `${environment}: no stack of the environment that the app no longer has.\n`, summary: '' };
  const lines = [`${environment}: ${total} stack(s) of the environment that the app no longer has (tagged ${APP_TAG} and ${ENVIRONMENT_TAG}):`];
  const leftAs = {
    [OrphanMode.LIST]: 'deleted after the approval',
    [OrphanMode.APPROVED]: 'found after the approval: listed for the next one, not deleted',
    [OrphanMode.REPORT]: 'not deleted: no approval of this environment covers a deletion; delete by hand if it is no longer needed',
    [OrphanMode.DELETE]: 'not deleted',
  }[mode];
  for (const name of toDelete) lines.push(`  ${name}: deleted now`);
  for (const name of left) lines.push(`  ${name}: ${leftAs}`);
  for (const name of protectedStacks) lines.push(`  ${name}: termination protection is on, not deleted; turn it off by hand to let the pipeline delete it`);
  for (const s of deleting) lines.push(`  ${s.StackName}: ${s.StackStatus === 'DELETE_FAILED' ? 'its deletion failed; see its events' : 'being deleted'}`);
  const counts = [
    toDelete.length > 0 ? `${toDelete.length} deleted` : '',
    left.length > 0 ? `${left.length} ${mode === OrphanMode.LIST ? 'to delete after approval' : 'left'}` : '',
    protectedStacks.length > 0 ? `${protectedStacks.length} protected` : '',
    deleting.length > 0 ? `${deleting.length} being or failed to be deleted` : '',
  ].filter(Boolean).join(', ');
  return { text: `${lines.join('\n')}\n`, summary: `${environment}: ${total} stack(s) the app no longer has (${counts}): ${[...toDelete, ...left, ...protectedStacks].join(', ')}` };
}
