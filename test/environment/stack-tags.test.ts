import * as cdk from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { EnvironmentTier } from '../../src';
import { findOrphans } from '../../src/pipeline/review/orphan-stacks';
import { artifactsOf, describeStacks } from '../support/aws-samples';
import { WITHOUT_CDK_INIT_FLAGS } from '../support/cdk-init-context';
import { environment } from '../support/environments';

/**
 * Every stack of an environment carries `Environment`, `Tier` and the app's tag as stack tags,
 * which the CLI hands CloudFormation from the cloud assembly, whatever the app's feature flags say:
 * under `cdk init`'s (examples/cdk.json), `@aws-cdk/core:explicitStackTags` keeps `Tags.of()` from
 * stacks. The orphan clean-up finds a stack by those tags, and its role may delete only such stacks.
 */
function devStacks(context: Record<string, unknown>, withReports: boolean): CloudFormationStackArtifact[] {
  const app = new cdk.App({ postCliContext: context });
  const dev = environment(app, EnvironmentTier.DEV);
  new sns.Topic(new cdk.Stack(dev, 'Api'), 'Orders');
  if (withReports) new sns.Topic(new cdk.Stack(dev, 'Reports'), 'Daily');
  return artifactsOf(dev);
}

describe.each([
  ['cdk init\'s feature flags (explicitStackTags on)', FEATURE_FLAGS],
  ['no feature flags', WITHOUT_CDK_INIT_FLAGS],
])('under %s', (_name, context) => {
  test('every stack of the environment carries Environment, Tier and the app\'s tag in the cloud assembly', () => {
    const stacks = devStacks(context, false);
    expect(stacks.map(s => s.stackName).sort()).toEqual(['dev-Api', 'dev-Foundation', 'dev-Monitoring', 'shop-baseline-111111111111-eu-west-1']);
    for (const stack of stacks) {
      expect(stack.tags).toEqual(expect.objectContaining({ 'Environment': 'dev', 'Tier': 'dev', 'cdk-multi-env:app': 'shop' }));
    }
  });

  test('a stack the app removed is found by the orphan search in a DescribeStacks response built from the manifest it was deployed from', () => {
    const deployed = describeStacks(devStacks(context, true));
    const now = devStacks(context, false);
    const orphans = findOrphans([deployed], {
      appName: 'shop', environmentName: 'dev', current: now.map(s => s.stackName), neverDelete: ['shop-baseline-', 'shop-account-baseline'],
    });
    expect(orphans.map(s => s.StackName)).toEqual(['dev-Reports']);
  });
});
