import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { accessLogsBucketProps } from '../../compliance/private/access-logs-bucket';
import { acknowledge, inCompliancePacks, suppressGuardRules } from '../../private/acknowledge';
import { onlyAwsServicesCreateGrants } from '../../private/key-policies';
import { FIXED_DEFAULTS } from '../../tiers/fixed-defaults';

/** The id of the access-log bucket of a stack's artifact buckets. */
const ACCESS_LOGS_ID = 'ArtifactAccessLogs';

const NONCURRENT_ARTIFACTS = Duration.days(FIXED_DEFAULTS.pipelineArtifacts.noncurrentVersionsDays);
const ACCESS_LOG_RETENTION = Duration.days(FIXED_DEFAULTS.pipelineArtifacts.accessLogsDays);

/**
 * Completes a bucket that CodePipeline created for artifacts (the pipeline's own, or the
 * replication bucket of a cross-region support stack): versioned, with lifecycle rules, S3 events
 * to EventBridge, its access logged, and its key letting only AWS services create grants. Changed
 * through its L1, so that its logical id and the pipeline's use of it stay as they are.
 */
export function completeArtifactBucket(bucket: s3.IBucket): void {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.versioningConfiguration = { status: 'Enabled' };
  cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
  if (bucket instanceof s3.Bucket) {
    // Every run writes its artifacts under new keys: none is overwritten or expires while a later
    // action, a retry or a stage rollback may still read it.
    bucket.addLifecycleRule({ id: 'ExpireOverwrittenArtifacts', noncurrentVersionExpiration: NONCURRENT_ARTIFACTS });
    bucket.addLifecycleRule({ id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) });
  }
  logAccessTo(bucket, cfn);
  // The support stack's bucket names its key by alias; the statement goes to the key either way.
  bucket.encryptionKey?.addToResourcePolicy(onlyAwsServicesCreateGrants());

  suppressGuardRules(cfn, 'Artifacts are working files of pipeline runs, written once under new keys; versioning keeps overwritten or deleted ones '
    + `for ${NONCURRENT_ARTIFACTS.toDays()} days. Object lock would make every run's artifacts undeletable for its retention, and CloudFormation `
    + 'turns it on only by replacing the bucket the pipeline uses', 's3_bucket_object_lock_enabled_check');
  acknowledge(bucket, 'Artifacts are working files of pipeline runs, rebuilt by running the pipeline again; the pipeline itself copies them '
    + 'to the regions its actions run in', ...inCompliancePacks('S3BucketReplicationEnabled'));
}

/**
 * Server access logging of an artifact bucket into a bucket of the same stack (S3 delivers access
 * logs only within a region), one per stack, by bucket policy like the compliance baseline's. Each
 * artifact bucket of the stack (one per lane) logs under a prefix of its own, its logical id, and
 * has a statement of its own.
 */
function logAccessTo(bucket: s3.IBucket, cfn: s3.CfnBucket): void {
  const stack = Stack.of(bucket);
  const logs = stack.node.tryFindChild(ACCESS_LOGS_ID) as s3.Bucket | undefined ?? accessLogsBucket(stack);
  const name: string = stack.resolve(stack.getLogicalId(cfn));
  const prefix = `${name}/`;
  cfn.loggingConfiguration = { destinationBucketName: logs.bucketName, logFilePrefix: prefix };
  logs.addToResourcePolicy(new iam.PolicyStatement({
    sid: `S3ServerAccessLogsOf${name}`,
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [logs.arnForObjects(`${prefix}*`)],
    conditions: {
      ArnLike: { 'aws:SourceArn': bucket.bucketArn },
      StringEquals: { 'aws:SourceAccount': stack.account },
    },
  }));
}

function accessLogsBucket(stack: Stack): s3.Bucket {
  const bucket = new s3.Bucket(stack, ACCESS_LOGS_ID, accessLogsBucketProps([
    { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
    { id: 'ExpireAfterRetention', expiration: ACCESS_LOG_RETENTION, noncurrentVersionExpiration: NONCURRENT_ARTIFACTS },
  ]));
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };

  const itself = 'This is the access-log bucket of the artifact buckets: logging its own access would log into itself';
  const sseS3 = 'S3 delivers server access logs only to buckets encrypted with S3-managed keys (SSE-S3), not KMS';
  const noLock = 'S3 delivers server access logs only to buckets without an object-lock default retention';
  suppressGuardRules(cfn, itself, 's3_bucket_logging_enabled_check');
  suppressGuardRules(cfn, sseS3, 's3_bucket_default_encryption_kms_check');
  suppressGuardRules(cfn, noLock, 's3_bucket_object_lock_enabled_check');
  acknowledge(bucket, itself, 'AwsSolutions-S1', ...inCompliancePacks('S3BucketLoggingEnabled'));
  acknowledge(bucket, sseS3, ...inCompliancePacks('S3DefaultEncryptionKMS'));
  acknowledge(bucket, 'Access logs of pipeline artifacts stay in the tooling account for a year; where they are copied to is the organization\'s choice',
    ...inCompliancePacks('S3BucketReplicationEnabled'));
  return bucket;
}
