import * as cdk from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ComplianceBaseline, EnvironmentTier, SecurityHubStandard } from '../../src';
import { ACCOUNT, ONLY_AWS_SERVICES_CREATE_GRANTS, baselineIn } from '../support/compliance';

describe('CloudTrail', () => {
  test('a multi-region trail with log-file validation, encrypted with the baseline key, delivering to its bucket and to CloudWatch Logs', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.QA });
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BaselineKey'), 'Arn'] },
      S3BucketName: { Ref: Match.stringLikeRegexp('^BaselineTrailBucket') },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BaselineTrailLogs'), 'Arn'] },
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
  });

  test('the trail log group keeps logs for the tier\'s retention, encrypted, and is kept with the stack', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BaselineKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
  });

  test('the trail bucket is KMS-encrypted, versioned, private, TLS-only, access-logged and expires logs after the retention', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.STAGING });
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^BaselineAccessLogsBucket') }, LogFilePrefix: 'TrailBucket/' },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireAfterRetention', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]) },
        ObjectLockEnabled: Match.absent(),
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^BaselineTrailBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          Match.objectLike({ Action: 's3:PutObject', Principal: { Service: 'cloudtrail.amazonaws.com' } }),
        ]),
      },
    });
  });

  test('in a production tier the trail bucket has object lock in compliance mode for the retention', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
    });
  });

  test('only the trail bucket is locked: AWS Config cannot deliver to a bucket with object lock', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD });
    const locked = template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } });
    expect(Object.keys(locked)).toEqual([expect.stringMatching(/^BaselineTrailBucket/)]);
    template.hasResourceProperties('AWS::Config::DeliveryChannel', { S3BucketName: { Ref: Match.stringLikeRegexp('^BaselineConfigBucket') } });
  });

  test('a longer auditLogRetention than the tier\'s is taken', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV, auditLogRetention: logs.RetentionDays.ONE_YEAR });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('the key lets CloudTrail encrypt this account\'s trails only', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'CloudTrailEncryptsLogsOfThisAccount',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:GenerateDataKey*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
          },
        })]),
      },
    });
  });

  test('an imported key is used as it is, with a warning that its policy must already allow the services', () => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Audit', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const key = kms.Key.fromKeyArn(stack, 'Org', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    new ComplianceBaseline(stack, 'Baseline', { tier: EnvironmentTier.DEV, encryptionKey: key });
    const template = cdk.assertions.Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::CloudTrail::Trail', { KMSKeyId: key.keyArn });
    Annotations.fromStack(stack).hasWarning('/Audit/Baseline', Match.stringLikeRegexp('encryptionKey is imported'));
  });

  test('a bucket of the user\'s, encrypted with a KMS key, takes the trail', () => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Audit', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const archive = s3.Bucket.fromBucketAttributes(stack, 'Archive', {
      bucketName: 'org-log-archive', encryptionKey: kms.Key.fromKeyArn(stack, 'ArchiveKey', 'arn:aws:kms:eu-west-1:999999999999:key/abc'),
    });
    new ComplianceBaseline(stack, 'Baseline', { tier: EnvironmentTier.QA, trailBucket: archive });
    const template = cdk.assertions.Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudTrail::Trail', { S3BucketName: 'org-log-archive' });
    const trailBuckets = template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: Match.anyValue() } });
    expect(trailBuckets).toEqual({});
  });
});

/**
 * CIS AWS Foundations Benchmark v1.2.0, section 3 (Monitoring), as Security Hub's controls
 * CloudWatch.1 to CloudWatch.14 give the filter patterns. Written out here, not imported, so the
 * library is compared with the benchmark's text.
 */
const BENCHMARK: [string, string, string][] = [
  ['CloudWatch.1', 'RootUserUsage', '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}'],
  ['CloudWatch.2', 'UnauthorizedApiCalls', '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}'],
  ['CloudWatch.3', 'ConsoleSignInWithoutMfa', '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}'],
  ['CloudWatch.4', 'IamPolicyChanges', '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}'],
  ['CloudWatch.5', 'CloudTrailChanges', '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}'],
  ['CloudWatch.6', 'ConsoleAuthenticationFailures', '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}'],
  ['CloudWatch.7', 'KeyDisabledOrScheduledForDeletion', '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}'],
  ['CloudWatch.8', 'S3BucketPolicyChanges', '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}'],
  ['CloudWatch.9', 'ConfigChanges', '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder))}'],
  ['CloudWatch.10', 'SecurityGroupChanges', '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}'],
  ['CloudWatch.11', 'NetworkAclChanges', '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}'],
  ['CloudWatch.12', 'NetworkGatewayChanges', '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}'],
  ['CloudWatch.13', 'RouteTableChanges', '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}'],
  ['CloudWatch.14', 'VpcChanges', '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}'],
];

describe('CIS metric filters and alarms', () => {
  const { template } = baselineIn({ tier: EnvironmentTier.DEV });

  test('exactly the fourteen of the benchmark, on the trail\'s log group', () => {
    template.resourceCountIs('AWS::Logs::MetricFilter', BENCHMARK.length);
    template.resourceCountIs('AWS::CloudWatch::Alarm', BENCHMARK.length);
  });

  test.each(BENCHMARK)('%s (%s): the benchmark\'s pattern, and an alarm that notifies the topic at the first event', (control, metric, pattern) => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^BaselineTrailLogs') },
      FilterPattern: pattern,
      MetricTransformations: [{ MetricNamespace: 'CISBenchmark', MetricName: metric, MetricValue: '1' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CISBenchmark',
      MetricName: metric,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^BaselineAlarmTopic') }],
      AlarmDescription: Match.stringLikeRegexp(`Security Hub ${control.replace('.', '\\.')}\\)$`),
    });
  });

  test('the alarms notify the topic the user gives', () => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Audit', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const topic = new sns.Topic(stack, 'SecurityTeam');
    const baseline = new ComplianceBaseline(stack, 'Baseline', { tier: EnvironmentTier.DEV, alarmTopic: topic });
    expect(baseline.alarmTopic).toBe(topic);
    const t = cdk.assertions.Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^SecurityTeam') }] });
  });
});

describe('AWS Config', () => {
  test('a recorder of every supported resource type, delivering daily to its encrypted bucket', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.QA });
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BaselineConfigRole'), 'Arn'] },
    });
    template.hasResource('AWS::Config::DeliveryChannel', {
      Properties: {
        S3KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BaselineKey'), 'Arn'] },
        ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'TwentyFour_Hours' },
      },
      DependsOn: [Match.stringLikeRegexp('^BaselineConfigRecorder')],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'config.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWS_ConfigRole']] }],
    });
  });

  test('Config writes under its own prefix of its own bucket, with the recorder\'s role and nothing more', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.QA });
    const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^BaselineConfigBucket'), 'Arn'] };
    const objects = { 'Fn::Join': ['', [bucketArn, `/AWSLogs/${ACCOUNT}/Config/*`]] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^BaselineConfigRole') }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 's3:GetBucketAcl', Resource: bucketArn },
          { Effect: 'Allow', Action: ['s3:PutObject', 's3:PutObjectAcl'], Resource: objects },
          { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BaselineKey'), 'Arn'] } },
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^BaselineConfigBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'ConfigDelivers',
          Principal: { Service: 'config.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: objects,
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 's3:x-amz-acl': 'bucket-owner-full-control' } },
        })]),
      },
    });
  });

  test.each([
    [EnvironmentTier.QA, 16],
    [EnvironmentTier.STAGING, 16],
    [EnvironmentTier.DEMO, 16],
    [EnvironmentTier.PROD, 30],
    [EnvironmentTier.HOTFIX, 30],
  ])('%s gets %d managed rules, each after the recorder', (tier, count) => {
    const { template } = baselineIn({ tier });
    template.resourceCountIs('AWS::Config::ConfigRule', count);
    template.hasResource('AWS::Config::ConfigRule', {
      Properties: { Source: { Owner: 'AWS', SourceIdentifier: 'MULTI_REGION_CLOUD_TRAIL_ENABLED' } },
      DependsOn: [Match.stringLikeRegexp('^BaselineConfigRecorder')],
    });
  });

  test('production tiers also check access-key age', () => {
    baselineIn({ tier: EnvironmentTier.PROD }).template.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { Owner: 'AWS', SourceIdentifier: 'ACCESS_KEYS_ROTATED' },
      InputParameters: { maxAccessKeyAge: '90' },
    });
  });

  test('Dev, where people change resources by hand, records nothing by default', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV });
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    template.resourceCountIs('AWS::Config::ConfigRule', 0);
    template.resourceCountIs('AWS::SecurityHub::Hub', 0);
  });

  test('rules without a recorder of the baseline\'s, for an account whose recorder Control Tower runs', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD, configRecorder: false, configRules: true });
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    template.resourceCountIs('AWS::Config::DeliveryChannel', 0);
    template.resourceCountIs('AWS::Config::ConfigRule', 30);
    template.hasResource('AWS::Config::ConfigRule', { DependsOn: Match.absent() });
  });
});

describe('GuardDuty', () => {
  test('a detector publishing every 15 minutes; high-severity findings notify the topic', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV });
    template.hasResourceProperties('AWS::GuardDuty::Detector', { Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], 'detail': { severity: [{ numeric: ['>=', 7] }] } },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^BaselineAlarmTopic') } })],
    });
  });

  test('guardDuty: false leaves out its rule, and only its rule', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD, guardDuty: false });
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules.map(r => r.Properties.EventPattern.source)).toEqual([['aws.inspector2']]);
  });

  test.each([
    [EnvironmentTier.PROD, 'ENABLED'],
    [EnvironmentTier.HOTFIX, 'ENABLED'],
    [EnvironmentTier.STAGING, 'DISABLED'],
    [EnvironmentTier.DEV, 'DISABLED'],
  ])('%s: S3 protection on, the other protection plans %s', (tier, status) => {
    baselineIn({ tier }).template.hasResourceProperties('AWS::GuardDuty::Detector', {
      Features: [
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        ...['EKS_AUDIT_LOGS', 'EBS_MALWARE_PROTECTION', 'RDS_LOGIN_EVENTS', 'LAMBDA_NETWORK_LOGS'].map(Name => ({ Name, Status: status })),
      ],
    });
  });
});

describe('Amazon Inspector', () => {
  const INSPECTOR_TYPES = ['AWS::Scheduler::Schedule', 'AWS::InspectorV2::CisScanConfiguration'];
  const SERVICE_LINKED_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2`;
  const hasCriticalFindingsRule = (template: Template) => Object.keys(template.findResources('AWS::Events::Rule', {
    Properties: { EventPattern: Match.objectLike({ source: ['aws.inspector2'] }) },
  })).length > 0;

  test('a daily schedule calls inspector2 Enable for EC2, ECR and Lambda through a universal target: no function', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD });
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:inspector2:enable']] },
        // Scheduler's member name (the AWS SDK for Java v2's), which test/aws-definitions/ holds against botocore.
        Input: JSON.stringify({ ResourceTypes: ['EC2', 'ECR', 'LAMBDA'] }),
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BaselineInspectorEnablerRole'), 'Arn'] },
      },
    });
    // The account settings' function is the baseline's only one.
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('the schedule\'s role, assumed by Scheduler of this account only, may enable Inspector and create its service-linked role, nothing else', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD });
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('enables Amazon Inspector'),
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^BaselineInspectorEnablerRole') }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'inspector2:Enable', Resource: '*' },
          {
            Effect: 'Allow',
            Action: 'iam:CreateServiceLinkedRole',
            Resource: SERVICE_LINKED_ROLE,
            Condition: { StringEquals: { 'iam:AWSServiceName': 'inspector2.amazonaws.com' } },
          },
        ],
      },
    });
  });

  test('active critical findings notify the alarm topic, like GuardDuty\'s', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.inspector2'],
        'detail-type': ['Inspector2 Finding'],
        'detail': { severity: ['CRITICAL'], status: ['ACTIVE'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^BaselineAlarmTopic') } })],
    });
  });

  test.each([
    [EnvironmentTier.PROD, 'LEVEL_2'],
    [EnvironmentTier.HOTFIX, 'LEVEL_2'],
    [EnvironmentTier.STAGING, 'LEVEL_1'],
  ])('%s: a weekly CIS scan (%s), Sunday 03:00 UTC, of this account\'s instances tagged with the tier', (tier, level) => {
    const { template } = baselineIn({ tier });
    template.resourceCountIs('AWS::InspectorV2::CisScanConfiguration', 1);
    template.hasResourceProperties('AWS::InspectorV2::CisScanConfiguration', {
      ScanName: 'Audit-cis',
      SecurityLevel: level,
      Schedule: { Weekly: { Days: ['SUN'], StartTime: { TimeOfDay: '03:00', TimeZone: 'UTC' } } },
      Targets: { AccountIds: [ACCOUNT], TargetResourceTags: { Tier: [tier.name] } },
    });
  });

  test('the CIS scan\'s name stays within Inspector\'s 128 characters', () => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'A'.repeat(128), { env: { account: ACCOUNT, region: 'eu-west-1' } });
    new ComplianceBaseline(stack, 'Baseline', { tier: EnvironmentTier.PROD });
    const scans = Object.values(Template.fromStack(stack).findResources('AWS::InspectorV2::CisScanConfiguration'));
    expect(scans.map(s => s.Properties.ScanName)).toEqual([`${'A'.repeat(124)}-cis`]);
  });

  test.each([
    [EnvironmentTier.DEV, false],
    [EnvironmentTier.QA, false],
    [EnvironmentTier.DEMO, false],
    [EnvironmentTier.STAGING, true],
    [EnvironmentTier.PROD, true],
    [EnvironmentTier.HOTFIX, true],
  ])('%s: Inspector %s by default', (tier, on) => {
    const { template } = baselineIn({ tier });
    for (const type of INSPECTOR_TYPES) template.resourceCountIs(type, on ? 1 : 0);
    expect(hasCriticalFindingsRule(template)).toBe(on);
  });

  test('inspector: false in Prod leaves it all out; the schedule\'s role too', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD, inspector: false });
    for (const type of INSPECTOR_TYPES) template.resourceCountIs(type, 0);
    expect(hasCriticalFindingsRule(template)).toBe(false);
    expect(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('Inspector') } })).toEqual({});
    template.resourceCountIs('Custom::InspectorScanning', 0);
  });

  test('the account settings turn Inspector on while the stack deploys, before its CIS scan configuration, which Inspector refuses until it is on', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD });
    const [id] = Object.keys(template.findResources('Custom::InspectorScanning', {
      Properties: { Setting: 'InspectorScanning', ResourceTypes: ['EC2', 'ECR', 'LAMBDA'] },
    }));
    expect(id).toBeDefined();
    template.hasResource('AWS::InspectorV2::CisScanConfiguration', { DependsOn: Match.arrayWith([id]) });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['inspector2:Enable']), Resource: '*' })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('AccountSettingsRole') }],
    });
  });

  test('inspector: true in Dev turns it on, with the Dev tag and level 1', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV, inspector: true });
    for (const type of INSPECTOR_TYPES) template.resourceCountIs(type, 1);
    expect(hasCriticalFindingsRule(template)).toBe(true);
    template.hasResourceProperties('AWS::InspectorV2::CisScanConfiguration', {
      SecurityLevel: 'LEVEL_1',
      Targets: { AccountIds: [ACCOUNT], TargetResourceTags: { Tier: ['dev'] } },
    });
  });
});

describe('what CloudFormation Guard\'s Control Tower controls ask of the baseline', () => {
  test('its key lets only AWS services create grants (CT.KMS.PR.3)', () => {
    baselineIn({ tier: EnvironmentTier.DEV }).template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([ONLY_AWS_SERVICES_CREATE_GRANTS]),
      },
    });
  });

  test('every bucket sends its events to EventBridge, without a custom resource (CT.S3.PR.4)', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.QA });
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(3);
    for (const bucket of buckets) {
      expect(bucket.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    }
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  test.each([
    ['TrailBucket', ['s3_bucket_object_lock_enabled_check']],
    ['ConfigBucket', ['s3_bucket_object_lock_enabled_check']],
    ['AccessLogsBucket', ['s3_bucket_logging_enabled_check', 's3_bucket_default_encryption_kms_check', 's3_bucket_object_lock_enabled_check']],
  ])('QA: the %s suppresses %j, each with its reason', (id, rules) => {
    const { template } = baselineIn({ tier: EnvironmentTier.QA });
    const [bucket] = Object.entries(template.findResources('AWS::S3::Bucket'))
      .filter(([logicalId]) => logicalId.startsWith(`Baseline${id}`)).map(([, b]) => b);
    expect(bucket.Metadata.guard.SuppressedRules).toEqual(rules);
    for (const rule of rules) expect(bucket.Metadata.guard.Reasons[rule].length).toBeGreaterThan(40);
  });

  test('production\'s trail bucket is under object lock, so suppresses nothing', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.PROD });
    const locked = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }));
    expect(locked).toHaveLength(1);
    expect(locked[0].Metadata?.guard).toBeUndefined();
  });

  test.each([
    [EnvironmentTier.DEV, true],
    [EnvironmentTier.PROD, false],
  ])('%s: log groups kept less than a year suppress the retention control with the tier as reason: %s', (tier, suppressed) => {
    const { template } = baselineIn({ tier });
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      expect(group.Metadata?.guard?.SuppressedRules).toEqual(suppressed ? ['cloudwatch_log_group_retention_period_check'] : undefined);
      if (suppressed) expect(group.Metadata.guard.Reasons.cloudwatch_log_group_retention_period_check).toMatch(/retention of its environment's tier/);
    }
  });

  test('the account-settings function, outside any VPC, says why', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV });
    const [handler] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(handler.Metadata.guard.SuppressedRules).toEqual(['lambda_inside_vpc_check']);
    expect(handler.Metadata.guard.Reasons.lambda_inside_vpc_check).toMatch(/accounts that may have no VPC/);
  });
});

describe('Security Hub', () => {
  test('the hub with consolidated control findings, subscribed to Foundational Best Practices and CIS v1.4.0', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.STAGING });
    template.hasResourceProperties('AWS::SecurityHub::Hub', { EnableDefaultStandards: false, ControlFindingGenerator: 'SECURITY_CONTROL', AutoEnableControls: true });
    template.resourceCountIs('AWS::SecurityHub::Standard', 2);
    for (const id of ['aws-foundational-security-best-practices/v/1.0.0', 'cis-aws-foundations-benchmark/v/1.4.0']) {
      template.hasResource('AWS::SecurityHub::Standard', {
        Properties: { StandardsArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:', { Ref: 'AWS::Region' }, `::standards/${id}`]] } },
        DependsOn: [Match.stringLikeRegexp('^BaselineSecurityHub')],
      });
    }
  });

  test('the standards the user chooses; CIS v1.2.0 by its global ruleset ARN', () => {
    const { template } = baselineIn({
      tier: EnvironmentTier.PROD,
      securityHubStandards: [SecurityHubStandard.NIST_800_53_R5, SecurityHubStandard.of('cis-aws-foundations-benchmark/v/1.2.0')],
    });
    template.resourceCountIs('AWS::SecurityHub::Standard', 2);
    template.hasResourceProperties('AWS::SecurityHub::Standard', {
      StandardsArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0']] },
    });
  });

  test('on without the baseline\'s recorder, it warns that a recorder must run', () => {
    const { stack } = baselineIn({ tier: EnvironmentTier.PROD, configRecorder: false, securityHub: true });
    Annotations.fromStack(stack).hasWarning('/Audit/Baseline', Match.stringLikeRegexp('Security Hub evaluates its controls through AWS Config'));
  });
});

describe('account settings', () => {
  test('IAM Access Analyzer for the account', () => {
    baselineIn({ tier: EnvironmentTier.DEV }).template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ACCOUNT' });
  });

  test('the S3 public access block and EBS default encryption by an inline function: no asset', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV });
    template.hasResourceProperties('Custom::S3PublicAccessBlock', { Setting: 'S3PublicAccessBlock', AccountId: ACCOUNT });
    template.hasResourceProperties('Custom::EbsEncryptionByDefault', { Setting: 'EbsEncryptionByDefault', AccountId: ACCOUNT });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Code: { ZipFile: Match.stringLikeRegexp('PutPublicAccessBlockCommand[\\s\\S]*EnableEbsEncryptionByDefaultCommand') },
    });
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('the function runs on the newest Node.js runtime the app\'s aws-cdk-lib declares, whichever release that is', () => {
    const runtimeOf = (template: Template) => Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Runtime;
    const majors = lambda.Runtime.ALL.map(runtime => Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1])).filter(Number.isInteger);
    expect(runtimeOf(baselineIn({ tier: EnvironmentTier.DEV }).template)).toEqual(`nodejs${Math.max(...majors)}.x`);
    // A later aws-cdk-lib that declares a newer runtime: the function moves to it, as cdk-nag's
    // AwsSolutions-L1 asks (the newest runtime of the family in the app's lambda.Runtime.ALL).
    const later = new lambda.Runtime(`nodejs${Math.max(...majors) + 2}.x`, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });
    try {
      expect(runtimeOf(baselineIn({ tier: EnvironmentTier.DEV }).template)).toEqual(later.name);
    } finally {
      lambda.Runtime.ALL.splice(lambda.Runtime.ALL.indexOf(later), 1);
    }
  });

  test('the function may turn the two settings on and write its logs, nothing else', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^BaselineAccountSettingsRole') }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BaselineAccountSettingsLogs'), 'Arn'] } },
          { Effect: 'Allow', Action: ['ec2:EnableEbsEncryptionByDefault', 's3:PutAccountPublicAccessBlock'], Resource: '*' },
        ],
      },
    });
  });

  test('with one setting off, neither its resource nor its permission', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV, ebsDefaultEncryption: false });
    template.resourceCountIs('Custom::EbsEncryptionByDefault', 0);
    template.resourceCountIs('Custom::S3PublicAccessBlock', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^BaselineAccountSettingsRole') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 's3:PutAccountPublicAccessBlock', Resource: '*' }]) },
    });
  });
});

describe('the tier decides', () => {
  // tier, Config recorder and Security Hub, Config rules, GuardDuty protection plans, object lock
  test.each([
    [EnvironmentTier.DEV, false, 0, 'DISABLED', false],
    [EnvironmentTier.QA, true, 16, 'DISABLED', false],
    [EnvironmentTier.STAGING, true, 16, 'DISABLED', false],
    [EnvironmentTier.PROD, true, 30, 'ENABLED', true],
    [EnvironmentTier.DEMO, true, 16, 'DISABLED', false],
    [EnvironmentTier.HOTFIX, true, 30, 'ENABLED', false],
  ])('%s: recorder and hub %s, %d rules, protection plans beyond S3 %s, object lock %s', (tier, recorded, rules, plans, locked) => {
    const { template } = baselineIn({ tier });
    for (const type of ['AWS::CloudTrail::Trail', 'AWS::GuardDuty::Detector', 'AWS::AccessAnalyzer::Analyzer', 'Custom::S3PublicAccessBlock', 'Custom::EbsEncryptionByDefault']) {
      template.resourceCountIs(type, 1);
    }
    template.resourceCountIs('AWS::Logs::MetricFilter', 14);
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', recorded ? 1 : 0);
    template.resourceCountIs('AWS::SecurityHub::Hub', recorded ? 1 : 0);
    template.resourceCountIs('AWS::Config::ConfigRule', rules);
    template.hasResourceProperties('AWS::GuardDuty::Detector', { Features: Match.arrayWith([{ Name: 'EKS_AUDIT_LOGS', Status: plans }]) });
    expect(Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } })).length).toBe(locked ? 1 : 0);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: tier.profile.logRetention });
  });

  test('a custom tier follows what it is based on, with its own retention', () => {
    const perf = EnvironmentTier.custom({ name: 'perf', basedOn: EnvironmentTier.STAGING, logRetention: logs.RetentionDays.TWO_MONTHS });
    const { template } = baselineIn({ tier: perf });
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 60 });
    expect(() => baselineIn({ tier: perf, auditLogRetention: logs.RetentionDays.ONE_MONTH })).toThrow(/auditLogRetention is ONE_MONTH \(30 days\); the perf tier keeps logs for TWO_MONTHS \(60 days\)/);
  });

  test('the production baseline as a whole, against its snapshot', () => {
    expect(baselineIn({ tier: EnvironmentTier.PROD }).template.toJSON()).toMatchSnapshot();
  });
});

describe('every part can be switched off', () => {
  test.each([
    ['cloudTrail', { cloudTrail: false }, ['AWS::CloudTrail::Trail', 'AWS::Logs::MetricFilter', 'AWS::CloudWatch::Alarm']],
    ['cisAlarms', { cisAlarms: false }, ['AWS::Logs::MetricFilter', 'AWS::CloudWatch::Alarm']],
    ['configRecorder', { configRecorder: false, configRules: false, securityHub: false }, ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel', 'AWS::Config::ConfigRule']],
    ['configRules', { configRules: false }, ['AWS::Config::ConfigRule']],
    ['guardDuty', { guardDuty: false, inspector: false }, ['AWS::GuardDuty::Detector', 'AWS::Events::Rule']],
    ['inspector', { inspector: false }, ['AWS::Scheduler::Schedule', 'AWS::InspectorV2::CisScanConfiguration', 'Custom::InspectorScanning']],
    ['securityHub', { securityHub: false }, ['AWS::SecurityHub::Hub', 'AWS::SecurityHub::Standard']],
    ['accessAnalyzer', { accessAnalyzer: false }, ['AWS::AccessAnalyzer::Analyzer']],
    // The account settings' function goes with the last setting it turns on, Inspector's included.
    ['s3PublicAccessBlock and ebsDefaultEncryption', { s3PublicAccessBlock: false, ebsDefaultEncryption: false }, ['Custom::S3PublicAccessBlock', 'Custom::EbsEncryptionByDefault']],
    ['the account settings\' function', { s3PublicAccessBlock: false, ebsDefaultEncryption: false, inspector: false }, ['AWS::Lambda::Function']],
  ])('%s', (_part, options, types) => {
    const on = baselineIn({ tier: EnvironmentTier.PROD }).template;
    const off = baselineIn({ tier: EnvironmentTier.PROD, ...options }).template;
    for (const type of types) {
      expect(Object.keys(on.findResources(type)).length).toBeGreaterThan(0);
      off.resourceCountIs(type, 0);
    }
  });

  test('a tier\'s off part can be switched on: Config and Security Hub in Dev', () => {
    const { template } = baselineIn({ tier: EnvironmentTier.DEV, configRecorder: true });
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    template.resourceCountIs('AWS::Config::ConfigRule', 16);
    template.resourceCountIs('AWS::SecurityHub::Hub', 1);
  });
});

describe('bad input fails with the prop named', () => {
  const fail = (props: Omit<Parameters<typeof baselineIn>[0], 'tier'>, tier = EnvironmentTier.PROD) => () => baselineIn({ tier, ...props });

  test('an unknown Security Hub standard', () => {
    expect(fail({ securityHubStandards: [SecurityHubStandard.of('cis-aws-foundations-benchmark/v/9.9.9')] }))
      .toThrow(/securityHubStandards has 'cis-aws-foundations-benchmark\/v\/9\.9\.9', not a Security Hub standard; expected one of aws-foundational-security-best-practices\/v\/1\.0\.0, /);
  });

  test('a standard listed twice, or none', () => {
    expect(fail({ securityHubStandards: [SecurityHubStandard.PCI_DSS_3_2_1, SecurityHubStandard.PCI_DSS_3_2_1] }))
      .toThrow(/securityHubStandards lists pci-dss\/v\/3\.2\.1 more than once/);
    expect(fail({ securityHubStandards: [] })).toThrow(/securityHubStandards is empty; give at least one standard, or set securityHub to false/);
  });

  test('a trail bucket without a KMS key', () => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Audit', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const plain = new s3.Bucket(stack, 'Plain', { encryption: s3.BucketEncryption.S3_MANAGED });
    expect(() => new ComplianceBaseline(stack, 'Baseline', { tier: EnvironmentTier.PROD, trailBucket: plain }))
      .toThrow(/\[Audit\/Baseline\] ComplianceBaseline 'Baseline': trailBucket \(Audit\/Plain\) has no KMS key: expected a bucket encrypted with a customer-managed key/);
  });

  test('a trail retention below the tier\'s', () => {
    expect(fail({ auditLogRetention: logs.RetentionDays.ONE_MONTH }))
      .toThrow(/auditLogRetention is ONE_MONTH \(30 days\); the prod tier keeps logs for ONE_YEAR \(365 days\): expected at least that/);
  });

  test('CIS alarms without the trail they read', () => {
    expect(fail({ cloudTrail: false, cisAlarms: true })).toThrow(/cisAlarms is true, but cloudTrail is false/);
  });

  test('every problem at once', () => {
    expect(fail({ cloudTrail: false, cisAlarms: true, auditLogRetention: logs.RetentionDays.ONE_DAY, securityHubStandards: [SecurityHubStandard.of('nope')] }))
      .toThrow(/3 problems:\n {2}- auditLogRetention .*\n {2}- cisAlarms .*\n {2}- securityHubStandards has 'nope'/);
  });
});
