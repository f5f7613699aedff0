import * as fs from 'fs';
import * as path from 'path';
import { OrphanMode } from '../../src/pipeline/orphan-mode';
import { DescribeStacksResponse, findOrphans, OrphanSearch, planOrphans } from '../../src/pipeline/review/orphan-stacks';

// DescribeStacks responses as `aws cloudformation describe-stacks --output json` prints them for a
// whole region (test/pipeline/recorded/): the library's environments, one stack removed from the app,
// one with termination protection, one whose deletion failed, a nested stack, and the stacks of
// another app, another environment, a feature copy, the bootstrap, and one deployed before the app tag.
const recorded = (name: string): DescribeStacksResponse =>
  JSON.parse(fs.readFileSync(path.join(__dirname, 'recorded', `describe-stacks-${name}.json`), 'utf-8'));

const dev: OrphanSearch = {
  appName: 'shop',
  environmentName: 'dev',
  current: ['dev-Foundation', 'dev-Monitoring', 'dev-Api'],
  neverDelete: ['shop-baseline-'],
};
const staging: OrphanSearch = { ...dev, environmentName: 'staging', current: ['staging-Foundation', 'staging-Monitoring', 'staging-Api'] };

describe('the stacks an environment deployed that the app no longer has', () => {
  test('found by the app\'s and the environment\'s tags: never a stack of another app or environment, a nested one, or the account baseline', () => {
    const names = findOrphans([recorded('dev')], dev).map(s => s.StackName);
    expect(names.sort()).toEqual(['dev-Archive', 'dev-Legacy', 'dev-Reports']);
    // Each left out for its own reason: still in the app, another app (same environment name), a
    // feature copy, another environment, a nested stack (its parent deletes it), untagged (deployed
    // before the tag), the bootstrap, and the account baseline (the account's, whichever environment holds it).
    for (const kept of ['dev-Api', 'dev-Batch', 'dev-feat-login-Api', 'qa-Api', 'dev-Api-Nested1AB2C3', 'dev-Search', 'CDKToolkit', 'shop-baseline-111111111111-eu-west-1']) {
      expect(names).not.toContain(kept);
    }
  });

  test('Dev (data throwaway): an orphan is deleted after the deploy; one with termination protection is reported, not deleted', () => {
    const plan = planOrphans([recorded('dev')], dev, OrphanMode.DELETE);
    expect(plan.toDelete).toEqual(['dev-Reports']);
    expect(plan.protectedStacks).toEqual(['dev-Archive']);
    expect(plan.deleting).toEqual(['dev-Legacy']);
    expect(plan.left).toEqual([]);
    expect(plan.text).toContain('dev-Reports: deleted now');
    expect(plan.text).toContain('dev-Archive: termination protection is on, not deleted');
    expect(plan.text).toContain('dev-Legacy: its deletion failed');
    expect(plan.summary).toBe('dev: 3 stack(s) the app no longer has (1 deleted, 1 protected, 1 being or failed to be deleted): dev-Reports, dev-Archive');
  });

  test('Staging, before its approval: the orphans are listed for the approver, nothing is deleted', () => {
    const plan = planOrphans([recorded('staging')], staging, OrphanMode.LIST);
    expect(plan.toDelete).toEqual([]);
    expect(plan.left).toEqual(['staging-Reports', 'staging-Exports']);
    expect(plan.text).toContain('staging-Reports: deleted after the approval');
    expect(plan.summary).toBe('staging: 2 stack(s) the app no longer has (2 to delete after approval): staging-Reports, staging-Exports');
    // prod-Reports is in the same account but another environment's.
    expect(plan.text).not.toContain('prod-Reports');
  });

  test('Staging, after its approval: only the orphans the approver saw are deleted', () => {
    const plan = planOrphans([recorded('staging')], staging, OrphanMode.APPROVED, ['staging-Reports']);
    expect(plan.toDelete).toEqual(['staging-Reports']);
    expect(plan.left).toEqual(['staging-Exports']);
    expect(plan.text).toContain('staging-Exports: found after the approval: listed for the next one, not deleted');
  });

  test('where no approval covers a deletion, orphans are reported only', () => {
    const plan = planOrphans([recorded('staging')], staging, OrphanMode.REPORT);
    expect(plan.toDelete).toEqual([]);
    expect(plan.left).toEqual(['staging-Reports', 'staging-Exports']);
    expect(plan.text).toContain('not deleted: no approval of this environment covers a deletion');
  });

  test('no orphan: one line, and no summary for the approval', () => {
    const plan = planOrphans([recorded('staging')], { ...staging, current: [...staging.current, 'staging-Reports', 'staging-Exports'] }, OrphanMode.LIST);
    expect(plan.toDelete).toEqual([]);
    expect(plan.text).toBe('staging: no stack of the environment that the app no longer has.\n');
    expect(plan.summary).toBe('');
  });
});
