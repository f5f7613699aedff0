import { Annotations, CfnDeletionPolicy, CfnResource, IAspect, RemovalPolicy } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Resource types that hold data which cannot be rebuilt from code. CloudFormation deletes them
 * with their stack unless their DeletionPolicy says otherwise.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'AWS::Backup::BackupVault',
  'AWS::Cognito::UserPool',
  'AWS::DocDB::DBCluster',
  'AWS::DocDB::DBInstance',
  'AWS::DynamoDB::GlobalTable',
  'AWS::DynamoDB::Table',
  'AWS::EC2::Volume',
  'AWS::ECR::Repository',
  'AWS::EFS::FileSystem',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::FSx::FileSystem',
  'AWS::Kinesis::Stream',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::MemoryDB::Cluster',
  'AWS::Neptune::DBCluster',
  'AWS::OpenSearchService::Domain',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
  'AWS::S3::Bucket',
  'AWS::SecretsManager::Secret',
  'AWS::Timestream::Table',
]);

/**
 * In a production environment, every stateful resource is retained when it leaves its stack,
 * the workload's as well as the library's: end users' data must outlive any stack. A resource
 * the user set to be deleted or snapshotted is retained too, with a warning that says so.
 *
 * aws-cdk-lib's `RemovalPolicies.of(scope).retain()` overrides just as well, but silently; this
 * aspect warns, so the user learns why their DESTROY did not take.
 */
export class RetainProductionData implements IAspect {
  constructor(private readonly environmentName: string) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || !STATEFUL_TYPES.has(node.cfnResourceType)) return;
    const current = node.cfnOptions.deletionPolicy;
    if (current === CfnDeletionPolicy.RETAIN && node.cfnOptions.updateReplacePolicy === CfnDeletionPolicy.RETAIN) return;
    if (current !== undefined && current !== CfnDeletionPolicy.RETAIN) {
      Annotations.of(node).addWarningV2('cdk-multi-env:productionDataRetained',
        `${node.cfnResourceType} had DeletionPolicy ${current}; it is Retain because environment '${this.environmentName}' is a production tier, whose data must outlive its stacks`);
    }
    node.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
