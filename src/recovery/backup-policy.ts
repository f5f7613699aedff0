import { Annotations, ArnFormat, CfnResource, Duration, Names, RemovalPolicy, Stack, Stage, Tags, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { BackupCopyDestination } from './backup-copy-destination';
import { BackupPolicyFacts } from './backup-facts';
import { KIND_FACTS, kindOf } from './backup-kinds';
import { BackupResourceKind } from './backup-resource-kind';
import { acknowledge, inCompliancePacks } from '../private/acknowledge';
import {
  CONTINUOUS_MAX_DAYS, DEFAULT_COPY_REGION, isFull, LEVEL_RULES, LevelRule, LOCK_GRACE_DAYS, LOCK_MIN_GRACE_DAYS,
} from './private/backup-levels';
import { onlyAwsServicesCreateGrants } from '../private/key-policies';
import { INLINE_POLICY_REASON } from '../private/reasons';
import { ValidationErrors } from '../private/validation-errors';
import { FIXED_DEFAULTS } from '../tiers/fixed-defaults';
import { StageProfile } from '../tiers/stage-profile';
import { BackupLevel } from '../tiers/tier-profile';

/**
 * How an environment's data is backed up. Every field is optional: the tier's backup level decides
 * the defaults.
 */
export interface BackupOptions {
  /**
   * How much is backed up. NONE switches backups off (not allowed in a production tier).
   *
   * @default - the tier's `backup` level; required outside an `IsolatedEnvironment`
   */
  readonly level?: BackupLevel;

  /**
   * The key of the tag that selects resources for backup: every resource AWS Backup supports that
   * carries the tag is backed up. Resources given to `addResource()` get the tag too.
   *
   * @default - `Environment` in an `IsolatedEnvironment` (every resource of the environment, which
   * the environment tags), `Backup` elsewhere
   */
  readonly tagKey?: string;

  /**
   * The value of the selecting tag.
   *
   * @default - the environment's name in an `IsolatedEnvironment`, `true` elsewhere
   */
  readonly tagValue?: string;

  /**
   * The kinds of resource the tag selects, when they are not given to `addResource()`: each is
   * restore-tested and has a section in the recovery runbook.
   *
   * @default - only the kinds of the resources given to `addResource()`
   */
  readonly resourceKinds?: BackupResourceKind[];

  /**
   * How long daily recovery points are kept: whole days, at least the vault lock's minimum, at most
   * 35 days with continuous backups.
   *
   * @default - SHORT 7 days; FULL 35 days
   */
  readonly dailyRetention?: Duration;

  /**
   * How long weekly recovery points are kept (FULL only).
   *
   * @default - FULL 91 days
   */
  readonly weeklyRetention?: Duration;

  /**
   * How long monthly recovery points are kept (FULL only).
   *
   * @default - FULL 366 days
   */
  readonly monthlyRetention?: Duration;

  /**
   * Whether the daily rule keeps continuous backups, which restore to any second of its retention
   * (RDS, Aurora, S3; other kinds get daily snapshots).
   *
   * @default - true in FULL, false in SHORT
   */
  readonly continuousBackup?: boolean;

  /**
   * Where every recovery point is copied, with the retention of its rule.
   *
   * @default - FULL: a vault the library creates in a second region of the same country or union
   * (eu-west-1 to eu-central-1, us-east-1 to us-west-2, ...); where there is no such region, no
   * copy and a warning. SHORT: no copy
   */
  readonly copyTo?: BackupCopyDestination;

  /**
   * Whether the vault (and the copy vault) has an AWS Backup Vault Lock, so that no one, not even
   * the account's root user, deletes a recovery point before its time once the lock's grace time
   * has passed.
   *
   * @default - true in FULL, false in SHORT
   */
  readonly vaultLock?: boolean;

  /**
   * The shortest retention the vault lock accepts. No rule may keep recovery points for less.
   *
   * @default - the shortest retention of the plan's rules
   */
  readonly vaultLockMinRetention?: Duration;

  /**
   * How long after deployment the vault lock can still be changed or removed; after that it is
   * immutable (compliance mode). At least 3 days.
   *
   * @default Duration.days(3)
   */
  readonly vaultLockChangeableFor?: Duration;

  /**
   * Whether AWS Backup restores the latest recovery point of each kind of resource on a schedule,
   * checks that it comes up, and deletes it again (restore testing). Results are Restore Job
   * events, which `EnvironmentMonitoring` watches.
   *
   * @default - true in FULL, false in SHORT
   */
  readonly restoreTesting?: boolean;

  /**
   * When restore tests run: a cron schedule, in UTC.
   *
   * @default - every Wednesday at 06:00 UTC (a working day, so someone sees a failure)
   */
  readonly restoreTestingSchedule?: events.Schedule;
}

/** Properties of a `BackupPolicy`. */
export interface BackupPolicyProps extends BackupOptions {
  /**
   * The key that encrypts the vault's recovery points of the kinds AWS Backup encrypts itself
   * (EFS, DynamoDB, S3, ...). A copy to another account needs a customer-managed key.
   *
   * @default - AWS Backup's AWS-managed key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The vault's name (2 to 50 letters, digits, hyphens and underscores); it also names the plan,
   * the copy vault (`<name>-copy`), the backup role (`<name>-backup`) and the restore testing plan.
   *
   * @default - `<app>-<environment>` in an `IsolatedEnvironment`, a unique name elsewhere
   */
  readonly backupVaultName?: string;
}

const ACCOUNT = /^\d{12}$/;
const VAULT_NAME = /^[a-zA-Z0-9_-]{2,50}$/;
const WHOLE_DAY_MINUTES = 24 * 60;

/**
 * The backups of one environment, on AWS Backup: a vault encrypted with the environment's key, a
 * plan whose rules the tier's backup level decides (SHORT: daily, kept a week; FULL: daily with
 * continuous backups, weekly and monthly, kept up to a year), resources selected by tag and by
 * construct, and in FULL a vault lock, a copy of every recovery point in a second region (and
 * optionally a second account), and restore tests that prove the backups restore.
 *
 * `IsolatedEnvironment` makes one for every tier that backs up (`env.backupPolicy`). Give it the
 * resources that hold your data with `addResource()`: it backs them up by construct (which is
 * what cdk-nag's `*InBackupPlan` rules look for), tags them and restore-tests their kind.
 *
 * @example
 * import * as cdk from 'aws-cdk-lib';
 * import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
 * import { EnvironmentTier, IsolatedEnvironment } from 'cdk-multi-env';
 *
 * const app = new cdk.App();
 * const prod = new IsolatedEnvironment(app, 'Prod', {
 *   tier: EnvironmentTier.PROD,
 *   appName: 'shop',
 *   account: '444444444444',
 *   region: 'eu-west-1',
 *   toolingAccount: '999999999999',
 *   cidr: '10.40.0.0/16',
 * });
 * const data = new cdk.Stack(prod, 'Data');
 * const orders = new dynamodb.TableV2(data, 'Orders', {
 *   partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
 * });
 * prod.backupPolicy?.addResource(orders);
 */
export class BackupPolicy extends Construct {
  /** How much is backed up. */
  public readonly level: BackupLevel;
  /** The vault that holds the recovery points. */
  public readonly backupVault: backup.IBackupVault;
  /** The backup plan. */
  public readonly backupPlan: backup.IBackupPlan;
  /** The role AWS Backup assumes to back up, restore and restore-test. */
  public readonly role: iam.IRole;
  /**
   * The vault every recovery point is copied to.
   *
   * @default - none: no copy
   */
  public readonly copyVault?: backup.IBackupVault;
  /**
   * The restore testing plan.
   *
   * @default - none: no restore tests
   */
  public readonly restoreTestingPlan?: backup.CfnRestoreTestingPlan;
  /** The key of the tag that selects resources. */
  public readonly tagKey: string;
  /** The value of the tag that selects resources. */
  public readonly tagValue: string;

  private readonly vaultName: string;
  private readonly rules: { rule: LevelRule; retention: Duration; continuous: boolean }[];
  private readonly lock?: { minRetention: Duration; changeableFor: Duration };
  private readonly copy?: { account: string; region: string; vault: string };
  private readonly restoreTestingSchedule?: string;
  private readonly kinds = new Set<BackupResourceKind>();
  private readonly added: CfnResource[] = [];
  private readonly encryptedWithKey: boolean;

  constructor(scope: Construct, id: string, props: BackupPolicyProps = {}) {
    super(scope, id);
    const environment = StageProfile.of(Stage.of(this));
    const errors = new ValidationErrors(environment ? `BackupPolicy of environment '${environment.environmentName}'` : `BackupPolicy '${id}'`, this);
    const level = props.level ?? environment?.profile.backup;
    if (level === undefined) {
      errors.add('level', 'is missing; outside an IsolatedEnvironment give the backup level (SHORT or FULL)');
    } else if (level === BackupLevel.NONE) {
      errors.add('level', 'is NONE; a backup policy backs something up: give SHORT or FULL, or create no policy');
    }
    errors.throwIfAny();
    this.level = level!;
    const full = isFull(this.level);
    this.encryptedWithKey = props.encryptionKey !== undefined;
    const home = Stack.of(this);

    this.vaultName = props.backupVaultName ?? Names.uniqueResourceName(this, { maxLength: 50 });
    this.tagKey = props.tagKey ?? (environment ? 'Environment' : 'Backup');
    this.tagValue = props.tagValue ?? environment?.environmentName ?? 'true';
    const continuous = props.continuousBackup ?? full;
    this.rules = this.chooseRules(props, continuous, errors);
    const locked = props.vaultLock ?? full;
    this.lock = this.chooseLock(props, locked, errors);
    const copyTo = props.copyTo ?? this.defaultCopy(full, home.region);
    this.checkCopy(copyTo, home, errors);
    const restoreTesting = props.restoreTesting ?? full;
    this.checkRestoreTesting(props, restoreTesting, errors);
    this.checkNames(props, errors);
    const kinds = props.resourceKinds ?? [];
    const repeated = [...new Set(kinds.filter((k, i) => kinds.indexOf(k) !== i))];
    if (repeated.length > 0) errors.add('resourceKinds', `lists ${repeated.join(', ')} more than once; list each kind once`);
    errors.throwIfAny();

    this.role = new iam.Role(this, 'Role', {
      roleName: `${this.vaultName}-backup`,
      description: `AWS Backup backs up, restores and restore-tests the resources of ${this.vaultName}`,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: [
        'AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores',
        'AWSBackupServiceRolePolicyForS3Backup', 'AWSBackupServiceRolePolicyForS3Restore',
      ].map(name => iam.ManagedPolicy.fromAwsManagedPolicyName(name.includes('S3') ? name : `service-role/${name}`)),
    });
    acknowledge(this.role, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
    acknowledge(this.role, 'AWS Backup\'s own service-role policies, maintained by AWS as Backup supports new resource types: a hand-written copy would fall behind and fail backups',
      ...['service-role/AWSBackupServiceRolePolicyForBackup', 'service-role/AWSBackupServiceRolePolicyForRestores', 'AWSBackupServiceRolePolicyForS3Backup', 'AWSBackupServiceRolePolicyForS3Restore']
        .map(name => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`));

    // AWS Backup encrypts and reads the recovery points of the kinds it encrypts itself with the
    // vault's key: the actions its documentation lists for a customer-managed vault key, no wildcard.
    props.encryptionKey?.grant(this.role, 'kms:CreateGrant', 'kms:RetireGrant', 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey');

    this.backupVault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: this.vaultName,
      encryptionKey: props.encryptionKey,
      // A vault that holds recovery points cannot be deleted, and must never be: it outlives its stack.
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: this.lockConfiguration(),
      blockRecoveryPointDeletion: locked,
    });

    if (copyTo.region !== undefined) {
      this.copy = this.createCopyVault(copyTo.region, copyTo.account ?? home.account, props.encryptionKey);
      this.copyVault = backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', home.formatArn({
        service: 'backup', account: this.copy.account, region: this.copy.region, resource: 'backup-vault', resourceName: this.copy.vault, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }));
    } else if (copyTo.vault) {
      this.copyVault = copyTo.vault;
      const { account, region } = copyTo.vault.env;
      this.copy = { account, region, vault: copyTo.vault.backupVaultName };
    }

    const plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: this.vaultName,
      backupVault: this.backupVault,
    });
    for (const { rule, retention, continuous: pitr } of this.rules) {
      plan.addRule(new backup.BackupPlanRule({
        ruleName: rule.name,
        scheduleExpression: events.Schedule.cron(rule.cron),
        deleteAfter: retention,
        enableContinuousBackup: pitr || undefined,
        copyActions: this.copyVault ? [{ destinationBackupVault: this.copyVault, deleteAfter: retention }] : undefined,
      }));
    }
    this.backupPlan = plan;
    plan.addSelection('ByTag', {
      backupSelectionName: `tag-${this.tagKey}`.slice(0, 50).replace(/[^a-zA-Z0-9_.-]/g, '-'),
      resources: [backup.BackupResource.fromTag(this.tagKey, this.tagValue)],
      role: this.role,
    });

    if (restoreTesting) {
      this.restoreTestingSchedule = (props.restoreTestingSchedule ?? events.Schedule.cron(FIXED_DEFAULTS.restoreTests)).expressionString;
      this.restoreTestingPlan = new backup.CfnRestoreTestingPlan(this, 'RestoreTesting', {
        restoreTestingPlanName: `${this.vaultName.replace(/-/g, '_')}_restore_tests`,
        scheduleExpression: this.restoreTestingSchedule,
        recoveryPointSelection: {
          algorithm: 'LATEST_WITHIN_WINDOW',
          includeVaults: [this.backupVault.backupVaultArn],
          recoveryPointTypes: ['SNAPSHOT'],
          selectionWindowDays: 7,
        },
      });
    }
    for (const kind of props.resourceKinds ?? []) this.addKind(kind);
  }

  /** The kinds of resource the policy knows of: restore-tested, and described in the runbook. */
  public get resourceKinds(): BackupResourceKind[] {
    return [...this.kinds];
  }

  /**
   * Backs up the resources a construct holds (an RDS instance, an Aurora cluster, a DynamoDB table,
   * an EFS file system, an S3 bucket with versioning, ...): selects them by construct, in the
   * construct's own stack (where cdk-nag's `*InBackupPlan` rules look), tags them with the
   * selecting tag, and restore-tests their kind.
   *
   * @returns the kinds of resource found in the construct
   * @throws if the construct holds no resource AWS Backup protects, or an S3 bucket without versioning
   */
  public addResource(resource: IConstruct): BackupResourceKind[] {
    const errors = new ValidationErrors(`BackupPolicy '${this.node.id}': addResource`, this);
    const found = resource.node.findAll()
      .filter(CfnResource.isCfnResource)
      .map(r => ({ resource: r, kind: kindOf(r) }))
      .filter((f): f is { resource: CfnResource; kind: BackupResourceKind } => f.kind !== undefined);
    if (found.length === 0) {
      const types = [...new Set(resource.node.findAll().filter(CfnResource.isCfnResource).map(r => r.cfnResourceType))];
      errors.add('resource', `is ${resource.node.path}, which holds ${types.length ? types.join(', ') : 'no CloudFormation resource'}: no kind of resource AWS Backup protects; expected one of ${Object.values(KIND_FACTS).map(f => f.label).join(', ')}`);
    }
    for (const { resource: r } of found) {
      if (this.added.includes(r)) errors.add('resource', `is ${r.node.path}, which is already backed up by construct; add each resource once`);
      if (r instanceof s3.CfnBucket && !versioned(r)) {
        errors.add('resource', `is ${r.node.path}, an S3 bucket without versioning; AWS Backup backs up versioned buckets only: set versioned: true`);
      }
    }
    if (!Token.isUnresolved(Stack.of(resource).region) && !Token.isUnresolved(Stack.of(this).region)
      && (Stack.of(resource).region !== Stack.of(this).region || Stack.of(resource).account !== Stack.of(this).account)) {
      errors.add('resource', `is ${resource.node.path}, in ${Stack.of(resource).account}/${Stack.of(resource).region}; the vault is in ${Stack.of(this).account}/${Stack.of(this).region}: back up each environment's resources with its own policy`);
    }
    errors.throwIfAny();

    const stack = Stack.of(resource);
    const scope = stack === Stack.of(this) ? this : stack;
    const id = `Backup${Names.uniqueId(resource)}`;
    const selection = new backup.BackupSelection(scope, id, {
      backupPlan: this.backupPlan,
      backupSelectionName: Names.uniqueResourceName(resource, { maxLength: 50 }),
      resources: found.map(f => backup.BackupResource.fromArn(KIND_FACTS[f.kind].arn(f.resource))),
      role: this.role,
    });
    selection.node.addDependency(this.backupPlan);
    Tags.of(resource).add(this.tagKey, this.tagValue);
    for (const f of found) {
      this.added.push(f.resource);
      this.addKind(f.kind);
    }
    return [...new Set(found.map(f => f.kind))];
  }

  /** @internal what the recovery runbook needs to know */
  public _facts(): BackupPolicyFacts {
    const home = Stack.of(this);
    return {
      level: this.level,
      vaultName: this.vaultName,
      account: home.account,
      region: home.region,
      roleName: `${this.vaultName}-backup`,
      encryptedWithKey: this.encryptedWithKey,
      rules: this.rules.map(r => ({ name: r.rule.name, when: r.rule.when, retentionDays: r.retention.toDays(), continuous: r.continuous })),
      copy: this.copy,
      lock: this.lock && { minRetentionDays: this.lock.minRetention.toDays(), changeableForDays: this.lock.changeableFor.toDays() },
      restoreTesting: this.restoreTestingPlan && this.restoreTestingSchedule
        ? { schedule: this.restoreTestingSchedule, planName: this.restoreTestingPlan.restoreTestingPlanName }
        : undefined,
      tag: { key: this.tagKey, value: this.tagValue },
      kinds: this.resourceKinds,
      addedResources: [...this.added],
    };
  }

  private addKind(kind: BackupResourceKind): void {
    if (this.kinds.has(kind)) return;
    this.kinds.add(kind);
    if (!this.restoreTestingPlan) return;
    const type = KIND_FACTS[kind].protectedResourceType;
    const selection = new backup.CfnRestoreTestingSelection(this, `RestoreTest${type}`, {
      restoreTestingPlanName: this.restoreTestingPlan.restoreTestingPlanName,
      restoreTestingSelectionName: `${type.toLowerCase()}_by_tag`,
      protectedResourceType: type,
      iamRoleArn: this.role.roleArn,
      protectedResourceArns: ['*'],
      protectedResourceConditions: {
        stringEquals: [{ key: `aws:ResourceTag/${this.tagKey}`, value: this.tagValue }],
      },
    });
    selection.node.addDependency(this.restoreTestingPlan);
  }

  private chooseRules(props: BackupOptions, continuous: boolean, errors: ValidationErrors) {
    const given: Record<LevelRule['name'], [string, Duration | undefined]> = {
      Daily: ['dailyRetention', props.dailyRetention],
      Weekly: ['weeklyRetention', props.weeklyRetention],
      Monthly: ['monthlyRetention', props.monthlyRetention],
    };
    const rules = LEVEL_RULES[this.level];
    for (const [name, [field, value]] of Object.entries(given)) {
      if (value !== undefined && !rules.some(r => r.name === name)) {
        errors.add(field, `is ${value.toHumanString()}, but level ${this.level} makes no ${name.toLowerCase()} backups; use level FULL or remove ${field}`);
      }
    }
    return rules.map(rule => {
      const [field, value] = given[rule.name];
      const retention = value ?? rule.retention;
      const pitr = continuous && rule.name === 'Daily';
      if (!retention.isUnresolved()) {
        const minutes = retention.toMinutes();
        if (minutes < WHOLE_DAY_MINUTES || minutes % WHOLE_DAY_MINUTES !== 0) {
          errors.add(field, `is ${retention.toHumanString()}; expected whole days, at least 1`);
        } else if (pitr && retention.toDays() > CONTINUOUS_MAX_DAYS) {
          errors.add(field, `is ${retention.toDays()} days, but continuous backups are kept ${CONTINUOUS_MAX_DAYS} days at most; shorten it, or set continuousBackup to false`);
        }
      }
      return { rule, retention, continuous: pitr };
    });
  }

  private chooseLock(props: BackupOptions, locked: boolean, errors: ValidationErrors) {
    if (!locked) {
      for (const [field, value] of [['vaultLockMinRetention', props.vaultLockMinRetention], ['vaultLockChangeableFor', props.vaultLockChangeableFor]] as const) {
        if (value !== undefined) errors.add(field, `is ${value.toHumanString()}, but there is no vault lock (vaultLock is false); remove ${field} or set vaultLock to true`);
      }
      return undefined;
    }
    const known = this.rules.filter(r => !r.retention.isUnresolved());
    const shortest = known.reduce((min, r) => Math.min(min, r.retention.toMinutes()), Number.MAX_SAFE_INTEGER);
    const minRetention = props.vaultLockMinRetention ?? Duration.minutes(known.length ? shortest : WHOLE_DAY_MINUTES);
    const changeableFor = props.vaultLockChangeableFor ?? Duration.days(LOCK_GRACE_DAYS);
    if (!minRetention.isUnresolved()) {
      if (minRetention.toMinutes() < WHOLE_DAY_MINUTES || minRetention.toMinutes() % WHOLE_DAY_MINUTES !== 0) {
        errors.add('vaultLockMinRetention', `is ${minRetention.toHumanString()}; expected whole days, at least 1`);
      }
      const fields: Record<string, string> = { Daily: 'dailyRetention', Weekly: 'weeklyRetention', Monthly: 'monthlyRetention' };
      for (const { rule, retention } of known) {
        if (retention.toMinutes() < minRetention.toMinutes()) {
          errors.add(fields[rule.name], `is ${retention.toHumanString()}, shorter than the vault lock's minimum retention (vaultLockMinRetention ${minRetention.toHumanString()}); the locked vault would refuse these recovery points: keep them at least ${minRetention.toHumanString()}`);
        }
      }
    }
    if (!changeableFor.isUnresolved() && changeableFor.toMinutes() < LOCK_MIN_GRACE_DAYS * WHOLE_DAY_MINUTES) {
      errors.add('vaultLockChangeableFor', `is ${changeableFor.toHumanString()}; AWS Backup expects at least ${LOCK_MIN_GRACE_DAYS} days, the time to undo a lock set by mistake`);
    }
    return { minRetention, changeableFor };
  }

  private lockConfiguration(): backup.LockConfiguration | undefined {
    return this.lock && { minRetention: this.lock.minRetention, changeableFor: this.lock.changeableFor };
  }

  private defaultCopy(full: boolean, region: string): BackupCopyDestination {
    if (!full) return BackupCopyDestination.none();
    const second = Token.isUnresolved(region) ? undefined : DEFAULT_COPY_REGION[region];
    if (second) return BackupCopyDestination.toRegion(second);
    Annotations.of(this).addWarningV2('cdk-multi-env:backupWithoutCopy',
      `recovery points stay in ${Token.isUnresolved(region) ? 'the stack\'s region' : region} only: the library knows no second region of the same jurisdiction for it; give copyTo (BackupCopyDestination.toRegion(...)) to copy them away, or BackupCopyDestination.none() to acknowledge`);
    return BackupCopyDestination.none();
  }

  private checkCopy(copyTo: BackupCopyDestination, home: Stack, errors: ValidationErrors): void {
    const { region, account, vault } = copyTo;
    if (region !== undefined) {
      if (Token.isUnresolved(home.region)) {
        errors.add('copyTo', `is region ${region}, but the policy's stack has no region of its own; give the stack an env with a region`);
      } else if (!Token.isUnresolved(region) && !RegionInfo.regions.some(r => r.name === region)) {
        errors.add('copyTo', `is region '${region}'; expected an AWS region such as eu-central-1`);
      } else if (region === home.region) {
        errors.add('copyTo', `is region ${region}, the environment's own region; a copy protects against losing a region only in another one`);
      }
    }
    if (account !== undefined && !Token.isUnresolved(account) && !ACCOUNT.test(account)) {
      errors.add('copyTo', `has account '${account}'; expected an AWS account id of 12 digits`);
    }
    if (vault && !Token.isUnresolved(vault.env.region) && !Token.isUnresolved(home.region) && vault.env.region === home.region) {
      errors.add('copyTo', `is vault ${vault.node.path} in ${vault.env.region}, the environment's own region; a copy protects against losing a region only in another one`);
    }
  }

  private checkRestoreTesting(props: BackupOptions, on: boolean, errors: ValidationErrors): void {
    const schedule = props.restoreTestingSchedule;
    if (schedule === undefined) return;
    if (!on) {
      errors.add('restoreTestingSchedule', 'is given, but restore testing is off (restoreTesting is false); remove it or set restoreTesting to true');
    } else if (!Token.isUnresolved(schedule.expressionString) && !schedule.expressionString.startsWith('cron(')) {
      errors.add('restoreTestingSchedule', `is ${schedule.expressionString}; restore testing takes a cron schedule: use events.Schedule.cron(...)`);
    }
  }

  private checkNames(props: BackupPolicyProps, errors: ValidationErrors): void {
    if (props.backupVaultName !== undefined && !Token.isUnresolved(props.backupVaultName) && !VAULT_NAME.test(props.backupVaultName)) {
      errors.add('backupVaultName', `is '${props.backupVaultName}'; expected 2 to 50 letters, digits, hyphens and underscores`);
    }
    for (const [field, value] of [['tagKey', this.tagKey], ['tagValue', this.tagValue]] as const) {
      if (Token.isUnresolved(value)) continue;
      if (value.length === 0 || value.length > (field === 'tagKey' ? 128 : 256) || (field === 'tagKey' && value.startsWith('aws:'))) {
        errors.add(field, `is '${value}'; expected a tag ${field === 'tagKey' ? 'key of 1 to 128 characters, not starting with aws:' : 'value of 1 to 256 characters'}`);
      }
    }
  }

  /** The copy vault, in a stack of its own in the second region (and account). */
  private createCopyVault(region: string, account: string, sourceKey: kms.IKey | undefined) {
    const home = Stack.of(this);
    const vaultName = `${this.vaultName}-copy`;
    const stack = new Stack(Stage.of(this) ?? this.node.root, `${home.node.id}BackupCopy`, {
      env: { account, region },
      description: `${this.vaultName}: copies of every recovery point, away from ${home.region}`,
      terminationProtection: home.terminationProtection,
    });
    const crossAccount = Token.isUnresolved(account) || account !== home.account;
    const key = new kms.Key(stack, 'Key', {
      description: `${vaultName}: encrypts the copies of ${this.vaultName}'s recovery points`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(onlyAwsServicesCreateGrants());
    const accessPolicy = crossAccount ? new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        sid: 'CopiesFromTheEnvironment',
        principals: [new iam.AccountPrincipal(home.account)],
        actions: ['backup:CopyIntoBackupVault'],
        resources: ['*'],
      })],
    }) : undefined;
    if (crossAccount) {
      // The source account's AWS Backup encrypts the copy with this key, and the destination reads
      // the source's recovery points with the source's key.
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CopiesFromTheEnvironment',
        principals: [new iam.AccountPrincipal(home.account)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'],
      }));
      sourceKey?.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'BackupCopiesToTheBackupAccount',
        principals: [new iam.AccountPrincipal(account)],
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'],
      }));
    }
    new backup.BackupVault(stack, 'Vault', {
      backupVaultName: vaultName,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: this.lockConfiguration(),
      blockRecoveryPointDeletion: this.lock !== undefined,
      accessPolicy,
    });
    // No dependency between the two stacks: AWS Backup does not check a copy action's vault when
    // the plan is created (it cannot, for a vault of another account), and the first copy runs
    // after the first backup, hours later. So the pipeline deploys both stacks side by side.
    return { account, region, vault: vaultName };
  }
}

function versioned(bucket: s3.CfnBucket): boolean {
  const config = Stack.of(bucket).resolve(bucket.versioningConfiguration);
  return config?.Status === 'Enabled' || config?.status === 'Enabled';
}
