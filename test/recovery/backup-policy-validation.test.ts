import * as cdk from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BackupCopyDestination, BackupLevel, BackupOptions, BackupPolicy, BackupResourceKind, EnvironmentTier } from '../../src';
import { environment, newApp } from '../support/environments';

const days = cdk.Duration.days;
const prod = (backupOptions: BackupOptions) => () => environment(newApp(), EnvironmentTier.PROD, { backup: backupOptions });
const staging = (backupOptions: BackupOptions) => () => environment(newApp(), EnvironmentTier.STAGING, { backup: backupOptions });
const SUBJECT = "[prod/Foundation/Backup] BackupPolicy of environment 'prod': ";

describe('bad backup options fail with the prop, the value and what is expected', () => {
  test('a retention shorter than the vault lock\'s minimum', () => {
    expect(prod({ vaultLockMinRetention: days(60) })).toThrow(new Error(SUBJECT
      + "dailyRetention is 35 days, shorter than the vault lock's minimum retention (vaultLockMinRetention 60 days); the locked vault would refuse these recovery points: keep them at least 60 days"));
  });

  test('every rule shorter than the lock is named', () => {
    expect(prod({ vaultLockMinRetention: days(100) })).toThrow(/2 problems:\n {2}- dailyRetention is 35 days, shorter .*\n {2}- weeklyRetention is 91 days, shorter/);
  });

  test('a copy to the environment\'s own region', () => {
    expect(prod({ copyTo: BackupCopyDestination.toRegion('eu-west-1') })).toThrow(new Error(SUBJECT
      + "copyTo is region eu-west-1, the environment's own region; a copy protects against losing a region only in another one"));
  });

  test('a copy to an existing vault in the environment\'s own region', () => {
    const app = newApp();
    const other = new cdk.Stack(app, 'Other', { env: { account: '888888888888', region: 'eu-west-1' } });
    const vault = backup.BackupVault.fromBackupVaultArn(other, 'Vault', 'arn:aws:backup:eu-west-1:888888888888:backup-vault:central');
    expect(() => environment(app, EnvironmentTier.PROD, { backup: { copyTo: BackupCopyDestination.toVault(vault) } }))
      .toThrow(/copyTo is vault Other\/Vault in eu-west-1, the environment's own region/);
  });

  test('a copy to a region that does not exist', () => {
    expect(prod({ copyTo: BackupCopyDestination.toRegion('eu-middle-9') })).toThrow(/copyTo is region 'eu-middle-9'; expected an AWS region such as eu-central-1/);
  });

  test('a copy to an account that is not one', () => {
    expect(prod({ copyTo: BackupCopyDestination.toRegion('eu-central-1', { account: '1234' }) })).toThrow(/copyTo has account '1234'; expected an AWS account id of 12 digits/);
  });

  test('weekly or monthly retention where the level makes no such backups', () => {
    expect(staging({ weeklyRetention: days(90), monthlyRetention: days(365) })).toThrow(new Error(
      "[staging/Foundation/Backup] BackupPolicy of environment 'staging': 2 problems:\n"
      + '  - weeklyRetention is 90 days, but level SHORT makes no weekly backups; use level FULL or remove weeklyRetention\n'
      + '  - monthlyRetention is 365 days, but level SHORT makes no monthly backups; use level FULL or remove monthlyRetention'));
  });

  test('continuous backups kept longer than AWS Backup keeps them', () => {
    expect(prod({ dailyRetention: days(60) })).toThrow(/dailyRetention is 60 days, but continuous backups are kept 35 days at most; shorten it, or set continuousBackup to false/);
  });

  test('a retention that is not whole days', () => {
    expect(staging({ dailyRetention: cdk.Duration.hours(36) })).toThrow(/dailyRetention is 1 day 12 hours; expected whole days, at least 1/);
  });

  test('a vault lock that can be undone for less than 3 days', () => {
    expect(prod({ vaultLockChangeableFor: days(1) })).toThrow(/vaultLockChangeableFor is 1 day; AWS Backup expects at least 3 days/);
  });

  test('vault lock settings without a vault lock', () => {
    expect(staging({ vaultLockMinRetention: days(7) })).toThrow(/vaultLockMinRetention is 7 days, but there is no vault lock \(vaultLock is false\)/);
  });

  test('a restore testing schedule that is not a cron, or with restore testing off', () => {
    expect(prod({ restoreTestingSchedule: events.Schedule.rate(cdk.Duration.days(7)) })).toThrow(/restoreTestingSchedule is rate\(7 days\); restore testing takes a cron schedule/);
    expect(staging({ restoreTestingSchedule: events.Schedule.cron({ hour: '6' }) })).toThrow(/restoreTestingSchedule is given, but restore testing is off/);
  });

  test('a selecting tag AWS reserves', () => {
    expect(staging({ tagKey: 'aws:backup' })).toThrow(/tagKey is 'aws:backup'; expected a tag key of 1 to 128 characters, not starting with aws:/);
  });

  test('a kind listed twice', () => {
    expect(prod({ resourceKinds: [BackupResourceKind.RDS, BackupResourceKind.RDS] })).toThrow(new Error(SUBJECT + 'resourceKinds lists RDS more than once; list each kind once'));
  });

  test('backup options where the environment backs nothing up', () => {
    expect(() => environment(newApp(), EnvironmentTier.DEV, { backup: { dailyRetention: days(7), vaultLock: true } })).toThrow(new Error(
      "[dev] IsolatedEnvironment 'dev': backup sets dailyRetention, vaultLock, but the environment backs nothing up (backup level NONE, from tier dev); set backup.level to SHORT or FULL, or remove them"));
  });

  test('no backups in a production tier', () => {
    expect(prod({ level: BackupLevel.NONE })).toThrow(/backup is NONE; for a production tier \(production is true\) expected SHORT or FULL/);
  });
});

describe('a BackupPolicy of its own', () => {
  const stack = () => new cdk.Stack(newApp(), 'Data', { env: { account: '123456789012', region: 'us-east-1' } });

  test('outside an environment, the level is required, and NONE backs nothing up', () => {
    expect(() => new BackupPolicy(stack(), 'Backups')).toThrow(new Error("[Data/Backups] BackupPolicy 'Backups': level is missing; outside an IsolatedEnvironment give the backup level (SHORT or FULL)"));
    expect(() => new BackupPolicy(stack(), 'Backups', { level: BackupLevel.NONE })).toThrow(/level is NONE; a backup policy backs something up/);
  });

  test('a vault name AWS Backup refuses', () => {
    expect(() => new BackupPolicy(stack(), 'Backups', { level: BackupLevel.SHORT, backupVaultName: 'my vault!' }))
      .toThrow(/backupVaultName is 'my vault!'; expected 2 to 50 letters, digits, hyphens and underscores/);
  });

  test('a copy needs a stack with a region', () => {
    const agnostic = new cdk.Stack(newApp(), 'Agnostic');
    expect(() => new BackupPolicy(agnostic, 'Backups', { level: BackupLevel.SHORT, copyTo: BackupCopyDestination.toRegion('us-west-2') }))
      .toThrow(/copyTo is region us-west-2, but the policy's stack has no region of its own/);
  });
});

describe('addResource refuses what it cannot back up', () => {
  test('an unknown kind of resource', () => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    const queue = new sqs.Queue(new cdk.Stack(env, 'Work'), 'Jobs');
    expect(() => env.backupPolicy!.addResource(queue)).toThrow(new RegExp(
      "^\\[prod/Foundation/Backup\\] BackupPolicy 'Backup': addResource: resource is prod/Work/Jobs, which holds AWS::SQS::Queue: no kind of resource AWS Backup protects; expected one of RDS database instance, Aurora database cluster, DynamoDB table"));
  });

  test('a bucket without versioning', () => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    const bucket = new s3.Bucket(new cdk.Stack(env, 'Data'), 'Uploads');
    expect(() => env.backupPolicy!.addResource(bucket)).toThrow(/resource is prod\/Data\/Uploads\/Resource, an S3 bucket without versioning; AWS Backup backs up versioned buckets only: set versioned: true/);
  });

  test('the same resource twice', () => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    const bucket = new s3.Bucket(new cdk.Stack(env, 'Data'), 'Uploads', { versioned: true });
    env.backupPolicy!.addResource(bucket);
    expect(() => env.backupPolicy!.addResource(bucket)).toThrow(/resource is prod\/Data\/Uploads\/Resource, which is already backed up by construct; add each resource once/);
  });

  test('a resource of another environment', () => {
    const app = newApp();
    const prodEnv = environment(app, EnvironmentTier.PROD);
    const stagingEnv = environment(app, EnvironmentTier.STAGING, { cidr: '10.1.0.0/16' });
    const bucket = new s3.Bucket(new cdk.Stack(stagingEnv, 'Data'), 'Uploads', { versioned: true });
    expect(() => prodEnv.backupPolicy!.addResource(bucket)).toThrow(/resource is staging\/Data\/Uploads, in 333333333333\/eu-west-1; the vault is in 444444444444\/eu-west-1/);
  });
});
