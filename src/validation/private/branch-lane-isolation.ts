import { actionsOf, assumeRoleActions, documentsOfRole, laneOf, matchingActions, normalize, RoleDocument, roleAccountsOf } from './lane-jobs';
import { AppFacts, asArray, CheckedTemplate, Finding, SafetyRule, TemplateResource } from './rule';
import { globCanStartWith, globMatches, hasWildcard, mentionedIds, renderValue } from './template-values';

/** A bucket or key where a protected lane keeps its artifacts: a resource of the template, or a literal name or ARN. */
interface Storage {
  readonly kind: 'bucket' | 'key';
  readonly lanes: Set<string>;
  readonly logicalId?: string;
  readonly literal?: string;
  /** A bucket resource's `BucketName`, when it is a literal. */
  readonly name?: string;
}

/** What the branch-lane jobs that use one role need checked. */
interface RoleUse {
  /** The lanes of its jobs. */
  readonly lanes: Set<string>;
  /** Of those, the lanes where it runs before the first approval, and whether the lane has one. */
  readonly ungated: Map<string, boolean>;
}

/** The six fields of an ARN pattern; one with fewer fields whose last holds `*` could span the rest (`arn:aws:s3:*`). */
function arnFields(text: string): string[] | undefined {
  const parts = text.split(':');
  if (parts.length >= 6) return [...parts.slice(0, 5), parts.slice(5).join(':')];
  if (!parts[parts.length - 1].includes('*')) return undefined;
  return [...parts, ...Array(6 - parts.length).fill('*')];
}

/** Whether an ARN pattern could match a KMS key of `account` whose id is not known at synth time. */
function couldBeUnknownKey(fields: string[] | undefined, account: string | undefined): boolean {
  if (!fields || !globMatches(fields[0], 'arn') || !globMatches(fields[2], 'kms')) return false;
  if (account !== undefined && !globMatches(fields[4], account)) return false;
  const resource = fields[5];
  const fixed = resource.split(/[*?]/)[0];
  return hasWildcard(resource) && ('key/'.startsWith(fixed) || fixed.startsWith('key/'));
}

/** Whether a statement's resource (as a template value, and normalized text) can be the storage. */
function reaches(value: unknown, text: string, storage: Storage, account: string | undefined): boolean {
  if (storage.logicalId !== undefined && mentionedIds(value).has(storage.logicalId)) return true;
  if (text === '*' || text === storage.literal) return true;
  const fields = arnFields(text);
  if (storage.kind === 'bucket') {
    if (!fields || !globMatches(fields[0], 'arn') || !globMatches(fields[2], 's3')) return false;
    const bucket = fields[5].split('/')[0];
    const known = storage.literal ?? storage.name;
    return known !== undefined ? globMatches(bucket, known) : hasWildcard(bucket);
  }
  if (storage.literal !== undefined) {
    if (globMatches(text, storage.literal)) return true;
    // A key given by alias: the key behind it has an id that is not known at synth time.
    const aliased = arnFields(storage.literal);
    return aliased !== undefined && aliased[5].startsWith('alias/') && couldBeUnknownKey(fields, aliased[4]);
  }
  return couldBeUnknownKey(fields, account);
}

/** `lane 'a'`, or `lanes 'a', 'b'`. */
function lanesText(lanes: Iterable<string>): string {
  const names = [...new Set(lanes)].sort();
  return `${names.length === 1 ? 'lane' : 'lanes'} ${names.map(n => `'${n}'`).join(', ')}`;
}

/** The artifact buckets and keys of the protected pipelines of a template. */
function protectedStorage(resources: Record<string, TemplateResource>, account: string | undefined): Storage[] {
  const found = new Map<string, Storage>();
  const add = (kind: Storage['kind'], value: unknown, lane: string) => {
    if (value === undefined) return;
    const ids = [...mentionedIds(value)].filter(id => resources[id] !== undefined);
    const entries: Storage[] = ids.length > 0
      ? ids.map(logicalId => ({
        kind,
        lanes: new Set<string>(),
        logicalId,
        name: typeof resources[logicalId].Properties?.BucketName === 'string' ? resources[logicalId].Properties!.BucketName : undefined,
      }))
      : [{ kind, lanes: new Set<string>(), literal: normalize(renderValue(value), account) }];
    for (const entry of entries) {
      const key = `${kind}:${entry.logicalId ?? ''}:${entry.literal ?? ''}`;
      if (!found.has(key)) found.set(key, entry);
      found.get(key)!.lanes.add(lane);
    }
  };
  for (const resource of Object.values(resources)) {
    const lane = laneOf(resource);
    if (!lane?.protected) continue;
    const props = resource.Properties ?? {};
    const stores = props.ArtifactStore !== undefined ? [props.ArtifactStore] : asArray<any>(props.ArtifactStores).map(s => s?.ArtifactStore);
    for (const store of stores) {
      add('bucket', store?.Location, lane.name);
      add('key', store?.EncryptionKey?.Id, lane.name);
    }
  }
  return [...found.values()];
}

const serviceActions = (statement: any, service: string) => matchingActions(statement,
  a => globCanStartWith(a, `${service}:`, true),
  a => globMatches(a, `${service}:*`, true));

/** Violations of a role's statements, as readable locations. */
function statementViolations(
  documents: RoleDocument[], use: RoleUse, storage: Storage[], template: CheckedTemplate, app: AppFacts,
): string[] {
  const locations: string[] = [];
  for (const { location, document } of documents) {
    asArray<any>(document?.Statement).forEach((statement, i) => {
      if (!statement || statement.Effect !== 'Allow') return;
      const where = `${location}/Statement/${i}`;
      const resources = statement.Resource !== undefined
        ? asArray<unknown>(statement.Resource).map(value => ({ value, shown: renderValue(value) }))
        : statement.NotResource !== undefined
          ? [{ value: '*', shown: `every resource but ${asArray<unknown>(statement.NotResource).map(renderValue).join(', ')}` }]
          : [];
      const s3 = serviceActions(statement, 's3');
      const kms = serviceActions(statement, 'kms');
      const assume = assumeRoleActions(statement);
      for (const { value, shown } of resources) {
        const text = normalize(renderValue(value), template.account);
        // Violation A: another lane's artifacts.
        const reached = storage.filter(s => (s.kind === 'bucket' ? s3 : kms).length > 0 && reaches(value, text, s, template.account));
        if (reached.length > 0) {
          const actions = new Set([...reached.some(s => s.kind === 'bucket') ? s3 : [], ...reached.some(s => s.kind === 'key') ? kms : []]);
          locations.push(`${where}: ${[...actions].join(', ')} on ${shown} (artifact storage of ${lanesText(reached.flatMap(s => [...s.lanes]))})`);
        }
        // Violation B: a role of a production account before the production gate.
        if (assume.length === 0 || use.ungated.size === 0) continue;
        const accounts = roleAccountsOf(text, app.productionAccounts);
        if (accounts.length === 0) continue;
        const named = `production ${accounts.length === 1 ? 'account' : 'accounts'} ${accounts.join(', ')}`;
        const reason = text === '*' ? `any role, of ${named} too`
          : accounts.every(a => text.includes(`:iam::${a}:`)) ? named
            : `an account wildcard that matches ${named}`;
        for (const [lane, hasApproval] of use.ungated) {
          const when = hasApproval ? `before the first approval of lane '${lane}'` : `in lane '${lane}', which has no approval`;
          locations.push(`${where}: ${assume.join(', ')} on ${shown} (${reason}) ${when}`);
        }
      }
    });
  }
  return locations;
}

/**
 * Lanes that run code of unprotected branches (the hotfix and feature lanes of `MultiEnvPipeline`)
 * are kept apart from the protected main lane and from production. The lanes are read from the
 * metadata `cdk-multi-env:lane` (`{ lane, branches, protected }`) of each `AWS::CodePipeline::Pipeline`;
 * pipelines without it are ignored. Per template:
 *
 * - a branch lane's jobs (the CodeBuild actions of a pipeline with `protected` other than true)
 *   may not read or write the protected lanes' artifact storage: no `Allow` statement of a job's
 *   role (its project's `ServiceRole`) has an `s3:` action (`s3:GetObject*`, `s3:*`, `*`, ...) on a
 *   protected pipeline's artifact bucket (`ArtifactStore.Location`, or each of `ArtifactStores`),
 *   nor a `kms:` action on its key (`EncryptionKey.Id`). A resource reaches the storage when it
 *   mentions its logical id anywhere (`Ref`, `Fn::GetAtt`, `Fn::Sub`, inside `Fn::Join`), is `*`,
 *   equals or glob-matches a literal bucket name or key ARN, or is an S3 or KMS ARN whose bucket
 *   (or key) part has a wildcard that could match a bucket whose name (a key whose id) is not
 *   known at synth time; a key given by its alias ARN counts as a key of unknown id.
 * - before its lane's gate (the first `Approval` action, by stage and then `RunOrder`), no job's
 *   role may assume a role of a production account: no `Allow` statement has an action that
 *   matches `sts:AssumeRole` on a resource that can be `arn:<partition>:iam::<account>:role/...`
 *   for a production account (a literal account, an account wildcard, `*`). A job is past the
 *   gate only in a later stage, or in the gate's stage with a greater `RunOrder`; in a lane with
 *   no approval no job is.
 * - a job's role must be readable: a `ServiceRole` that is not a role of the template, a project
 *   that is not one of the template, and a `ManagedPolicyArns` entry that is not a managed policy
 *   of the template (an AWS managed policy) are violations, as they cannot be checked.
 *
 * Only CodeBuild jobs are checked: the pipeline's own role and its other actions' roles (source,
 * deploy, approval) are not. Approximations: only the role's identity policies are read (a bucket or key policy that grants
 * the role is not); `Condition`s are not read; `NotResource` counts as `*`, and `NotAction` as
 * every action unless it excludes the whole service (`s3:*`) or `sts:AssumeRole`; parameters and
 * imported values are not guessed (`arn:aws:s3:::${BucketNameParameter}` matches nothing); a
 * literal key id is not compared with a key created in the template; KMS ARNs are matched on
 * their account, not their region; an `sts:AssumeRole` on a role of the template itself (in the
 * stack's own account) is not taken for a production role unless written as an ARN.
 * The violating resource is the job's role, once, with every statement at fault.
 */
export const branchLaneIsolation: SafetyRule = {
  name: 'branch-lane-isolation',
  description: 'A job of a lane that runs unprotected branches (hotfix, feature) can read or write the artifact storage of the protected lane, '
    + 'can assume a role of a production account before its lane\'s first approval, or has permissions that cannot be read at synth time',
  fix: 'Give each branch lane artifact storage of its own (its own bucket and key) and scope its jobs\' grants to it; '
    + 'move a job that needs a role of a production account after the lane\'s approval; '
    + 'don\'t attach AWS managed policies to the roles of branch-lane jobs (grant what they need in the template)',
  check: (template, app) => {
    const resources = template.resources;
    const storage = protectedStorage(resources, template.account);
    const byRole = new Map<string, RoleUse>();
    const unchecked = new Map<string, Set<string>>();
    const uncheckable = (logicalId: string, location: string) => {
      if (!unchecked.has(logicalId)) unchecked.set(logicalId, new Set());
      unchecked.get(logicalId)!.add(location);
    };
    for (const [pipelineId, pipeline] of Object.entries(resources)) {
      const lane = laneOf(pipeline);
      if (!lane || lane.protected) continue;
      const actions = actionsOf(pipeline);
      const gate = actions.find(a => a.action?.ActionTypeId?.Category === 'Approval');
      for (const job of actions.filter(a => a.action?.ActionTypeId?.Provider === 'CodeBuild')) {
        const project = job.action.Configuration?.ProjectName;
        if (typeof project?.Ref !== 'string' || resources[project.Ref]?.Type !== 'AWS::CodeBuild::Project') {
          uncheckable(pipelineId, `${job.location}/Configuration/ProjectName: ${renderValue(project)} cannot be checked: not a CodeBuild project of this template (${lanesText([lane.name])})`);
          continue;
        }
        const serviceRole = resources[project.Ref].Properties?.ServiceRole;
        const roleId: unknown = serviceRole?.['Fn::GetAtt']?.[0] ?? serviceRole?.Ref;
        if (typeof roleId !== 'string' || resources[roleId]?.Type !== 'AWS::IAM::Role') {
          uncheckable(project.Ref, `Properties/ServiceRole: ${renderValue(serviceRole)} cannot be checked: not a role of this template (${lanesText([lane.name])})`);
          continue;
        }
        const gated = gate !== undefined && (job.stage > gate.stage || (job.stage === gate.stage && job.runOrder > gate.runOrder));
        if (!byRole.has(roleId)) byRole.set(roleId, { lanes: new Set(), ungated: new Map() });
        const use = byRole.get(roleId)!;
        use.lanes.add(lane.name);
        if (!gated) use.ungated.set(lane.name, gate !== undefined);
      }
    }
    const findings: Finding[] = [];
    for (const [roleId, use] of byRole) {
      const { documents, unreadable } = documentsOfRole(roleId, resources);
      const locations = [
        ...unreadable.map(entry => `${entry} cannot be read at synth time (a managed policy that is not in the template), on the role of a job of ${lanesText(use.lanes)}`),
        ...statementViolations(documents, use, storage, template, app),
      ];
      if (locations.length > 0) findings.push({ logicalId: roleId, locations: [...new Set(locations)] });
    }
    for (const [logicalId, locations] of unchecked) findings.push({ logicalId, locations: [...locations] });
    return findings;
  },
};
