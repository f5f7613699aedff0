import { CfnResource, IAspect, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';

/** The id aws-cdk-lib gives the custom resource that empties a bucket with `autoDeleteObjects`. */
const AUTO_DELETE = 'AutoDeleteObjectsCustomResource';

/**
 * A feature environment leaves nothing behind: every resource of it, the workload's too, is
 * deleted with its stack whatever removal policy it was given, and every bucket is emptied first
 * (aws-cdk-lib's `BucketAutoDeleteObjects` mixin), since CloudFormation cannot delete a bucket
 * that holds objects and the teardown would stop there.
 */
export class DestroyFeatureCopy implements IAspect {
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    node.applyRemovalPolicy(RemovalPolicy.DESTROY);
    if (s3.CfnBucket.isCfnBucket(node) && !node.node.scope?.node.tryFindChild(AUTO_DELETE)) {
      new s3.mixins.BucketAutoDeleteObjects().applyTo(node);
    }
  }
}
