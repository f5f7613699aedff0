import { Annotations, CfnResource, IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { TierProfile } from '../tiers';
import { FIXED_DEFAULTS } from '../tiers/fixed-defaults';

const { abortUploadsAfterDays, noncurrentVersionsDays, throwawayObjectsDays, keepImages } = FIXED_DEFAULTS.cleanup;

/**
 * Waste never piles up in an environment: every log group without a retention gets the tier's,
 * every bucket without lifecycle rules gets rules that abort stale uploads, expire replaced
 * versions and (in tiers whose data is disposable) expire objects, and every ECR repository
 * without a lifecycle policy keeps its last images only. A resource that sets its own retention,
 * lifecycle rules or policy is left as it is: that is how a user overrides these defaults.
 *
 * Written as an aspect over the L1 resources because it must reach the workload's resources too,
 * and aws-cdk-lib has no API that sets defaults across a scope.
 */
export class CleanupPolicies implements IAspect {
  constructor(private readonly profile: TierProfile) {}

  public visit(node: IConstruct): void {
    // The L2 constructs give these properties as lazy values: resolved, they are undefined when unset.
    const unset = (value: unknown) => Stack.of(node).resolve(value) === undefined;
    if (node instanceof logs.CfnLogGroup && unset(node.retentionInDays)) {
      node.retentionInDays = this.profile.logRetention;
    } else if (node instanceof s3.CfnBucket && unset(node.lifecycleConfiguration)) {
      node.lifecycleConfiguration = { rules: this.bucketRules(node) };
    } else if (node instanceof ecr.CfnRepository && unset(node.lifecyclePolicy)) {
      node.lifecyclePolicy = {
        lifecyclePolicyText: JSON.stringify({
          rules: [{
            rulePriority: 1,
            description: `Keep the last ${keepImages} images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepImages },
            action: { type: 'expire' },
          }],
        }),
      };
    }
  }

  private bucketRules(bucket: s3.CfnBucket): s3.CfnBucket.RuleProperty[] {
    const rules: s3.CfnBucket.RuleProperty[] = [
      { id: 'AbortIncompleteUploads', status: 'Enabled', abortIncompleteMultipartUpload: { daysAfterInitiation: abortUploadsAfterDays } },
    ];
    const versioning = Stack.of(bucket).resolve(bucket.versioningConfiguration);
    if (versioning?.Status === 'Enabled' || versioning?.status === 'Enabled') {
      rules.push({ id: 'ExpireReplacedVersions', status: 'Enabled', noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionsDays } });
    }
    if (this.profile.removalPolicy === RemovalPolicy.DESTROY) {
      rules.push({ id: 'ExpireDisposableObjects', status: 'Enabled', expirationInDays: throwawayObjectsDays });
      Annotations.of(bucket as CfnResource).addInfo(`objects expire after ${throwawayObjectsDays} days: the tier's data is disposable; give the bucket lifecycle rules of its own to keep them`);
    }
    return rules;
  }
}
