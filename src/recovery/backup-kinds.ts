import { ArnFormat, CfnResource, Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { BackupResourceKind } from './backup-resource-kind';

/** What the library knows of each kind of resource AWS Backup protects. */
interface KindFacts {
  /** AWS Backup's name of the kind in restore testing (`ProtectedResourceType`). */
  readonly protectedResourceType: string;
  /** How people call it. */
  readonly label: string;
  /** How to restore one, in Markdown list items: what AWS Backup does and what people do after. */
  readonly restore: string[];
  /** The resource's ARN, built from its `Ref`. */
  arn(resource: CfnResource): string;
}

const formatArn = (resource: CfnResource, service: string, type: string, format = ArnFormat.SLASH_RESOURCE_NAME) =>
  Stack.of(resource).formatArn({ service, resource: type, resourceName: resource.ref, arnFormat: format });

// Each aws command and option here is held against the AWS CLI's own command tables (test/aws-definitions/).
const START_RESTORE = 'Start the restore from the recovery point: `aws backup get-recovery-point-restore-metadata --backup-vault-name <vault> --recovery-point-arn <arn>` gives the metadata to start from (its `RestoreMetadata`); change what the kind needs below, then `aws backup start-restore-job --recovery-point-arn <arn> --iam-role-arn <backup role> --metadata file://metadata.json`.';

export const KIND_FACTS: Record<BackupResourceKind, KindFacts> = {
  [BackupResourceKind.RDS]: {
    protectedResourceType: 'RDS',
    label: 'RDS database instance',
    restore: [
      START_RESTORE,
      'Set `DBInstanceIdentifier` to a new name: RDS restores into a new instance, never over the old one. With continuous backups, `RestoreTime` picks any second of the retention window.',
      'Point the application at the new endpoint (its configuration parameter or secret), check the data, then import the new instance into the stack or rename it to the old identifier.',
    ],
    arn: r => formatArn(r, 'rds', 'db', ArnFormat.COLON_RESOURCE_NAME),
  },
  [BackupResourceKind.AURORA]: {
    protectedResourceType: 'Aurora',
    label: 'Aurora database cluster',
    restore: [
      START_RESTORE,
      'Set `DBClusterIdentifier` to a new name: the restore creates a cluster without instances. Add a writer instance to it (`aws rds create-db-instance --db-cluster-identifier <new> ...`).',
      'Point the application at the new cluster endpoint, check the data, then bring the cluster under the stack.',
    ],
    arn: r => formatArn(r, 'rds', 'cluster', ArnFormat.COLON_RESOURCE_NAME),
  },
  [BackupResourceKind.DYNAMODB]: {
    protectedResourceType: 'DynamoDB',
    label: 'DynamoDB table',
    restore: [
      START_RESTORE,
      'Set `targetTableName` to a new name: DynamoDB restores into a new table (with continuous backups, `aws dynamodb restore-table-to-point-in-time` restores any second of the last 35 days).',
      'Point the application at the new table, check the data, then import the table into the stack.',
    ],
    arn: r => formatArn(r, 'dynamodb', 'table'),
  },
  [BackupResourceKind.EFS]: {
    protectedResourceType: 'EFS',
    label: 'EFS file system',
    restore: [
      START_RESTORE,
      'Set `newFileSystem` to `false` to restore into a directory of the existing file system (item-level restore: give `ItemsToRestore`), or to `true` for a new file system.',
      'Move the restored files into place, or mount the new file system in place of the old one.',
    ],
    arn: r => formatArn(r, 'elasticfilesystem', 'file-system'),
  },
  [BackupResourceKind.EBS]: {
    protectedResourceType: 'EBS',
    label: 'EBS volume',
    restore: [
      START_RESTORE,
      'Set `availabilityZone` to the zone of the instance that needs it: the restore creates a new volume.',
      'Stop the instance, detach the old volume, attach the new one at the same device name, start the instance.',
    ],
    arn: r => formatArn(r, 'ec2', 'volume'),
  },
  [BackupResourceKind.EC2]: {
    protectedResourceType: 'EC2',
    label: 'EC2 instance',
    restore: [
      START_RESTORE,
      'Keep the subnet and security groups of the metadata (or choose others in the environment\'s VPC): the restore launches a new instance from the recovery point\'s image.',
      'Move traffic (target group, Elastic IP, DNS) to the new instance, then terminate the old one.',
    ],
    arn: r => formatArn(r, 'ec2', 'instance'),
  },
  [BackupResourceKind.S3]: {
    protectedResourceType: 'S3',
    label: 'S3 bucket',
    restore: [
      START_RESTORE,
      'Set `DestinationBucketName` to the same bucket to put objects back, or to a new bucket to compare first; `NewBucket` says whether to create it. Continuous backups restore the bucket as it was at any second of the window.',
      'Check the restored objects; the bucket\'s versioning keeps what the restore replaced.',
    ],
    arn: r => Stack.of(r).formatArn({ service: 's3', region: '', account: '', resource: r.ref }),
  },
  [BackupResourceKind.DOCUMENTDB]: {
    protectedResourceType: 'DocumentDB',
    label: 'DocumentDB cluster',
    restore: [
      START_RESTORE,
      'Set `DBClusterIdentifier` to a new name: the restore creates a cluster without instances; add instances to it.',
      'Point the application at the new cluster endpoint, check the data, then bring the cluster under the stack.',
    ],
    arn: r => formatArn(r, 'rds', 'cluster', ArnFormat.COLON_RESOURCE_NAME),
  },
  [BackupResourceKind.NEPTUNE]: {
    protectedResourceType: 'Neptune',
    label: 'Neptune cluster',
    restore: [
      START_RESTORE,
      'Set `DBClusterIdentifier` to a new name: the restore creates a cluster without instances; add instances to it.',
      'Point the application at the new cluster endpoint, check the data, then bring the cluster under the stack.',
    ],
    arn: r => formatArn(r, 'rds', 'cluster', ArnFormat.COLON_RESOURCE_NAME),
  },
  [BackupResourceKind.FSX]: {
    protectedResourceType: 'FSx',
    label: 'FSx file system',
    restore: [
      START_RESTORE,
      'Keep the subnet and security groups of the metadata: the restore creates a new file system.',
      'Mount the new file system in place of the old one (DNS name or mount target), then delete the old one.',
    ],
    arn: r => formatArn(r, 'fsx', 'file-system'),
  },
};

/**
 * The kind of a CloudFormation resource, if AWS Backup protects it. An RDS instance that is a
 * member of a cluster has none: its cluster is what is backed up.
 */
export function kindOf(resource: CfnResource): BackupResourceKind | undefined {
  switch (resource.cfnResourceType) {
    case 'AWS::RDS::DBInstance':
      return (resource as rds.CfnDBInstance).dbClusterIdentifier !== undefined ? undefined : BackupResourceKind.RDS;
    case 'AWS::RDS::DBCluster':
      return BackupResourceKind.AURORA;
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return BackupResourceKind.DYNAMODB;
    case 'AWS::EFS::FileSystem':
      return BackupResourceKind.EFS;
    case 'AWS::EC2::Volume':
      return BackupResourceKind.EBS;
    case 'AWS::EC2::Instance':
      return BackupResourceKind.EC2;
    case 'AWS::S3::Bucket':
      return BackupResourceKind.S3;
    case 'AWS::DocDB::DBCluster':
      return BackupResourceKind.DOCUMENTDB;
    case 'AWS::Neptune::DBCluster':
      return BackupResourceKind.NEPTUNE;
    case 'AWS::FSx::FileSystem':
      return BackupResourceKind.FSX;
    default:
      return undefined;
  }
}
