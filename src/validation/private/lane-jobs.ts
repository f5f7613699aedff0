import { asArray, isTrue, TemplateResource } from './rule';
import { globCanMatchPrefixed, globMatches, renderValue } from './template-values';
import { LANE_METADATA } from '../../private/lane-metadata';

/*
 * What the rules on pipelines read of a template: each pipeline's lane (its `cdk-multi-env:lane`
 * metadata), its actions in order, and the policies of a job's role.
 */

/** A pipeline's lane, as its metadata tells it. */
export interface Lane {
  readonly name: string;
  /** True for the main lane only: it builds the protected branch. */
  readonly protected: boolean;
}

/** An action of a pipeline and where it stands: stage index, then `RunOrder` (1 when absent). */
export interface PlacedAction {
  readonly action: any;
  readonly location: string;
  readonly stage: number;
  readonly runOrder: number;
}

/** A policy document that applies to a role, and the readable path to it (`PolicyLogicalId/Properties/PolicyDocument`). */
export interface RoleDocument {
  readonly location: string;
  readonly document: any;
}

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];

/** A pipeline's lane, from its metadata; none for a resource that is not the pipeline of a lane. */
export function laneOf(resource: TemplateResource): Lane | undefined {
  if (resource.Type !== 'AWS::CodePipeline::Pipeline') return undefined;
  const metadata = resource.Metadata?.[LANE_METADATA];
  if (!metadata || typeof metadata !== 'object') return undefined;
  return { name: typeof metadata.lane === 'string' ? metadata.lane : '?', protected: isTrue(metadata.protected) };
}

/** Every action of a pipeline, in stage order (stage index, then `RunOrder`). */
export function actionsOf(pipeline: TemplateResource): PlacedAction[] {
  const placed = asArray<any>(pipeline.Properties?.Stages).flatMap((stage, s) => asArray<any>(stage?.Actions).map((action, a) => ({
    action,
    location: `Properties/Stages/${s}/Actions/${a}`,
    stage: s,
    runOrder: Number(action?.RunOrder ?? 1),
  })));
  return placed.sort((x, y) => x.stage - y.stage || x.runOrder - y.runOrder);
}

/** Pseudo parameters put in for matching: the partition as `aws` (others are tried where it matters), the stack's account when known. */
export function normalize(text: string, account: string | undefined): string {
  return text
    .replace(/\$\{AWS::Partition\}/g, 'aws')
    .replace(/\$\{AWS::URLSuffix\}/g, 'amazonaws.com')
    .replace(/\$\{AWS::AccountId\}/g, account ?? '${AWS-AccountId}')
    .replace(/\$\{AWS::(\w+)\}/g, '${AWS-$1}');
}

/**
 * The policy documents of a role that the template holds (its inline `Policies`, the
 * `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources whose `Roles` hold a `Ref` to it, the
 * managed policies of its `ManagedPolicyArns` that are resources of the template), and the
 * entries of `ManagedPolicyArns` that are not (AWS managed policies, or policies of other stacks).
 */
export function documentsOfRole(roleId: string, resources: Record<string, TemplateResource>): { documents: RoleDocument[]; unreadable: string[] } {
  const role = resources[roleId];
  const documents: RoleDocument[] = asArray<any>(role.Properties?.Policies)
    .map((policy, i) => ({ location: `${roleId}/Properties/Policies/${i}/PolicyDocument`, document: policy?.PolicyDocument }));
  const attached = new Set<string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    if (asArray<any>(resource.Properties?.Roles).some(r => r?.Ref === roleId)) attached.add(logicalId);
  }
  const unreadable: string[] = [];
  asArray<any>(role.Properties?.ManagedPolicyArns).forEach((arn, i) => {
    if (typeof arn?.Ref === 'string' && resources[arn.Ref]?.Type === 'AWS::IAM::ManagedPolicy') attached.add(arn.Ref);
    else unreadable.push(`${roleId}/Properties/ManagedPolicyArns/${i}: ${renderValue(arn)}`);
  });
  for (const logicalId of attached) {
    documents.push({ location: `${logicalId}/Properties/PolicyDocument`, document: resources[logicalId].Properties?.PolicyDocument });
  }
  return { documents, unreadable };
}

/** The `Allow` statement's actions that can match an action of `service` (or `sts:AssumeRole`), as the report shows them. */
export function matchingActions(statement: any, matches: (action: string) => boolean, coveredBy: (notAction: string) => boolean): string[] {
  if (statement.NotAction !== undefined) {
    const excluded = asArray<any>(statement.NotAction).map(a => String(a));
    return excluded.some(coveredBy) ? [] : [`every action but ${excluded.join(', ')}`];
  }
  return asArray<any>(statement.Action).filter(a => typeof a === 'string' && matches(a));
}

/** The `Allow` statement's actions that can match `sts:AssumeRole`. */
export const assumeRoleActions = (statement: any) => matchingActions(statement,
  a => globMatches(a, 'sts:AssumeRole', true),
  a => globMatches(a, 'sts:AssumeRole', true));

/**
 * The accounts of `accounts` a role ARN pattern can be a role of: it matches
 * `arn:<partition>:iam::<account>:role/<path and name, without a colon>`.
 */
export function roleAccountsOf(text: string, accounts: ReadonlySet<string>): string[] {
  return [...accounts].filter(account => PARTITIONS.some(p => globCanMatchPrefixed(text, `arn:${p}:iam::${account}:role/`, ':')));
}

