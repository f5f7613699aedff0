import * as fs from 'fs';
import * as path from 'path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { ApprovalGate, BackupLevel, DeploymentMode, EnvironmentTier, TierProfile } from '../../src';
import { FIXED_DEFAULTS } from '../../src/tiers/fixed-defaults';

// The README's tier table ("## The tiers") and some `@default` texts repeat the built-in tiers'
// defaults for a reader; the profiles in src/tiers/environment-tier.ts are where they live. These
// tests read the docs and hold each value to the profile it describes, so that they cannot drift apart.

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');

/** The rows of the README's tier table, by tier name, each a map from column header to cell. */
function tierTable(): Map<string, Record<string, string>> {
  const section = README.slice(README.indexOf('## The tiers'));
  const lines = section.split('\n').filter(line => line.startsWith('|'));
  const cells = (line: string) => line.split('|').slice(1, -1).map(cell => cell.trim());
  const header = cells(lines[0]);
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(2)) {
    const row = Object.fromEntries(cells(line).map((cell, i) => [header[i], cell]));
    if (!/^`[A-Z]+`$/.test(row.tier)) break; // the end of the table
    rows.set(row.tier.replace(/`/g, '').toLowerCase(), row);
  }
  return rows;
}

const LOGS: Record<number, string> = { 7: '1 week', 14: '2 weeks', 30: '1 month', 90: '3 months', 365: '1 year' };
const DRIFT: Record<number, string> = { 0: 'none', 24: 'daily', 168: 'weekly' };
const kind = (k: string) => k.toLowerCase().replace(/_/g, ' ');

/** What the table says of a profile, column by column, where the words follow from the profile alone. */
function expectedCells(p: TierProfile): Record<string, string> {
  return {
    'AZs / NAT': `${p.maxAzs} / ${p.natGateways}`,
    'off-hours': p.scaleDownOffHours ? 'scaled down' : 'on',
    'logs': LOGS[p.logRetention],
    'removal': `${p.removalPolicy}${p.terminationProtection ? ', termination protection' : ''}`,
    'backup': p.backup.toLowerCase(),
    'access': p.access.toLowerCase().replace(/_/g, '-'),
    'alarms': p.alarmSeverity.toLowerCase().replace(/_/g, ' '),
    'drift check': DRIFT[p.driftDetection.toHours({ integral: false })] ?? `every ${p.driftDetection.toHumanString()}`,
  };
}

describe('the README\'s tier table says what the built-in profiles hold', () => {
  const table = tierTable();

  test('it has one row per built-in tier', () => {
    expect([...table.keys()].sort()).toEqual(EnvironmentTier.builtIn().map(t => t.name).sort());
  });

  test.each(EnvironmentTier.builtIn().map(t => [t.name, t] as const))('%s', (name, tier) => {
    const row = table.get(name)!;
    const p = tier.profile;
    expect(row).toMatchObject(expectedCells(p));

    // Deploys: the deployment mode in words.
    const deploys = {
      [DeploymentMode.EVERY_COMMIT]: /^every commit$/,
      [DeploymentMode.AFTER_PREVIOUS]: /^after (Dev|QA|Staging)$/,
      [DeploymentMode.AFTER_PRODUCTION]: /^after Prod, released version$/,
      [DeploymentMode.HOTFIX_LANE]: /^own lane from `hotfix\/\*`$/,
    };
    // ", express mode" where the tier deploys in CloudFormation's express mode.
    const express = ', express mode';
    expect(row.deploys.endsWith(express)).toBe(p.expressDeployments === true);
    expect(row.deploys.replace(express, '')).toMatch(deploys[p.deployment]);

    // Gates: one before or after deploy where the profile has it, named approvers where restricted.
    const gates = row.gates;
    expect(gates === 'none').toBe(p.approvalBeforeDeploy === ApprovalGate.NONE && p.approvalAfterDeploy === ApprovalGate.NONE);
    expect(/\bbefore\b/.test(gates)).toBe(p.approvalBeforeDeploy !== ApprovalGate.NONE);
    expect(/change review before/.test(gates)).toBe(p.approvalBeforeDeploy === ApprovalGate.CHANGE_REVIEW);
    expect(/\bafter\b/.test(gates)).toBe(p.approvalAfterDeploy !== ApprovalGate.NONE);
    expect(/named approvers/.test(gates)).toBe(p.restrictedApprovers);

    // Tests: each kind before the deploy named in the part before "before", each after in the rest;
    // the bake and the re-seeding where the profile has them.
    const cut = row.tests.indexOf(' before');
    const [before, after] = cut < 0 ? ['', row.tests] : [row.tests.slice(0, cut), row.tests.slice(cut + ' before'.length)];
    for (const k of p.testsBeforeDeploy) expect(before).toContain(kind(k));
    for (const k of p.testsAfterDeploy) expect(after).toContain(kind(k));
    const bakeMinutes = p.bakeTime.toMinutes();
    expect(row.tests.includes(`${bakeMinutes} min alarm bake`)).toBe(bakeMinutes > 0);
    expect(row.tests.includes('data re-seeded')).toBe(p.reseedsData);
  });

  test('a cell that disagrees with the profile is found', () => {
    const p = EnvironmentTier.PROD.profile;
    const wrong = { ...expectedCells(p), logs: '1 month' };
    expect(wrong).not.toMatchObject(expectedCells(p));
    expect(expectedCells({ ...p, removalPolicy: RemovalPolicy.DESTROY, terminationProtection: false }).removal).toBe('destroy');
  });
});

describe('the @default texts that name tiers name the tiers the profiles say', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'environment', 'isolated-environment.ts'), 'utf-8');
  /** The tiers a `@default` text lists in parentheses, after the words given. */
  const listedAfter = (words: string) => {
    const match = source.match(new RegExp(`@default - none, unless the tier ${words} \\(([^)]*)\\)`));
    return match![1].split(', ').map(name => name.toLowerCase()).sort();
  };
  const tiersWhere = (holds: (p: TierProfile) => boolean) => EnvironmentTier.builtIn().filter(t => holds(t.profile)).map(t => t.name).sort();

  test('costScheduler: the tiers that scale down off-hours', () => {
    expect(listedAfter('scales down off-hours')).toEqual(tiersWhere(p => p.scaleDownOffHours));
  });

  test('backupPolicy: the tiers that back up', () => {
    expect(listedAfter('\\(or `backup.level`\\) backs up')).toEqual(tiersWhere(p => p.backup !== BackupLevel.NONE));
  });
});

describe('the docs that repeat the fixed defaults say what FIXED_DEFAULTS holds', () => {
  const source = (...file: string[]) => fs.readFileSync(path.join(__dirname, '..', '..', 'src', ...file), 'utf-8');
  const { workingHours, restoreTests, cleanup, featureLane, inspectorCisScan } = FIXED_DEFAULTS;

  test('working hours: the offHours @default and the README', () => {
    const text = `Monday to Friday, ${workingHours.start} to ${workingHours.stop} UTC`;
    expect(source('environment', 'isolated-environment.ts')).toContain(`@default - ${text}`);
    expect(README).toContain(text);
  });

  test('restore tests: the restoreTestingSchedule @default', () => {
    const day = { MON: 'Monday', TUE: 'Tuesday', WED: 'Wednesday', THU: 'Thursday', FRI: 'Friday' }[restoreTests.weekDay];
    const time = `${restoreTests.hour.padStart(2, '0')}:${restoreTests.minute.padStart(2, '0')}`;
    expect(source('recovery', 'backup-policy.ts')).toContain(`@default - every ${day} at ${time} UTC`);
  });

  test('Inspector\'s CIS scan: the inspector option\'s doc and the README', () => {
    const day = { SUN: 'Sunday' }[inspectorCisScan.day];
    const text = `weekly CIS benchmark scan (${day} ${inspectorCisScan.timeOfDay} UTC`;
    expect(source('compliance', 'compliance-baseline-options.ts')).toContain(text);
    expect(README).toContain(`weekly CIS scan (${day} ${inspectorCisScan.timeOfDay} UTC)`);
  });

  test('clean-up: the README\'s table of what unset resources get', () => {
    expect(README).toContain(`abort incomplete uploads after ${cleanup.abortUploadsAfterDays} days; expire replaced versions after ${cleanup.noncurrentVersionsDays} days`);
    expect(README).toContain(`expire objects after ${cleanup.throwawayObjectsDays} days`);
    expect(README).toContain(`keep the last ${cleanup.keepImages} images`);
  });

  test('the bootstrap clean-up: the gracePeriod @default and the README', () => {
    const { weekDay, hour, gracePeriodDays, createdBufferDays } = FIXED_DEFAULTS.bootstrapCleanup;
    expect(source('cost', 'bootstrap-cleanup.ts')).toContain(`@default Duration.days(${gracePeriodDays})`);
    expect(source('environment', 'isolated-environment.ts')).toContain(`grace period of ${gracePeriodDays} days`);
    expect(README).toContain(`every ${{ SUN: 'Sunday' }[weekDay]} at ${String(hour).padStart(2, '0')}:00\nUTC`);
    expect(README).toContain(`the grace period (${gracePeriodDays} days by default; never one younger than a day)`);
    expect(createdBufferDays).toBe(1);
  });

  test('the feature lane: the @default texts of its options', () => {
    const lane = source('pipeline', 'feature-lane.ts');
    expect(lane).toContain(`@default ['${featureLane.branches.join("', '")}']`);
    expect(lane).toContain(`@default ${featureLane.maxEnvironments}\n`);
    expect(lane).toContain(`@default Duration.days(${featureLane.timeToLiveDays})`);
  });
});
