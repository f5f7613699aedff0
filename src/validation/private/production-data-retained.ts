import { asArray, Finding, isTrue, SafetyRule, TemplateResource } from './rule';
import { STATEFUL_TYPES } from '../../environment/retain-production-data';

/** The resource types CloudFormation can snapshot on deletion or replacement (DeletionPolicy Snapshot). */
const SNAPSHOT_TYPES = new Set([
  'AWS::DocDB::DBCluster',
  'AWS::EC2::Volume',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Neptune::DBCluster',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
]);

/** Where a stateful resource type has a switch that stops it from being deleted, and what it must be. */
const DELETION_PROTECTION: Record<string, (resource: TemplateResource) => string[]> = {
  'AWS::RDS::DBInstance': r => (r.Properties?.DBClusterIdentifier !== undefined || isTrue(r.Properties?.DeletionProtection) ? [] : ['Properties/DeletionProtection']),
  'AWS::RDS::DBCluster': r => (isTrue(r.Properties?.DeletionProtection) ? [] : ['Properties/DeletionProtection']),
  'AWS::DocDB::DBCluster': r => (isTrue(r.Properties?.DeletionProtection) ? [] : ['Properties/DeletionProtection']),
  'AWS::Neptune::DBCluster': r => (isTrue(r.Properties?.DeletionProtection) ? [] : ['Properties/DeletionProtection']),
  'AWS::DynamoDB::Table': r => (isTrue(r.Properties?.DeletionProtectionEnabled) ? [] : ['Properties/DeletionProtectionEnabled']),
  'AWS::DynamoDB::GlobalTable': r => asArray<any>(r.Properties?.Replicas)
    .map((replica, i) => (isTrue(replica?.DeletionProtectionEnabled) ? undefined : `Properties/Replicas/${i}/DeletionProtectionEnabled`))
    .filter((l): l is string => l !== undefined),
  'AWS::Cognito::UserPool': r => (r.Properties?.DeletionProtection === 'ACTIVE' ? [] : ['Properties/DeletionProtection']),
};

const kept = (policy: string | undefined, type: string, allowed: string[]) =>
  policy !== undefined && (allowed.includes(policy) || (policy === 'Snapshot' && SNAPSHOT_TYPES.has(type)));

/**
 * In a stack of a production tier (an `IsolatedEnvironment` whose profile has `production` true,
 * and not a feature branch's copy), every stateful resource (the types `RetainProductionData`
 * retains: databases, tables, buckets, file systems, log groups, keys, vaults, caches, ...) has
 * DeletionPolicy Retain (or RetainExceptOnCreate, or Snapshot where CloudFormation supports it)
 * and UpdateReplacePolicy Retain (or Snapshot), and its deletion protection on where the type has
 * one (RDS and Aurora, DocumentDB, Neptune, DynamoDB, Cognito user pools; an RDS instance of a
 * cluster is protected by its cluster); and the stack itself has termination protection.
 */
export const productionDataRetained: SafetyRule = {
  name: 'production-data-retained',
  description: 'In a stack of a production tier, a stateful resource is not retained when it leaves the stack (DeletionPolicy, UpdateReplacePolicy), '
    + 'its deletion protection is off, or the stack has no termination protection',
  fix: 'Give the resource removalPolicy RETAIN (or SNAPSHOT) and switch its deletion protection on (deletionProtection: env.profile.production); '
    + 'keep the tier\'s terminationProtection on the stack (IsolatedEnvironment retains and protects what it holds unless a prop or an escape hatch overrides it)',
  check: template => {
    if (!template.production) return [];
    const findings: Finding[] = [];
    if (!template.terminationProtection) findings.push({ locations: ['terminationProtection'] });
    for (const [logicalId, resource] of Object.entries(template.resources)) {
      if (!STATEFUL_TYPES.has(resource.Type)) continue;
      const locations = [
        ...(kept(resource.DeletionPolicy, resource.Type, ['Retain', 'RetainExceptOnCreate']) ? [] : ['DeletionPolicy']),
        ...(kept(resource.UpdateReplacePolicy, resource.Type, ['Retain']) ? [] : ['UpdateReplacePolicy']),
        ...(DELETION_PROTECTION[resource.Type]?.(resource) ?? []),
      ];
      if (locations.length > 0) findings.push({ logicalId, locations });
    }
    return findings;
  },
};
