import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * The props of a bucket that receives S3 server access logs (the audit buckets', the pipeline's
 * artifact buckets'): private, TLS only, versioned, kept; the lifecycle is the caller's.
 */
export function accessLogsBucketProps(lifecycleRules: s3.LifecycleRule[]): s3.BucketProps {
  return {
    // S3 delivers server access logs only to buckets with S3-managed encryption.
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}
