import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EnvironmentTier } from '../../src';
import { environment, newApp } from '../support/environments';

/** A workload stack in an environment of the tier, synthesized after `build` adds to it. */
function workloadOf(tier: EnvironmentTier, build: (stack: cdk.Stack) => void): Template {
  const env = environment(newApp(), tier);
  const stack = new cdk.Stack(env, 'Workload');
  build(stack);
  env.synth();
  return Template.fromStack(stack);
}

describe('cleanup policies', () => {
  test('a log group without retention gets the tier\'s; one with its own keeps it', () => {
    const template = workloadOf(EnvironmentTier.DEV, stack => {
      new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE });
      new logs.LogGroup(stack, 'Month', { retention: logs.RetentionDays.ONE_MONTH });
    });
    const retentions = Object.values(template.findResources('AWS::Logs::LogGroup')).map(r => r.Properties.RetentionInDays).sort();
    expect(retentions).toEqual([30, 7]);
  });

  test('in a tier with disposable data, a bucket aborts stale uploads and its objects expire', () => {
    const template = workloadOf(EnvironmentTier.DEV, stack => new s3.Bucket(stack, 'Scratch'));
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          { Id: 'AbortIncompleteUploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
          { Id: 'ExpireDisposableObjects', Status: 'Enabled', ExpirationInDays: 30 },
        ],
      },
    });
  });

  test('in production, a versioned bucket expires replaced versions and never its objects', () => {
    const template = workloadOf(EnvironmentTier.PROD, stack => new s3.Bucket(stack, 'Uploads', { versioned: true }));
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          { Id: 'AbortIncompleteUploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
          { Id: 'ExpireReplacedVersions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
        ],
      },
    });
  });

  test('a bucket with lifecycle rules of its own keeps them, and only them', () => {
    const template = workloadOf(EnvironmentTier.DEV, stack => new s3.Bucket(stack, 'Archive', {
      lifecycleRules: [{ id: 'Glacier', transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: cdk.Duration.days(90) }] }],
    }));
    const rules = Object.values(template.findResources('AWS::S3::Bucket'))[0].Properties.LifecycleConfiguration.Rules;
    expect(rules.map((r: any) => r.Id)).toEqual(['Glacier']);
  });

  test('an ECR repository keeps its last 20 images; one with a policy of its own keeps that', () => {
    const template = workloadOf(EnvironmentTier.QA, stack => {
      new ecr.Repository(stack, 'Images');
      new ecr.Repository(stack, 'Pinned', { lifecycleRules: [{ maxImageCount: 5 }] });
    });
    const policies = Object.values(template.findResources('AWS::ECR::Repository'))
      .map(r => JSON.parse(r.Properties.LifecyclePolicy.LifecyclePolicyText).rules[0].selection.countNumber)
      .sort((a, b) => a - b);
    expect(policies).toEqual([5, 20]);
  });
});
