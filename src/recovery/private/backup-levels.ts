import { Duration } from 'aws-cdk-lib';
import { BackupLevel } from '../../tiers/tier-profile';

/** One rule of a backup plan, as a level defines it. */
export interface LevelRule {
  /** `Daily`, `Weekly` or `Monthly`: the rule's name, and the prefix of the prop that overrides its retention. */
  readonly name: 'Daily' | 'Weekly' | 'Monthly';
  /** When it runs, in UTC, as EventBridge cron fields. */
  readonly cron: { readonly minute: string; readonly hour: string; readonly day?: string; readonly weekDay?: string };
  /** Words for the runbook. */
  readonly when: string;
  /** How long its recovery points are kept. */
  readonly retention: Duration;
}

/**
 * What each backup level means: the one place that holds the plan's shape and retention. The tier
 * profile picks the level; a BackupPolicy's props override retention.
 *
 * The windows are at night UTC, an hour apart, so the rules of one day do not compete.
 */
export const LEVEL_RULES: Record<BackupLevel, LevelRule[]> = {
  [BackupLevel.NONE]: [],
  // A pre-production mirror: a week of daily restore points is enough to undo a bad migration rehearsal.
  [BackupLevel.SHORT]: [
    { name: 'Daily', cron: { minute: '0', hour: '3' }, when: 'every day at 03:00 UTC', retention: Duration.days(7) },
  ],
  // Production: five weeks of dailies (the longest continuous backups may keep), a quarter of
  // weeklies, a year of monthlies for audits.
  [BackupLevel.FULL]: [
    { name: 'Daily', cron: { minute: '0', hour: '3' }, when: 'every day at 03:00 UTC', retention: Duration.days(35) },
    { name: 'Weekly', cron: { minute: '0', hour: '4', weekDay: 'SUN' }, when: 'every Sunday at 04:00 UTC', retention: Duration.days(91) },
    { name: 'Monthly', cron: { minute: '0', hour: '5', day: '1' }, when: 'on the 1st of every month at 05:00 UTC', retention: Duration.days(366) },
  ],
};

/** Whether a level keeps continuous backups (point-in-time restore) by default, and a vault lock, copies and restore tests. */
export const isFull = (level: BackupLevel) => level === BackupLevel.FULL;

/** AWS Backup keeps continuous backups for at most 35 days. */
export const CONTINUOUS_MAX_DAYS = 35;
/** A vault lock can be changed or removed for at least 3 days after it is set (then it is immutable). */
export const LOCK_MIN_GRACE_DAYS = 3;
/** A vault lock's grace time, by default: the least AWS allows, so a mistake can still be undone. */
export const LOCK_GRACE_DAYS = 3;

/**
 * The region the copies of a production environment go to when the user names none: another
 * region of the same country or union, so copies stay under the same data-residency rules. Regions
 * without an obvious partner are left out: there the user must choose.
 */
export const DEFAULT_COPY_REGION: Record<string, string> = {
  'us-east-1': 'us-west-2',
  'us-east-2': 'us-west-2',
  'us-west-1': 'us-east-1',
  'us-west-2': 'us-east-1',
  'ca-central-1': 'ca-west-1',
  'ca-west-1': 'ca-central-1',
  'eu-west-1': 'eu-central-1',
  'eu-central-1': 'eu-west-1',
  'eu-west-3': 'eu-central-1',
  'eu-north-1': 'eu-central-1',
  'eu-south-1': 'eu-central-1',
  'eu-south-2': 'eu-west-3',
  'ap-northeast-1': 'ap-northeast-3',
  'ap-northeast-3': 'ap-northeast-1',
  'ap-southeast-2': 'ap-southeast-4',
  'ap-southeast-4': 'ap-southeast-2',
  'ap-south-1': 'ap-south-2',
  'ap-south-2': 'ap-south-1',
  'us-gov-west-1': 'us-gov-east-1',
  'us-gov-east-1': 'us-gov-west-1',
};
