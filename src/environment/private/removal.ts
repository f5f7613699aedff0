import { RemovalPolicy } from 'aws-cdk-lib';

/**
 * The removal policy for a resource that CloudFormation cannot snapshot (a key, a log group, a
 * secret): a tier's SNAPSHOT keeps such a resource instead, since a snapshot is its way of keeping
 * data. CloudFormation rejects DeletionPolicy Snapshot on these resource types.
 */
export function removalWithoutSnapshot(policy: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.SNAPSHOT ? RemovalPolicy.RETAIN : policy;
}
