import * as cdk from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance, rules } from 'cdk-nag';
import {
  BackupCopyDestination, BackupLevel, BackupPolicy, BackupResourceKind, EnvironmentTier, IsolatedEnvironment,
} from '../../src';
import { environment, foundationOf, newApp } from '../support/environments';

const ALL_TIERS = EnvironmentTier.builtIn().map(tier => [tier.name, tier] as const);
const KEY = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };

/** The rules of the foundation's backup plan, by name. */
function planRules(template: Template): Record<string, any> {
  const plans = Object.values(template.findResources('AWS::Backup::BackupPlan'));
  expect(plans).toHaveLength(1);
  return Object.fromEntries(plans[0].Properties.BackupPlan.BackupPlanRule.map((r: any) => [r.RuleName, r]));
}

/** The stack of a stage with this id. */
function stackOf(env: IsolatedEnvironment, id: string): cdk.Stack {
  return env.node.findChild(id) as cdk.Stack;
}

function table(stack: cdk.Stack, id = 'Orders'): dynamodb.Table {
  return new dynamodb.Table(stack, id, { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
}

describe('backups by tier', () => {
  test.each(ALL_TIERS)('%s: a backup policy exactly where the tier backs up', (_, tier) => {
    const env = environment(newApp(), tier);
    const template = foundationOf(env);
    const backsUp = tier.profile.backup !== BackupLevel.NONE;
    expect(env.backupPolicy !== undefined).toBe(backsUp);
    template.resourceCountIs('AWS::Backup::BackupVault', backsUp ? 1 : 0);
    template.resourceCountIs('AWS::Backup::BackupPlan', backsUp ? 1 : 0);
  });

  test.each([['staging', EnvironmentTier.STAGING], ['hotfix', EnvironmentTier.HOTFIX]])('%s: short daily backups, kept a week, no copy, no lock, no restore tests', (name, tier) => {
    const env = environment(newApp(), tier);
    const template = foundationOf(env);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: `shop-${name}`,
        BackupPlanRule: [{
          RuleName: 'Daily',
          ScheduleExpression: 'cron(0 3 * * ? *)',
          Lifecycle: { DeleteAfterDays: 7 },
          TargetBackupVault: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupVault'), 'BackupVaultName'] },
          EnableContinuousBackup: Match.absent(),
          CopyActions: Match.absent(),
        }],
      },
    });
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: `shop-${name}`,
      EncryptionKeyArn: KEY,
      LockConfiguration: Match.absent(),
    });
    template.resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
    expect(env.backupPolicy!.copyVault).toBeUndefined();
    expect(env.node.tryFindChild('FoundationBackupCopy')).toBeUndefined();
  });

  test('prod: daily with continuous backups, weekly and monthly, each copied to eu-central-1 with its retention', () => {
    const template = foundationOf(environment(newApp(), EnvironmentTier.PROD));
    const copyVault = 'arn:aws:backup:eu-central-1:444444444444:backup-vault:shop-prod-copy';
    const expected = { Daily: ['cron(0 3 * * ? *)', 35], Weekly: ['cron(0 4 ? * SUN *)', 91], Monthly: ['cron(0 5 1 * ? *)', 366] };
    const planned = planRules(template);
    expect(Object.keys(planned)).toEqual(['Daily', 'Weekly', 'Monthly']);
    for (const [name, [schedule, days]] of Object.entries(expected)) {
      expect(planned[name]).toMatchObject({
        ScheduleExpression: schedule,
        Lifecycle: { DeleteAfterDays: days },
        CopyActions: [{ DestinationBackupVaultArn: copyVault, Lifecycle: { DeleteAfterDays: days } }],
      });
      expect(planned[name].EnableContinuousBackup).toBe(name === 'Daily' ? true : undefined);
    }
  });

  test('prod: the vault is encrypted with the environment key, locked, retained, and denies early deletion', () => {
    const template = foundationOf(environment(newApp(), EnvironmentTier.PROD));
    template.hasResource('AWS::Backup::BackupVault', {
      Properties: {
        BackupVaultName: 'shop-prod',
        EncryptionKeyArn: KEY,
        LockConfiguration: { MinRetentionDays: 35, ChangeableForDays: 3 },
        AccessPolicy: {
          Statement: [Match.objectLike({ Effect: 'Deny', Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'] })],
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('prod: the copy vault lives in a stack of its own in the second region, locked, with its own key, deployed beside the foundation', () => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    const copyStack = stackOf(env, 'FoundationBackupCopy');
    expect(copyStack.region).toBe('eu-central-1');
    expect(copyStack.account).toBe('444444444444');
    expect(copyStack.terminationProtection).toBe(true);
    expect(env.foundation.dependencies).not.toContain(copyStack);
    expect(copyStack.dependencies).toEqual([]);
    const template = Template.fromStack(copyStack);
    template.hasResource('AWS::Backup::BackupVault', {
      Properties: {
        BackupVaultName: 'shop-prod-copy',
        EncryptionKeyArn: KEY,
        LockConfiguration: { MinRetentionDays: 35, ChangeableForDays: 3 },
        AccessPolicy: {
          Statement: [Match.objectLike({ Effect: 'Deny', Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'] })],
        },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('a copy to a second account: the copy vault and its key let the environment\'s account copy in; the environment key lets the backup account read', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, { backup: { copyTo: BackupCopyDestination.toRegion('eu-west-3', { account: '888888888888' }) } });
    const copyStack = stackOf(env, 'FoundationBackupCopy');
    expect(copyStack.account).toBe('888888888888');
    const source = { AWS: 'arn:aws:iam::444444444444:root' };
    const template = Template.fromStack(copyStack);
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      AccessPolicy: {
        Statement: [
          Match.objectLike({ Effect: 'Allow', Action: 'backup:CopyIntoBackupVault', Principal: source }),
          Match.objectLike({ Effect: 'Deny', Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'] }),
        ],
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'CopiesFromTheEnvironment', Principal: source })]) },
    });
    foundationOf(env).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'BackupCopiesToTheBackupAccount',
          Principal: { AWS: 'arn:aws:iam::888888888888:root' },
        })]),
      },
    });
    expect(planRules(foundationOf(env)).Daily.CopyActions[0].DestinationBackupVaultArn).toBe('arn:aws:backup:eu-west-3:888888888888:backup-vault:shop-prod-copy');
  });

  test('a copy to an existing vault: no copy stack, the plan copies to that vault', () => {
    const app = newApp();
    const central = new cdk.Stack(app, 'Central', { env: { account: '888888888888', region: 'eu-north-1' } });
    const env = environment(app, EnvironmentTier.PROD, {
      backup: { copyTo: BackupCopyDestination.toVault(backup.BackupVault.fromBackupVaultArn(central, 'Central', 'arn:aws:backup:eu-north-1:888888888888:backup-vault:central')) },
    });
    expect(env.node.tryFindChild('FoundationBackupCopy')).toBeUndefined();
    expect(planRules(foundationOf(env)).Daily.CopyActions).toEqual([{ DestinationBackupVaultArn: 'arn:aws:backup:eu-north-1:888888888888:backup-vault:central', Lifecycle: { DeleteAfterDays: 35 } }]);
  });

  test('BackupCopyDestination.none() switches the production copy off', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, { backup: { copyTo: BackupCopyDestination.none() } });
    expect(planRules(foundationOf(env)).Daily.CopyActions).toBeUndefined();
    expect(env.node.tryFindChild('FoundationBackupCopy')).toBeUndefined();
  });

  test('prod in a region without a known partner: no copy, and a warning that says how to choose one', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, { region: 'sa-east-1', availabilityZones: ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'] });
    expect(env.backupPolicy!.copyVault).toBeUndefined();
    Annotations.fromStack(env.foundation).hasWarning('/prod/Foundation/Backup', Match.stringLikeRegexp('recovery points stay in sa-east-1 only.*give copyTo'));
  });

  test('resources are selected by the environment tag', () => {
    foundationOf(environment(newApp(), EnvironmentTier.STAGING)).hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        SelectionName: 'tag-Environment',
        IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupRole'), 'Arn'] },
        ListOfTags: [{ ConditionKey: 'Environment', ConditionType: 'STRINGEQUALS', ConditionValue: 'staging' }],
      },
    });
  });

  test('the backup role is AWS Backup\'s, with the managed policies to back up and restore, S3 included', () => {
    foundationOf(environment(newApp(), EnvironmentTier.STAGING)).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'shop-staging-backup',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] },
      ManagedPolicyArns: ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores', 'AWSBackupServiceRolePolicyForS3Backup', 'AWSBackupServiceRolePolicyForS3Restore']
        .map(name => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name.includes('S3') ? '' : 'service-role/'}${name}`]] })),
    });
  });

  test('the backup role may use the environment key for the vault, with the actions AWS Backup documents', () => {
    foundationOf(environment(newApp(), EnvironmentTier.PROD)).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^BackupRole') }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey', 'kms:RetireGrant'],
          Resource: KEY,
        }],
      },
    });
  });

  test('overrides: retention, no continuous backups, no lock, a tag of the user\'s', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, {
      backup: {
        dailyRetention: cdk.Duration.days(60),
        weeklyRetention: cdk.Duration.days(120),
        monthlyRetention: cdk.Duration.days(2555),
        continuousBackup: false,
        vaultLock: false,
        tagKey: 'backup',
        tagValue: 'yes',
      },
    });
    const template = foundationOf(env);
    const planned = planRules(template);
    expect([planned.Daily.Lifecycle, planned.Weekly.Lifecycle, planned.Monthly.Lifecycle])
      .toEqual([{ DeleteAfterDays: 60 }, { DeleteAfterDays: 120 }, { DeleteAfterDays: 2555 }]);
    expect(planned.Daily.EnableContinuousBackup).toBeUndefined();
    template.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'shop-prod', LockConfiguration: Match.absent() });
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: { ListOfTags: [{ ConditionKey: 'backup', ConditionType: 'STRINGEQUALS', ConditionValue: 'yes' }] } });
  });

  test('backup.level overrides the tier: QA with short backups', () => {
    const env = environment(newApp(), EnvironmentTier.QA, { backup: { level: BackupLevel.SHORT } });
    expect(env.profile.backup).toBe(BackupLevel.SHORT);
    expect(Object.keys(planRules(foundationOf(env)))).toEqual(['Daily']);
  });

  test('backup.level NONE switches backups off outside production', () => {
    const env = environment(newApp(), EnvironmentTier.STAGING, { backup: { level: BackupLevel.NONE } });
    expect(env.backupPolicy).toBeUndefined();
    foundationOf(env).resourceCountIs('AWS::Backup::BackupVault', 0);
  });
});

describe('restore testing', () => {
  test('prod: a restore testing plan restores the latest snapshot of the vault every Wednesday', () => {
    foundationOf(environment(newApp(), EnvironmentTier.PROD)).hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: 'shop_prod_restore_tests',
      ScheduleExpression: 'cron(0 6 ? * WED *)',
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupVault'), 'BackupVaultArn'] }],
        RecoveryPointTypes: ['SNAPSHOT'],
        SelectionWindowDays: 7,
      },
    });
  });

  test('a selection per kind of resource added, by the selecting tag, with the backup role', () => {
    // GIVEN a production environment with a table and a database
    const env = environment(newApp(), EnvironmentTier.PROD);
    const data = new cdk.Stack(env, 'Data');
    // WHEN both are added, and a second table
    env.backupPolicy!.addResource(table(data));
    env.backupPolicy!.addResource(table(data, 'Customers'));
    env.backupPolicy!.addResource(new rds.DatabaseInstance(data, 'Db', { engine: rds.DatabaseInstanceEngine.POSTGRES, vpc: env.vpc }));
    // THEN one selection per kind
    const template = foundationOf(env);
    template.resourceCountIs('AWS::Backup::RestoreTestingSelection', 2);
    for (const type of ['DynamoDB', 'RDS']) {
      template.hasResource('AWS::Backup::RestoreTestingSelection', {
        Properties: {
          RestoreTestingPlanName: 'shop_prod_restore_tests',
          RestoreTestingSelectionName: `${type.toLowerCase()}_by_tag`,
          ProtectedResourceType: type,
          ProtectedResourceArns: ['*'],
          ProtectedResourceConditions: { StringEquals: [{ Key: 'aws:ResourceTag/Environment', Value: 'prod' }] },
          IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupRole'), 'Arn'] },
        },
        DependsOn: [Match.stringLikeRegexp('^BackupRestoreTesting')],
      });
    }
    expect(env.backupPolicy!.resourceKinds).toEqual([BackupResourceKind.DYNAMODB, BackupResourceKind.RDS]);
  });

  test('resourceKinds: kinds selected by tag only are restore-tested too', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, { backup: { resourceKinds: [BackupResourceKind.EFS, BackupResourceKind.AURORA] } });
    const selections = foundationOf(env).findResources('AWS::Backup::RestoreTestingSelection');
    expect(Object.values(selections).map(s => s.Properties.ProtectedResourceType)).toEqual(['EFS', 'Aurora']);
  });

  test('switched on in staging, on a schedule of the user\'s', () => {
    const env = environment(newApp(), EnvironmentTier.STAGING, {
      backup: { restoreTesting: true, restoreTestingSchedule: cdk.aws_events.Schedule.cron({ minute: '30', hour: '7', weekDay: 'MON' }) },
    });
    foundationOf(env).hasResourceProperties('AWS::Backup::RestoreTestingPlan', { ScheduleExpression: 'cron(30 7 ? * MON *)' });
  });

  test('switched off in prod', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, { backup: { restoreTesting: false } });
    env.backupPolicy!.addResource(table(new cdk.Stack(env, 'Data')));
    foundationOf(env).resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
    foundationOf(env).resourceCountIs('AWS::Backup::RestoreTestingSelection', 0);
  });
});

describe('selection by construct', () => {
  test('addResource selects the resource in its own stack, by its ARN, and tags it', () => {
    // GIVEN
    const env = environment(newApp(), EnvironmentTier.PROD);
    const data = new cdk.Stack(env, 'Data');
    // WHEN
    const kinds = env.backupPolicy!.addResource(table(data));
    // THEN
    expect(kinds).toEqual([BackupResourceKind.DYNAMODB]);
    const template = Template.fromStack(data);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupPlanId: { 'Fn::ImportValue': Match.stringLikeRegexp('BackupPlan') },
      BackupSelection: {
        IamRoleArn: { 'Fn::ImportValue': Match.stringLikeRegexp('BackupRole') },
        Resources: [{ 'Fn::Join': ['', ['arn:aws:dynamodb:eu-west-1:444444444444:table/', { Ref: Match.stringLikeRegexp('^Orders') }]] }],
      },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', { Tags: Match.arrayWith([{ Key: 'Environment', Value: 'prod' }]) });
  });

  test('with a tag of the user\'s, the added resource gets that tag, so restore tests find it', () => {
    const env = environment(newApp(), EnvironmentTier.PROD, { backup: { tagKey: 'Backup', tagValue: 'daily' } });
    const data = new cdk.Stack(env, 'Data');
    env.backupPolicy!.addResource(table(data));
    Template.fromStack(data).hasResourceProperties('AWS::DynamoDB::Table', { Tags: Match.arrayWith([{ Key: 'Backup', Value: 'daily' }]) });
  });

  test('a construct that holds several resources: each is selected; members of a cluster through their cluster', () => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    const data = new cdk.Stack(env, 'Data');
    const cluster = new rds.DatabaseCluster(data, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.provisioned('Writer'),
      vpc: env.vpc,
    });
    expect(env.backupPolicy!.addResource(cluster)).toEqual([BackupResourceKind.AURORA]);
    const selection = Object.values(Template.fromStack(data).findResources('AWS::Backup::BackupSelection'))[0];
    expect(selection.Properties.BackupSelection.Resources).toHaveLength(1);
    expect(JSON.stringify(selection.Properties.BackupSelection.Resources)).toContain(':cluster:');
  });

  test('a versioned S3 bucket can be added, by its ARN', () => {
    const env = environment(newApp(), EnvironmentTier.PROD);
    const data = new cdk.Stack(env, 'Data');
    const bucket = new s3.Bucket(data, 'Uploads', { versioned: true });
    expect(env.backupPolicy!.addResource(bucket)).toEqual([BackupResourceKind.S3]);
    Template.fromStack(data).hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [{ 'Fn::Join': ['', ['arn:aws:s3:::', { Ref: Match.stringLikeRegexp('^Uploads') }]] }] },
    });
  });
});

describe('cdk-nag: production data is in a backup plan', () => {
  /** Every resource of the stack that a rule applies to, with the rule's verdict. */
  function verdicts(stack: cdk.Stack, rule: (node: cdk.CfnResource) => unknown): unknown[] {
    return stack.node.findAll().filter(cdk.CfnResource.isCfnResource)
      .map(node => rule(node))
      .filter(verdict => verdict !== NagRuleCompliance.NOT_APPLICABLE);
  }

  function prodData(add: boolean) {
    const app = newApp();
    const env = environment(app, EnvironmentTier.PROD);
    const data = new cdk.Stack(env, 'Data');
    const resources = [
      table(data),
      new rds.DatabaseInstance(data, 'Db', { engine: rds.DatabaseInstanceEngine.POSTGRES, vpc: env.vpc }),
      new efs.FileSystem(data, 'Files', { vpc: env.vpc }),
      new ec2.Volume(data, 'Volume', { availabilityZone: 'eu-west-1a', size: cdk.Size.gibibytes(10), encrypted: true }),
    ];
    if (add) resources.forEach(r => env.backupPolicy!.addResource(r));
    app.synth();
    return data;
  }

  const RULES = [
    ['RDSInBackupPlan', rules.rds.RDSInBackupPlan],
    ['DynamoDBInBackupPlan', rules.dynamodb.DynamoDBInBackupPlan],
    ['EFSInBackupPlan', rules.efs.EFSInBackupPlan],
    ['EC2EBSInBackupPlan', rules.ec2.EC2EBSInBackupPlan],
  ] as const;

  test.each(RULES)('%s passes for resources given to the backup policy', (_, rule) => {
    expect(verdicts(prodData(true), rule)).toEqual([NagRuleCompliance.COMPLIANT]);
  });

  test.each(RULES)('%s fails for resources selected by tag only (the rule needs a selection by construct)', (_, rule) => {
    expect(verdicts(prodData(false), rule)).toEqual([NagRuleCompliance.NON_COMPLIANT]);
  });
});

describe('outside an IsolatedEnvironment', () => {
  test('the level is given; the tag is Backup=true; the vault gets a unique name and AWS Backup\'s key', () => {
    const stack = new cdk.Stack(newApp(), 'Data', { env: { account: '123456789012', region: 'us-east-1' } });
    const policy = new BackupPolicy(stack, 'Backups', { level: BackupLevel.FULL });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: Match.stringLikeRegexp('^DataBackups'), EncryptionKeyArn: Match.absent() });
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: { ListOfTags: [{ ConditionKey: 'Backup', ConditionType: 'STRINGEQUALS', ConditionValue: 'true' }] } });
    expect(policy.copyVault?.env.region).toBe('us-west-2');
  });

  test('a resource in the policy\'s own stack is selected there', () => {
    const stack = new cdk.Stack(newApp(), 'Data', { env: { account: '123456789012', region: 'us-east-1' } });
    const policy = new BackupPolicy(stack, 'Backups', { level: BackupLevel.SHORT });
    policy.addResource(table(stack));
    Template.fromStack(stack).resourceCountIs('AWS::Backup::BackupSelection', 2);
  });
});
