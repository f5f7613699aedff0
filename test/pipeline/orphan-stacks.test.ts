import * as cdk from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { EnvironmentTier, IsolatedEnvironment } from '../../src';
import { OrphanMode } from '../../src/pipeline/orphan-mode';
import { findOrphans, OrphanSearch, planOrphans } from '../../src/pipeline/review/orphan-stacks';
import { FEATURE_CONTEXT } from '../../src/private/feature-context';
import { APP_TAG } from '../../src/private/stack-tags';
import { artifactOf, artifactsOf, describeStacks, DescribedStackSample } from '../support/aws-samples';
import { environment } from '../support/environments';

// What DescribeStacks answers for a whole region (the orphan search reads `aws cloudformation
// describe-stacks --output json`), built from synthesized apps: an earlier release of the app (its
// environment had stacks the release under test no longer has, one protecting itself, one with a
// nested stack), the app's other environment of the same tier in the same account, another app's
// environment of the same name, a feature copy, and the CDK bootstrap.

/** A workload stack of an environment, with one resource. */
function workload(scope: Construct, id: string, props: cdk.StackProps = {}): cdk.Stack {
  const stack = new cdk.Stack(scope, id, props);
  new sns.Topic(stack, 'Topic');
  return stack;
}

/** The stack of a DescribeStacks response with that name. */
function named(response: { Stacks: DescribedStackSample[] }, name: string): DescribedStackSample {
  const stack = response.Stacks.find(s => s.StackName === name);
  if (!stack) throw new Error(`no stack ${name} in ${response.Stacks.map(s => s.StackName).join(', ')}`);
  return stack;
}

/** The stack the CDK CLI's `cdk bootstrap` deploys into an environment's account and region: the CLI's own template, under the CLI's default name. */
function bootstrapOf(env: IsolatedEnvironment): CloudFormationStackArtifact {
  const toolkit = new cdk.Stack(new cdk.App(), 'CDKToolkit', { env: { account: env.account, region: env.region }, synthesizer: new cdk.CliCredentialsStackSynthesizer() });
  new cfninc.CfnInclude(toolkit, 'Template', { templateFile: require.resolve('aws-cdk/lib/api/bootstrap/bootstrap-template.yaml') });
  return artifactOf(toolkit);
}

/** A feature copy of the environment `dev` of a new app, for a branch, as a feature lane's build synthesizes it (the context it writes). */
function featureCopy(branch: string): IsolatedEnvironment {
  const app = new cdk.App({ context: { [FEATURE_CONTEXT.copyOf]: 'dev', [FEATURE_CONTEXT.branch]: branch, [FEATURE_CONTEXT.timeToLiveHours]: 48 } });
  const copy = environment(app, EnvironmentTier.DEV);
  workload(copy, 'Api');
  return copy;
}

/**
 * Dev's account and region. The app's earlier release deployed Dev with Api (which nests a stack),
 * Reports, Archive (with termination protection of its own), Legacy and Search; the release under
 * test has Api only. In it, Dev's sibling dev-b is the first environment of the account, so it holds
 * the account's baseline, which Dev held and deployed before.
 */
function devAccount() {
  const before = new cdk.App();
  const dev = environment(before, EnvironmentTier.DEV);
  const api = workload(dev, 'Api');
  new sns.Topic(new cdk.NestedStack(api, 'Indexes'), 'Topic');
  for (const id of ['Reports', 'Legacy', 'Search']) workload(dev, id);
  workload(dev, 'Archive', { terminationProtection: true });
  const sibling = environment(before, EnvironmentTier.DEV, { environmentName: 'dev-b', cidr: '10.1.0.0/16' });
  workload(sibling, 'Api');
  const billing = environment(new cdk.App(), EnvironmentTier.DEV, { appName: 'billing' });
  workload(billing, 'Batch');
  const copy = featureCopy('feature/login');

  const now = new cdk.App();
  environment(now, EnvironmentTier.DEV, { environmentName: 'dev-b', cidr: '10.1.0.0/16' });
  const devNow = environment(now, EnvironmentTier.DEV);
  workload(devNow, 'Api');

  const response = describeStacks([...artifactsOf(dev), ...artifactsOf(sibling), ...artifactsOf(billing), ...artifactsOf(copy), bootstrapOf(dev)]);
  const stacks = response.Stacks.map(stack => {
    // Legacy's deletion failed (CloudFormation's status; the app synthesizes no status).
    if (stack.StackName === 'dev-Legacy') return { ...stack, StackStatus: 'DELETE_FAILED' };
    // Search was deployed by a release older than the app's tag (none of the app's releases synthesizes it now without it).
    if (stack.StackName === 'dev-Search') return { ...stack, Tags: stack.Tags.filter(t => t.Key !== APP_TAG) };
    return stack;
  });
  const search: OrphanSearch = {
    appName: devNow.appName,
    environmentName: devNow.environmentName,
    current: artifactsOf(devNow).map(s => s.stackName),
    neverDelete: [`${devNow.appName}-baseline-`, `${devNow.appName}-account-baseline`],
  };
  return { response: { Stacks: stacks }, search, copy, sibling, billing };
}

/**
 * Staging's account and region: the app's earlier release deployed Staging with Api, Reports and
 * Exports, and its sibling staging-b with Reports; the release under test has Staging's Api only.
 */
function stagingAccount() {
  const before = new cdk.App();
  const staging = environment(before, EnvironmentTier.STAGING);
  for (const id of ['Api', 'Reports', 'Exports']) workload(staging, id);
  const sibling = environment(before, EnvironmentTier.STAGING, { environmentName: 'staging-b', cidr: '10.1.0.0/16' });
  workload(sibling, 'Reports');
  const now = new cdk.App();
  const stagingNow = environment(now, EnvironmentTier.STAGING);
  workload(stagingNow, 'Api');
  const search: OrphanSearch = {
    appName: stagingNow.appName,
    environmentName: stagingNow.environmentName,
    current: artifactsOf(stagingNow).map(s => s.stackName),
    neverDelete: [`${stagingNow.appName}-baseline-`, `${stagingNow.appName}-account-baseline`],
  };
  return { response: describeStacks([...artifactsOf(staging), ...artifactsOf(sibling)]), search };
}

const dev = devAccount();
const staging = stagingAccount();

describe('the stacks an environment deployed that the app no longer has', () => {
  test('found by the app\'s and the environment\'s tags: never a stack of another app or environment, a nested one, or the account baseline', () => {
    const names = findOrphans([dev.response], dev.search).map(s => s.StackName);
    expect(names.sort()).toEqual(['dev-Archive', 'dev-Legacy', 'dev-Reports']);
    // Each left out for its own reason: still in the app, another app (same environment name), a
    // feature copy, another environment, a nested stack (its parent deletes it), untagged (deployed
    // before the tag), the bootstrap, and the account baseline (the account's, whichever environment holds it).
    const nested = dev.response.Stacks.filter(s => s.ParentId === named(dev.response, 'dev-Api').StackId);
    const baseline = dev.response.Stacks.find(s => s.StackName.startsWith(`${dev.search.appName}-baseline-`))!;
    const kept = [
      'dev-Api', ...artifactsOf(dev.billing).map(s => s.stackName), `${dev.copy.environmentName}-Api`, `${dev.sibling.environmentName}-Api`,
      ...nested.map(s => s.StackName), 'dev-Search', 'CDKToolkit', baseline.StackName,
    ];
    expect(nested).toHaveLength(1);
    expect(named(dev.response, 'dev-Search').Tags.map(t => t.Key)).toEqual(expect.arrayContaining(['Environment', 'Tier']));
    expect(dev.search.current).not.toContain(baseline.StackName);
    expect(baseline.Tags).toEqual(expect.arrayContaining([{ Key: 'Environment', Value: 'dev' }, { Key: APP_TAG, Value: 'shop' }]));
    for (const name of kept) {
      named(dev.response, name);
      expect(names).not.toContain(name);
    }
  });

  test('Dev (data throwaway): an orphan is deleted after the deploy; one with termination protection is reported, not deleted', () => {
    const plan = planOrphans([dev.response], dev.search, OrphanMode.DELETE);
    expect(plan.toDelete).toEqual(['dev-Reports']);
    expect(plan.protectedStacks).toEqual(['dev-Archive']);
    expect(plan.deleting).toEqual(['dev-Legacy']);
    expect(plan.left).toEqual([]);
    expect(plan.stacks).toEqual([{ name: 'dev-Reports', region: 'eu-west-1' }]);
    expect(plan.text).toContain('dev-Reports: deleted now');
    expect(plan.text).toContain('dev-Archive: termination protection is on, not deleted');
    expect(plan.text).toContain('dev-Legacy: its deletion failed');
    expect(plan.summary).toBe('dev: 3 stack(s) the app no longer has (1 deleted, 1 protected, 1 being or failed to be deleted): dev-Reports, dev-Archive');
  });

  test('Staging, before its approval: the orphans are listed for the approver, nothing is deleted', () => {
    const plan = planOrphans([staging.response], staging.search, OrphanMode.LIST);
    expect(plan.toDelete).toEqual([]);
    expect(plan.left).toEqual(['staging-Exports', 'staging-Reports']);
    expect(plan.text).toContain('staging-Reports: deleted after the approval');
    expect(plan.summary).toBe('staging: 2 stack(s) the app no longer has (2 to delete after approval): staging-Exports, staging-Reports');
    // staging-b-Reports is in the same account but another environment's.
    named(staging.response, 'staging-b-Reports');
    expect(plan.text).not.toContain('staging-b-Reports');
  });

  test('Staging, after its approval: only the orphans the approver saw are deleted', () => {
    const plan = planOrphans([staging.response], staging.search, OrphanMode.APPROVED, ['staging-Reports']);
    expect(plan.toDelete).toEqual(['staging-Reports']);
    expect(plan.left).toEqual(['staging-Exports']);
    expect(plan.text).toContain('staging-Exports: found after the approval: listed for the next one, not deleted');
  });

  test('where no approval covers a deletion, orphans are reported only', () => {
    const plan = planOrphans([staging.response], staging.search, OrphanMode.REPORT);
    expect(plan.toDelete).toEqual([]);
    expect(plan.left).toEqual(['staging-Exports', 'staging-Reports']);
    expect(plan.text).toContain('not deleted: no approval of this environment covers a deletion');
  });

  test('no orphan: one line, and no summary for the approval', () => {
    const plan = planOrphans([staging.response], { ...staging.search, current: [...staging.search.current, 'staging-Reports', 'staging-Exports'] }, OrphanMode.LIST);
    expect(plan.toDelete).toEqual([]);
    expect(plan.text).toBe('staging: no stack of the environment that the app no longer has.\n');
    expect(plan.summary).toBe('');
  });
});
