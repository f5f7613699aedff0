/**
 * A kind of resource AWS Backup protects. Each kind a backup policy knows gets a restore testing
 * selection and a section of the recovery runbook.
 */
export enum BackupResourceKind {
  /** An RDS database instance (not a member of a cluster). */
  RDS = 'RDS',
  /** An Aurora database cluster. */
  AURORA = 'AURORA',
  /** A DynamoDB table. */
  DYNAMODB = 'DYNAMODB',
  /** An EFS file system. */
  EFS = 'EFS',
  /** An EBS volume. */
  EBS = 'EBS',
  /** An EC2 instance, with its volumes. */
  EC2 = 'EC2',
  /** An S3 bucket (versioning must be on). */
  S3 = 'S3',
  /** A DocumentDB cluster. */
  DOCUMENTDB = 'DOCUMENTDB',
  /** A Neptune cluster. */
  NEPTUNE = 'NEPTUNE',
  /** An FSx file system. */
  FSX = 'FSX',
}
