// The change review's renderer. It runs in the review job (bundled with review-script.ts), never at
// synth: `@aws-cdk/cloudformation-diff`, what `cdk diff` is built on, is installed by that job.
import { formatDifferences, formatSecurityChanges, fullDiff, ResourceDifference, ResourceImpact, TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { SUMMARY_LIMIT } from '../approval-limits';
import { LaneCheckResult } from './lane-check';

/** A CloudFormation template as JSON. */
export type Template = { [key: string]: any };

/** One stack of a change review: its template as synthesized, and as deployed (none: not deployed yet). */
export interface StackUnderReview {
  /** The environment the stack belongs to (`Prod`). */
  readonly environment: string;
  readonly stackName: string;
  readonly proposed: Template;
  readonly deployed?: Template;
  /** What drift detection found in the deployed stack just before the review; none: not checked (a new stack). */
  readonly drift?: StackDrift;
}

/** A deployed stack's drift, as `aws cloudformation describe-stack-resource-drifts` reports it, or why it could not be checked. */
export interface StackDrift {
  /** Its resources that differ from the template (MODIFIED) or are gone (DELETED). */
  readonly drifted: DriftedResource[];
  /** Why drift could not be checked, if it could not. */
  readonly error?: string;
}

/** One resource of a DescribeStackResourceDrifts response, with the fields read here. */
export interface DriftedResource {
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly StackResourceDriftStatus: string;
  readonly PropertyDifferences?: { PropertyPath: string; DifferenceType: string }[];
}

/** What the review says beside the stacks' changes. */
export interface ReviewContext {
  /** The other lane's check, where there is one. */
  readonly laneCheck?: LaneCheckResult;
  /** Per environment, what the orphan listing printed (the stacks the app no longer has). */
  readonly orphanReports?: string[];
  /** Per environment with orphans, its one-line summary. */
  readonly orphanSummaries?: string[];
}

/** What the approver reads. */
export interface StageReview {
  /** The whole review: what needs attention first, then each stack's change, then the full difference. */
  readonly text: string;
  /** One line for the approval and its notification, at most `SUMMARY_LIMIT` characters. */
  readonly summary: string;
}

/** A change a reviewer should see before any other, in this order, by how the summary calls it. */
enum Concern {
  DRIFTED = 'DRIFTED',
  DRIFT_UNKNOWN = 'DRIFT NOT CHECKED',
  REPLACED = 'REPLACES',
  MAY_BE_REPLACED = 'MAY REPLACE',
  DELETED = 'DELETES',
  ORPHANED = 'ORPHANS',
  IAM = 'IAM',
  SECURITY_GROUP = 'SG RULES',
  KEY_POLICY = 'KEY POLICY',
  RETENTION = 'DELETION POLICY',
}
const CONCERN_ORDER = Object.values(Concern);

interface Finding {
  readonly concern: Concern;
  readonly text: string;
}

/** The change of one stack, classified. */
interface StackChange {
  readonly stack: StackUnderReview;
  readonly diff: TemplateDiff;
  readonly findings: Finding[];
  readonly added: number;
  readonly modified: number;
  readonly replaced: number;
  readonly removed: number;
}

/**
 * Reviews the change of the stacks of a stage (one or more environments): per stack the resources
 * added, modified, replaced and removed; replacements, deletions, IAM, security-group, key-policy
 * and deletion-policy changes called out before anything else; stacks with no change marked.
 * Before all of it, where the other lane was checked, the commits it took to production that this
 * release would undo.
 */
export function reviewStage(stacks: StackUnderReview[], context: ReviewContext = {}): StageReview {
  const { laneCheck } = context;
  const changes = stacks.map(classify);
  const withConcerns = changes.filter(c => c.findings.length > 0);
  const changed = changes.filter(c => !c.diff.isEmpty);
  const unchanged = changes.filter(c => c.diff.isEmpty);
  const lines: string[] = [];
  const environments = [...new Set(stacks.map(s => s.environment))];
  lines.push(`Change review of ${environments.join(', ')}: ${stacks.length} stack(s), ${changed.length} with changes, ${unchanged.length} without.`);
  lines.push('');
  if (laneCheck) {
    const { lane, commit, checked, missing } = laneCheck;
    if (missing.length > 0) {
      lines.push(`WOULD UNDO WHAT THE ${lane.toUpperCase()} TOOK TO PRODUCTION`);
      for (const m of missing) {
        lines.push(`  ! commit ${m.commit} (deployed by execution ${m.execution}) is not in commit ${commit}: this release would undo it. `
          + 'Merge it into this branch, then release again.');
      }
    } else {
      lines.push(lane.toUpperCase());
      lines.push(`  every commit it took to production (${checked.length}) is in commit ${commit}`);
    }
    lines.push('');
  }
  lines.push('NEEDS ATTENTION');
  if (withConcerns.length === 0) lines.push('  nothing: no drift, replacement, deletion, IAM, security-group, key-policy or deletion-policy change');
  for (const change of gravestFirst(withConcerns, c => c.findings)) {
    lines.push(`  ${change.stack.stackName} (${change.stack.environment})`);
    for (const finding of gravestFirst(change.findings, f => [f])) lines.push(`    ! ${finding.text}`);
    if (change.diff.permissionsAnyChanges || change.diff.securityGroupChanges.hasChanges) {
      lines.push(...indent(render(out => formatSecurityChanges(out, change.diff, pathsOf(change.stack))), '      '));
    }
  }
  lines.push('');
  if (context.orphanReports && context.orphanReports.length > 0) {
    lines.push('STACKS THE APP NO LONGER HAS');
    for (const report of context.orphanReports) lines.push(...indent(report.replace(/\n+$/, '').split('\n'), '  '));
    lines.push('');
  }
  lines.push('EACH STACK');
  for (const change of changes) lines.push(`  ${change.stack.stackName} (${change.stack.environment}): ${countsOf(change)}`);
  for (const change of changed) {
    lines.push('');
    lines.push(`FULL DIFFERENCE OF ${change.stack.stackName} (${change.stack.environment})`);
    lines.push(...indent(render(out => formatDifferences(out, change.diff, pathsOf(change.stack))), '  '));
  }
  const undone = laneCheck && laneCheck.missing.length > 0
    ? `WOULD UNDO ${laneCheck.lane.toUpperCase()} COMMIT(S) ${laneCheck.missing.map(m => m.commit.slice(0, 7)).join(', ')}; ` : '';
  const orphans = (context.orphanSummaries ?? []).map(summary => `${summary}; `).join('');
  return { text: lines.join('\n') + '\n', summary: summarize(changes, undone + orphans) };
}

function classify(stack: StackUnderReview): StackChange {
  const diff = fullDiff(stack.deployed ?? {}, stack.proposed);
  const findings: Finding[] = [];
  let [added, modified, replaced, removed] = [0, 0, 0, 0];
  diff.resources.forEachDifference((logicalId: string, change: ResourceDifference) => {
    const what = `${change.newResourceType ?? change.oldResourceType} ${pathOf(change, logicalId)}`;
    switch (change.changeImpact) {
      case ResourceImpact.WILL_CREATE: added++; break;
      case ResourceImpact.WILL_REPLACE:
        replaced++;
        findings.push({ concern: Concern.REPLACED, text: `replaces ${what} (new value of ${replacingProperties(change, ResourceImpact.WILL_REPLACE)})` });
        break;
      case ResourceImpact.MAY_REPLACE:
        replaced++;
        findings.push({ concern: Concern.MAY_BE_REPLACED, text: `may replace ${what} (new value of ${replacingProperties(change, ResourceImpact.MAY_REPLACE)})` });
        break;
      case ResourceImpact.WILL_DESTROY:
        removed++;
        findings.push({ concern: Concern.DELETED, text: `deletes ${what}` });
        break;
      case ResourceImpact.WILL_ORPHAN:
        removed++;
        findings.push({ concern: Concern.ORPHANED, text: `removes ${what} from the stack, and keeps it (DeletionPolicy Retain)` });
        break;
      default: modified++;
    }
    if (change.isUpdate && (change.newResourceType ?? '') === 'AWS::KMS::Key' && change.propertyUpdates.KeyPolicy) {
      findings.push({ concern: Concern.KEY_POLICY, text: `changes the key policy of ${what}` });
    }
    for (const attribute of ['DeletionPolicy', 'UpdateReplacePolicy']) {
      const policy = change.isUpdate ? change.otherChanges[attribute] : undefined;
      if (policy) findings.push({ concern: Concern.RETENTION, text: `changes the ${attribute} of ${what} from ${policy.oldValue ?? 'Delete (default)'} to ${policy.newValue ?? 'Delete (default)'}` });
    }
  });
  findings.push(...driftFindings(stack.drift));
  if (diff.iamChanges.hasChanges) {
    findings.push({
      concern: Concern.IAM,
      text: diff.permissionsBroadened ? 'broadens IAM permissions (statements or managed policies added; listed below)' : 'changes IAM permissions (listed below)',
    });
  }
  if (diff.securityGroupChanges.hasChanges) {
    findings.push({ concern: Concern.SECURITY_GROUP, text: 'changes security group rules (listed below)' });
  }
  return { stack, diff, findings, added, modified, replaced, removed };
}

/**
 * A stack changed by hand since its last deploy: the deploy sets each drifted resource back to the
 * template, silently undoing the change, so the approver must see it first.
 */
function driftFindings(drift?: StackDrift): Finding[] {
  if (!drift) return [];
  if (drift.error) return [{ concern: Concern.DRIFT_UNKNOWN, text: `drift could not be checked before the review: ${drift.error}` }];
  return drift.drifted.map(r => {
    const properties = (r.PropertyDifferences ?? []).map(p => `${p.PropertyPath} ${p.DifferenceType.toLowerCase()}`).join(', ');
    const what = r.StackResourceDriftStatus === 'DELETED' ? 'was deleted outside the pipeline: the deploy creates it again'
      : `was changed outside the pipeline${properties ? ` (${properties})` : ''}: the deploy sets it back to the template`;
    return { concern: Concern.DRIFTED, text: `${r.ResourceType} ${r.LogicalResourceId} ${what}` };
  });
}

/** Items by their gravest finding, those without any last (stable otherwise). */
function gravestFirst<T>(items: T[], findingsOf: (item: T) => Finding[]): T[] {
  const rank = (item: T) => Math.min(CONCERN_ORDER.length, ...findingsOf(item).map(f => CONCERN_ORDER.indexOf(f.concern)));
  return [...items].sort((a, b) => rank(a) - rank(b));
}

function countsOf(change: StackChange): string {
  if (!change.stack.deployed) return `new stack, ${change.added} resource(s) to create`;
  if (change.diff.isEmpty) return 'no change';
  const counts = [[change.added, 'added'], [change.modified, 'modified'], [change.replaced, 'replaced'], [change.removed, 'removed']] as const;
  const resources = counts.map(([n, what]) => `${n} ${what}`).join(', ');
  return change.diff.resources.differenceCount === 0 ? `${resources} (only outputs, parameters, conditions or metadata change)` : resources;
}

/**
 * The approval's one line: the stacks that need attention first, with what they do, then the
 * other changed stacks, then the stacks without change; cut to `SUMMARY_LIMIT` characters.
 */
function summarize(changes: StackChange[], first: string): string {
  // A stack without change that drifted needs attention too: it is listed with the changed ones.
  const changed = gravestFirst(changes.filter(c => !c.diff.isEmpty || c.findings.length > 0), c => c.findings);
  const unchanged = changes.filter(c => c.diff.isEmpty && c.findings.length === 0);
  const parts = changed.map(c => {
    const concerns = new Map<Concern, number>();
    gravestFirst(c.findings, f => [f]).forEach(f => concerns.set(f.concern, (concerns.get(f.concern) ?? 0) + 1));
    const flagged = [...concerns].map(([concern, n]) => {
      if (concern === Concern.IAM) return c.diff.permissionsBroadened ? 'IAM BROADENED' : 'IAM';
      return [Concern.DRIFTED, Concern.REPLACED, Concern.MAY_BE_REPLACED, Concern.DELETED, Concern.ORPHANED].includes(concern) ? `${concern} ${n}` : concern;
    });
    // Replacements and removals are flagged already: the rest is counted.
    const rest = !c.stack.deployed ? `new, ${c.added} resource(s)` : `${c.added} added, ${c.modified} modified`;
    return `${c.stack.stackName}: ${[...flagged, rest].join(', ')}`;
  });
  if (unchanged.length > 0) parts.push(`no change: ${unchanged.map(c => c.stack.stackName).join(', ')}`);
  const line = first + (parts.length > 0 ? parts.join('; ') : 'no stack');
  const cut = ' ... (the rest in the review)';
  return line.length <= SUMMARY_LIMIT ? line : line.slice(0, SUMMARY_LIMIT - cut.length) + cut;
}

/** The properties whose new value causes a replacement of a resource. */
function replacingProperties(change: ResourceDifference, impact: ResourceImpact): string {
  const names = Object.entries(change.propertyUpdates).filter(([, p]) => p.changeImpact === impact).map(([name]) => name);
  return names.length > 0 ? names.join(', ') : 'its type';
}

function pathOf(change: ResourceDifference, logicalId: string): string {
  const cdkPath = (change.newValue ?? change.oldValue)?.Metadata?.['aws:cdk:path'];
  return cdkPath ? `${cdkPath} (${logicalId})` : logicalId;
}

/** Each resource's construct path, from the templates' metadata, for the full difference. */
function pathsOf(stack: StackUnderReview): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const template of [stack.deployed, stack.proposed]) {
    for (const [id, resource] of Object.entries<any>(template?.Resources ?? {})) {
      const cdkPath = resource?.Metadata?.['aws:cdk:path'];
      if (cdkPath) paths[id] = cdkPath;
    }
  }
  return paths;
}

/** What cloudformation-diff's formatters write, as lines. */
function render(write: (out: NodeJS.WritableStream) => void): string[] {
  let text = '';
  const out = { write: (chunk: string) => { text += chunk; return true; } } as unknown as NodeJS.WritableStream;
  write(out);
  return text.replace(/\n+$/, '').split('\n');
}

function indent(lines: string[], prefix: string): string[] {
  return lines.map(line => (line ? prefix + line : line));
}
