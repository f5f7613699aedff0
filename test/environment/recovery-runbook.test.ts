import * as cdk from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { BackupCopyDestination, BackupResourceKind, EnvironmentTier, RecoveryRunbook } from '../../src';
import { environment, newApp } from '../support/environments';

function table(stack: cdk.Stack, id: string): dynamodb.Table {
  return new dynamodb.Table(stack, id, { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
}

/** The lines of a Markdown section, up to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const level = heading.split(' ')[0];
  const rest = markdown.slice(start + heading.length + 1);
  const next = rest.search(new RegExp(`^#{1,${level.length}} `, 'm'));
  return next < 0 ? rest : rest.slice(0, next);
}

describe('the runbook of a production environment', () => {
  // GIVEN a production environment whose data stack holds a table given to the policy, a
  // database the environment tag selects, and a file system the tag does not select
  const app = newApp();
  const env = environment(app, EnvironmentTier.PROD);
  const data = new cdk.Stack(env, 'Data');
  env.backupPolicy!.addResource(table(data, 'Orders'));
  new rds.DatabaseInstance(data, 'Db', { engine: rds.DatabaseInstanceEngine.POSTGRES, vpc: env.vpc });
  const files = new efs.FileSystem(data, 'Files', { vpc: env.vpc });
  cdk.Tags.of(files).add('Environment', 'elsewhere', { priority: 500 });
  // WHEN it is rendered after synthesis
  app.synth();
  const markdown = new RecoveryRunbook(env).toMarkdown();

  test('names the environment, its account, region and deployment', () => {
    expect(markdown.startsWith('# Recovery runbook: shop prod\n')).toBe(true);
    expect(markdown).toContain('| account | 444444444444 |');
    expect(markdown).toContain('| region | eu-west-1 |');
    expect(markdown).toContain('| deployed by | the pipeline in the tooling account 999999999999 |');
    expect(markdown).toContain('| alarms | notify the topic `shop-prod-alarms` (PAGE) |');
  });

  test('states the plan as configured: rules, retention, continuous backups, copies', () => {
    const backedUp = section(markdown, '## What is backed up');
    expect(backedUp).toContain('AWS Backup, level FULL, in vault `shop-prod` (444444444444, eu-west-1), encrypted with the environment\'s key.');
    expect(backedUp).toContain('every resource AWS Backup supports that carries the tag `Environment=prod`, and by construct:\n- `prod/Data/Orders/Resource`');
    const copy = 'vault `shop-prod-copy` in 444444444444, eu-central-1';
    expect(backedUp).toContain(`| Daily | every day at 03:00 UTC | 35 days | yes (RDS, Aurora, S3) | ${copy} |`);
    expect(backedUp).toContain(`| Weekly | every Sunday at 04:00 UTC | 91 days | no | ${copy} |`);
    expect(backedUp).toContain(`| Monthly | on the 1st of every month at 05:00 UTC | 366 days | no | ${copy} |`);
  });

  test('states the vault lock and the restore tests', () => {
    expect(markdown).toContain('Vault lock: recovery points are kept at least 35 days; 3 days after its first deployment the lock is immutable');
    expect(markdown).toContain('Restore tests: `cron(0 6 ? * WED *)` (UTC), plan `shop_prod_restore_tests`');
    expect(markdown).toContain('Tested kinds: DynamoDB table.');
  });

  test('lists every resource that holds data, how it is backed up, and whether it is restore-tested', () => {
    expect(markdown).toContain('| `prod/Data/Orders/Resource` | DynamoDB table | by construct | yes |');
    expect(markdown).toContain('| `prod/Data/Db/Resource` | RDS database instance | by tag `Environment=prod` | **no** |');
    expect(markdown).toContain('| `prod/Data/Files/Resource` | EFS file system | **no** | **no** |');
  });

  test('says how to restore each kind it holds, with the vault and role filled in', () => {
    const restore = section(markdown, '## How to restore');
    expect(restore).toContain('`aws backup list-recovery-points-by-backup-vault --backup-vault-name shop-prod --by-resource-arn <resource ARN>`');
    expect(restore).toContain('If eu-west-1 (or the account) is lost, the copies are in vault `shop-prod-copy` (444444444444, eu-central-1)');
    for (const heading of ['### DynamoDB table', '### RDS database instance', '### EFS file system']) {
      expect(section(markdown, heading)).toContain('--iam-role-arn arn:aws:iam::444444444444:role/shop-prod-backup');
    }
    expect(section(markdown, '### RDS database instance')).toContain('Set `DBInstanceIdentifier` to a new name');
  });

  test('says how to rebuild from the pipeline: the stacks in deployment order', () => {
    const rebuild = section(markdown, '## How to rebuild the environment from the pipeline');
    const stacks = [...rebuild.matchAll(/^\| `([^`]+)` \|/gm)].map(m => m[1]);
    expect(stacks).toEqual(['prod-Foundation', 'shop-baseline-444444444444-eu-west-1', 'prod-FoundationBackupCopy', 'prod-Monitoring', 'prod-Data']);
    expect(rebuild).toContain('| `prod-FoundationBackupCopy` | 444444444444 | eu-central-1 | yes |');
    expect(rebuild).toContain('Termination protection must be switched off for that stack first');
    expect(rebuild).toContain('Its data resources are retained: import them into the new stack (`cdk import`)');
    expect(rebuild).toContain('`/shop/prod/`');
    expect(rebuild).toContain("the tier's tests after deploy (SMOKE)");
  });
});

describe('runbooks of other tiers', () => {
  test('dev: nothing is backed up; the data resources are listed as lost with the environment; no restore section', () => {
    const app = newApp();
    const env = environment(app, EnvironmentTier.DEV);
    table(new cdk.Stack(env, 'Data'), 'Orders');
    app.synth();
    const markdown = new RecoveryRunbook(env).toMarkdown();
    expect(section(markdown, '## What is backed up')).toContain("Nothing: the tier's backup level is NONE.");
    expect(markdown).toContain('- DynamoDB table `dev/Data/Orders/Resource`');
    expect(markdown).not.toContain('## How to restore');
    expect(markdown).toContain('| alarms | record only, on the dashboard (RECORD_ONLY) |');
  });

  test('demo: the pipeline re-seeds the data', () => {
    const app = newApp();
    const env = environment(app, EnvironmentTier.DEMO);
    app.synth();
    expect(new RecoveryRunbook(env).toMarkdown()).toContain('which re-seeds its data set on every deploy.');
  });

  test('staging: a week of dailies, no copy, no lock, and a warning that restores are not tested', () => {
    const app = newApp();
    const env = environment(app, EnvironmentTier.STAGING, { backup: { copyTo: BackupCopyDestination.none() } });
    app.synth();
    const markdown = new RecoveryRunbook(env).toMarkdown();
    expect(markdown).toContain('| Daily | every day at 03:00 UTC | 7 days | no | no copy |');
    expect(markdown).toContain('Vault lock: none');
    expect(markdown).toContain('Restore tests: none.');
    expect(markdown).not.toContain('the copies are in vault');
  });

  test('restore testing with no kind known says so', () => {
    const app = newApp();
    const env = environment(app, EnvironmentTier.PROD);
    app.synth();
    expect(new RecoveryRunbook(env).toMarkdown()).toContain('**No kind of resource is tested yet**');
  });

  test('kinds named in resourceKinds get a restore section even before such a resource exists', () => {
    const app = newApp();
    const env = environment(app, EnvironmentTier.PROD, { backup: { resourceKinds: [BackupResourceKind.AURORA] } });
    app.synth();
    const markdown = new RecoveryRunbook(env).toMarkdown();
    expect(markdown).toContain('### Aurora database cluster');
    expect(markdown).toContain('Tested kinds: Aurora database cluster.');
  });
});
