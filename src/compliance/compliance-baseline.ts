import { Annotations, CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as inspectorv2 from 'aws-cdk-lib/aws-inspectorv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AccountSecuritySettings } from './account-security-settings';
import { BaselineParts, baselineParts } from './baseline-defaults';
import { CIS_METRIC_FILTERS } from './cis-metric-filters';
import { ComplianceBaselineOptions } from './compliance-baseline-options';
import { CORE_RULES, THOROUGH_RULES } from './config-rules';
import { AccountSingletons, COMPLIANCE_BASELINE } from '../private/account-singletons';
import { cloudWatchLogsUseOfKey, onlyAwsServicesCreateGrants } from '../private/key-policies';
import { schedulerOfAccount } from '../private/scheduler-principal';
import { EnvironmentTier, TierProfile } from '../tiers';
import { accessLogsBucketProps } from './private/access-logs-bucket';
import { acknowledgeAccessLogsBucket, acknowledgeAuditBucket, acknowledgeConfigDeliveryRole, acknowledgeConfigRecorderRole, acknowledgeDetector, acknowledgeInspectorEnablerRole, acknowledgeTrail } from './private/baseline-acknowledgements';
import { createInspectorServiceLinkedRole, INSPECTOR_RESOURCE_TYPES } from './private/inspector';
import { SecurityHubStandard } from './security-hub-standard';
import { acceptTierLogRetention } from '../private/log-retention';
import { ValidationErrors } from '../private/validation-errors';
import { FIXED_DEFAULTS } from '../tiers/fixed-defaults';

/** Properties of a `ComplianceBaseline`. */
export interface ComplianceBaselineProps extends ComplianceBaselineOptions {
  /** The tier of the account's environment: it decides which parts are on and how long logs are kept. */
  readonly tier: EnvironmentTier;

  /**
   * The environment's profile, where it overrides its tier's (an `IsolatedEnvironment` passes its
   * own `profile`): its log retention is the baseline's too.
   *
   * @default - the tier's profile
   */
  readonly profile?: TierProfile;

  /**
   * The key that encrypts the trail, its bucket and log group, the Config deliveries and the alarm
   * topic. The baseline adds the statements CloudTrail, CloudWatch Logs, AWS Config, CloudWatch
   * alarms and EventBridge need to its policy, so an imported key must already allow them.
   *
   * @default - a key with yearly rotation, kept when the stack is deleted (the logs it encrypts are)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The topic the CIS alarms, GuardDuty's high-severity findings and Inspector's critical findings
   * notify. Its key (if any) must
   * let CloudWatch and EventBridge use it.
   *
   * @default - a topic encrypted with the baseline's key; subscribe your security team to it
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * The bucket the trail delivers to, for example a central log archive. It must be encrypted
   * with a KMS key (`encryption: s3.BucketEncryption.KMS`, or `encryptionKey` in
   * `Bucket.fromBucketAttributes`), and, if imported, its policy must already let CloudTrail write.
   *
   * @default - a bucket encrypted with the baseline's key, versioned, blocking public access,
   * enforcing TLS, with access logging and lifecycle expiry after `auditLogRetention`, and object
   * lock in compliance mode for as long in production tiers; kept when the stack is deleted
   */
  readonly trailBucket?: s3.IBucket;
}

/** CloudWatch's namespace for the CIS metrics: the benchmark's own suggestion. */
const CIS_NAMESPACE = 'CISBenchmark';
/** GuardDuty's "high" severity starts at 7. */
const HIGH_SEVERITY = 7;
/** GuardDuty's protection plans: S3 protection in every tier, all of them where the tier is thorough. */
const PROTECTION_PLANS = ['S3_DATA_EVENTS', 'EKS_AUDIT_LOGS', 'EBS_MALWARE_PROTECTION', 'RDS_LOGIN_EVENTS', 'LAMBDA_NETWORK_LOGS'];
/** Inspector's CIS scan names take 1 to 128 characters. */
const MAX_CIS_SCAN_NAME = 128;

/**
 * The account-level audit and security setup of one account and region: CloudTrail, AWS Config,
 * GuardDuty, Amazon Inspector, Security Hub, IAM Access Analyzer, the CIS AWS Foundations Benchmark metric-filter
 * alarms, the account's S3 public access block and EBS encryption by default. The tier decides
 * what is on (see `ComplianceBaselineOptions`); every part can be switched off, for example where
 * Control Tower already runs the trail and the Config recorder.
 *
 * What the tier turns on (each part's option overrides it):
 * - every tier: the trail, the CIS alarms, GuardDuty with S3 protection, Access Analyzer, the S3
 *   public access block and EBS default encryption: the basics every account needs (a root
 *   sign-in is an incident in Dev too);
 * - tiers where only the pipeline changes resources (access READ_ONLY or STRICT: all but Dev):
 *   AWS Config and Security Hub, whose record is the evidence that nothing changed by hand;
 * - production and strict-access tiers (Prod, Hotfix): more Config rules and GuardDuty's other
 *   protection plans; production also object lock on the trail bucket;
 * - tiers whose data outlives their stacks (removal policy not DESTROY: Staging, Prod, Hotfix):
 *   Amazon Inspector, with its critical findings to the alarm topic and a weekly CIS scan of the
 *   EC2 instances tagged with the tier's name.
 * Audit logs are kept for the tier's `logRetention`; the buckets, the trail's log group and the
 * key are kept when the stack is deleted, in every tier: audit evidence outlives its stack.
 *
 * An `IsolatedEnvironment` adds one for its account and region, in a stack of its own
 * (`<app>-baseline-<account>-<region>`); use this construct directly for an
 * account that is not an environment (tooling, log archive), or `ComplianceBaselineStackSet` for
 * every account of an organizational unit.
 *
 * The baseline's own helper resources carry `Validations.of(...).acknowledge()` entries, each with
 * its reason, so cdk-nag's rule packs report nothing the library causes.
 *
 * @example
 * import * as cdk from 'aws-cdk-lib';
 * import { ComplianceBaseline, EnvironmentTier } from 'cdk-multi-env';
 *
 * const app = new cdk.App();
 * const stack = new cdk.Stack(app, 'Audit', { env: { account: '123456789012', region: 'eu-west-1' } });
 * new ComplianceBaseline(stack, 'Baseline', {
 *   tier: EnvironmentTier.PROD,
 *   // Control Tower already runs a recorder in this account:
 *   configRecorder: false,
 *   configRules: true,
 * });
 */
export class ComplianceBaseline extends Construct {
  /** The key that encrypts the baseline's logs, deliveries and topic. */
  public readonly key: kms.IKey;
  /** The topic the CIS alarms, GuardDuty's high-severity findings and Inspector's critical findings notify. */
  public readonly alarmTopic: sns.ITopic;
  /**
   * The trail.
   *
   * @default - none if `cloudTrail` is false
   */
  public readonly trail?: cloudtrail.Trail;
  /**
   * The bucket the trail delivers to.
   *
   * @default - none if `cloudTrail` is false
   */
  public readonly trailBucket?: s3.IBucket;
  /**
   * The trail's CloudWatch Logs group, which the CIS metric filters read.
   *
   * @default - none if `cloudTrail` is false
   */
  public readonly trailLogGroup?: logs.ILogGroup;
  /** The CIS alarms, in the order of Security Hub's controls CloudWatch.1 to CloudWatch.14 (empty if off). */
  public readonly cisAlarms: cloudwatch.IAlarm[] = [];
  private accessLogsBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: ComplianceBaselineProps) {
    super(scope, id);
    const profile = props.profile ?? props.tier.profile;
    const parts = baselineParts(profile, props);
    this.validate(props, profile, parts);

    this.key = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: 'Encrypts the compliance baseline\'s audit logs, Config deliveries and alarm topic',
      enableKeyRotation: true,
      // Kept, like the logs it encrypts: deleting it would make them unreadable.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.allowServicesToUseKey();
    this.alarmTopic = props.alarmTopic ?? new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Compliance baseline: security alarms and findings',
      masterKey: this.key,
      enforceSSL: true,
    });

    if (parts.cloudTrail) {
      this.trailBucket = props.trailBucket ?? this.createAuditBucket('TrailBucket', parts, parts.objectLock,
        'Object lock (compliance mode, for the retention) is for production\'s trail; in other tiers the trail bucket is versioned, its access '
        + 'logged and its deletions visible to the trail, and the account can be closed without waiting out a retention');
      const trailLogs = new logs.LogGroup(this, 'TrailLogs', {
        encryptionKey: this.key,
        retention: parts.auditLogRetention,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acceptTierLogRetention(trailLogs, parts.auditLogRetention);
      this.trailLogGroup = trailLogs;
      this.trail = new cloudtrail.Trail(this, 'Trail', {
        bucket: this.trailBucket,
        encryptionKey: this.key,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableFileValidation: true,
        managementEvents: cloudtrail.ReadWriteType.ALL,
        sendToCloudWatchLogs: true,
        cloudWatchLogGroup: this.trailLogGroup,
      });
      acknowledgeTrail(this.trail);
    }
    if (parts.cisAlarms && this.trailLogGroup) this.createCisAlarms(this.trailLogGroup);
    if (parts.configRecorder || parts.configRules) this.createConfig(parts);
    if (parts.guardDuty) this.createGuardDuty(parts);
    if (parts.securityHub) this.createSecurityHub(parts.securityHubStandards);
    if (parts.accessAnalyzer) {
      new accessanalyzer.CfnAnalyzer(this, 'AccessAnalyzer', { type: 'ACCOUNT' });
    }
    const settings = parts.s3PublicAccessBlock || parts.ebsDefaultEncryption || parts.inspector ? new AccountSecuritySettings(this, 'AccountSettings', {
      s3PublicAccessBlock: parts.s3PublicAccessBlock,
      ebsDefaultEncryption: parts.ebsDefaultEncryption,
      inspector: parts.inspector,
      key: this.key,
      logRetention: profile.logRetention,
    }) : undefined;
    if (parts.inspector) this.createInspector(parts, props.tier, settings?.inspectorScanning);
  }

  private validate(props: ComplianceBaselineProps, profile: TierProfile, parts: BaselineParts): void {
    const errors = new ValidationErrors(`ComplianceBaseline '${this.node.id}'`, this);
    const tierRetention = profile.logRetention;
    if (props.auditLogRetention !== undefined && !Token.isUnresolved(props.auditLogRetention) && props.auditLogRetention < tierRetention) {
      errors.add('auditLogRetention', `is ${retentionName(props.auditLogRetention)} (${props.auditLogRetention} days); the ${props.profile ? 'environment' : `${props.tier.name} tier`} keeps logs for ${retentionName(tierRetention)} (${tierRetention} days): expected at least that`);
    }
    if (props.cisAlarms === true && !parts.cloudTrail) {
      errors.add('cisAlarms', 'is true, but cloudTrail is false; the CIS metric filters read the trail\'s CloudWatch Logs: turn cloudTrail on, or set cisAlarms to false');
    }
    if (props.trailBucket && !parts.cloudTrail) {
      errors.add('trailBucket', 'is given, but cloudTrail is false; remove trailBucket, or turn cloudTrail on');
    }
    if (props.trailBucket && !props.trailBucket.encryptionKey) {
      errors.add('trailBucket', `(${props.trailBucket.node.path}) has no KMS key: expected a bucket encrypted with a customer-managed key (s3.BucketEncryption.KMS, or encryptionKey in Bucket.fromBucketAttributes), since audit logs must be`);
    }
    if (props.securityHubStandards !== undefined && parts.securityHub) {
      const unknown = props.securityHubStandards.filter(s => !s.isKnown).map(s => `'${s.id}'`);
      if (unknown.length > 0) {
        errors.add('securityHubStandards', `has ${unknown.join(', ')}, not a Security Hub standard; expected one of ${SecurityHubStandard.knownIds().join(', ')}`);
      }
      const ids = props.securityHubStandards.map(s => s.id);
      const repeated = [...new Set(ids.filter((s, i) => ids.indexOf(s) !== i))];
      if (repeated.length > 0) errors.add('securityHubStandards', `lists ${repeated.join(', ')} more than once; list each standard once`);
      if (ids.length === 0) errors.add('securityHubStandards', 'is empty; give at least one standard, or set securityHub to false');
    }
    const other = AccountSingletons.of(this).inAccountOf(COMPLIANCE_BASELINE, this);
    if (other) {
      const { account, region } = Stack.of(this);
      errors.add('scope', `is in account ${account} and region ${region}, which already has a baseline (${other}); an account and region take one (one GuardDuty detector, one Config recorder, one Security Hub): keep that one`);
    }
    errors.throwIfAny();
    AccountSingletons.of(this).register(COMPLIANCE_BASELINE, this);
    if (parts.securityHub && !parts.configRecorder) {
      Annotations.of(this).addWarningV2('cdk-multi-env:securityHubWithoutRecorder',
        'Security Hub evaluates its controls through AWS Config, but configRecorder is false: make sure a recorder runs in the account (Control Tower\'s, for example)');
    }
  }

  /** The services that write encrypted data for the baseline may use the key, for this account only. */
  private allowServicesToUseKey(): void {
    const stack = Stack.of(this);
    if (!(this.key instanceof kms.Key)) {
      Annotations.of(this).addWarningV2('cdk-multi-env:importedAuditKey',
        'encryptionKey is imported, so the baseline cannot add to its policy: it must already let CloudTrail, CloudWatch Logs, AWS Config, CloudWatch alarms and EventBridge of this account use it');
    }
    const sameAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    this.key.addToResourcePolicy(onlyAwsServicesCreateGrants());
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailEncryptsLogsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        ...sameAccount,
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': stack.formatArn({ service: 'cloudtrail', region: '*', resource: 'trail', resourceName: '*' }) },
      },
    }));
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailDescribesKey',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: sameAccount,
    }));
    this.key.addToResourcePolicy(cloudWatchLogsUseOfKey(stack));
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ConfigAlarmsAndEventsOfThisAccount',
      principals: ['config', 'cloudwatch', 'events'].map(service => new iam.ServicePrincipal(`${service}.amazonaws.com`)),
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: sameAccount,
    }));
  }

  /**
   * A bucket for audit logs: encrypted with the key, versioned, blocking public access, enforcing
   * TLS 1.2, its access logged, expiring after the retention, and kept when the stack is deleted.
   */
  private createAuditBucket(id: string, parts: BaselineParts, objectLock: boolean, noObjectLockReason: string): s3.Bucket {
    const expiry = retentionDuration(parts.auditLogRetention);
    const bucket = new s3.Bucket(this, id, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      objectLockEnabled: objectLock || undefined,
      objectLockDefaultRetention: objectLock && expiry ? s3.ObjectLockRetention.compliance(expiry) : undefined,
      lifecycleRules: lifecycleRules(expiry),
      // Audit evidence outlives the stack in every tier; the lifecycle rules expire it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logAccessTo(bucket, id, parts);
    sendEventsToEventBridge(bucket);
    acknowledgeAuditBucket(bucket, objectLock ? undefined : noObjectLockReason);
    return bucket;
  }

  /**
   * Server access logging by bucket policy, written out instead of `serverAccessLogsBucket`: that
   * prop grants S3 an ACL or a policy depending on the app's feature flags, and the baseline must
   * synthesize the same in every app (and in a StackSet).
   */
  private logAccessTo(bucket: s3.Bucket, id: string, parts: BaselineParts): void {
    if (!this.accessLogsBucket) {
      this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', accessLogsBucketProps(lifecycleRules(retentionDuration(parts.auditLogRetention))));
      acknowledgeAccessLogsBucket(this.accessLogsBucket);
      sendEventsToEventBridge(this.accessLogsBucket);
    }
    const prefix = `${id}/`;
    const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.loggingConfiguration = { destinationBucketName: this.accessLogsBucket.bucketName, logFilePrefix: prefix };
    this.accessLogsBucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: `S3ServerAccessLogsOf${id}`,
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [this.accessLogsBucket.arnForObjects(`${prefix}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      },
    }));
  }

  private createCisAlarms(logGroup: logs.ILogGroup): void {
    const action = new actions.SnsAction(this.alarmTopic);
    for (const cis of CIS_METRIC_FILTERS) {
      const filter = new logs.MetricFilter(this, `Cis${cis.name}`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal(cis.pattern),
        metricNamespace: CIS_NAMESPACE,
        metricName: cis.name,
        metricValue: '1',
      });
      const alarm = filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }).createAlarm(this, `Cis${cis.name}Alarm`, {
        alarmDescription: `${cis.description} (CIS AWS Foundations Benchmark ${cis.cis}, Security Hub ${cis.control})`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      this.cisAlarms.push(alarm);
    }
  }

  private createConfig(parts: BaselineParts): void {
    let recorder: config.CfnConfigurationRecorder | undefined;
    if (parts.configRecorder) {
      const role = new iam.Role(this, 'ConfigRole', {
        description: 'AWS Config records the account\'s resources and delivers to the trail bucket',
        assumedBy: new iam.ServicePrincipal('config.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
      });
      acknowledgeConfigRecorderRole(role);
      recorder = new config.CfnConfigurationRecorder(this, 'ConfigRecorder', {
        roleArn: role.roleArn,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      });
      // AWS Config cannot deliver to a bucket with object lock, so it has a bucket of its own.
      const bucket = this.createAuditBucket('ConfigBucket', parts, false,
        'AWS Config cannot deliver to a bucket with object lock; the bucket is versioned and its access logged');
      this.allowConfigDelivery(bucket, role);
      const channel = new config.CfnDeliveryChannel(this, 'ConfigDelivery', {
        s3BucketName: bucket.bucketName,
        s3KmsKeyArn: this.key.keyArn,
        configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
      });
      channel.node.addDependency(recorder);
    }
    if (parts.configRules) {
      for (const rule of [...CORE_RULES, ...parts.thorough ? THOROUGH_RULES : []]) {
        const managed = new config.ManagedRule(this, rule.identifier, {
          identifier: rule.identifier,
          inputParameters: rule.inputParameters,
        });
        if (recorder) managed.node.addDependency(recorder);
      }
    }
  }

  /** AWS Config writes with the recorder's role, and checks the bucket's policy as itself. */
  private allowConfigDelivery(bucket: s3.Bucket, role: iam.Role): void {
    const stack = Stack.of(this);
    const objects = bucket.arnForObjects(`AWSLogs/${stack.account}/Config/*`);
    const principal = new iam.ServicePrincipal('config.amazonaws.com');
    const sameAccount = { 'aws:SourceAccount': stack.account };
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ConfigChecksBucket',
      principals: [principal],
      actions: ['s3:GetBucketAcl', 's3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringEquals: sameAccount },
    }));
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ConfigDelivers',
      principals: [principal],
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: { StringEquals: { ...sameAccount, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketAcl'], resources: [bucket.bucketArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:PutObjectAcl'], resources: [objects] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }));
    acknowledgeConfigDeliveryRole(role, objects);
  }

  private createGuardDuty(parts: BaselineParts): void {
    const detector = new guardduty.CfnDetector(this, 'GuardDuty', {
      enable: true,
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
      // S3 protection in every tier, the other plans where the tier is thorough.
      features: PROTECTION_PLANS.map(name => ({ name, status: parts.thorough || name === 'S3_DATA_EVENTS' ? 'ENABLED' : 'DISABLED' })),
    });
    acknowledgeDetector(detector);
    new events.Rule(this, 'GuardDutyHighSeverity', {
      description: `GuardDuty findings of severity ${HIGH_SEVERITY} or more notify the security alarm topic`,
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: events.Match.greaterThanOrEqual(HIGH_SEVERITY) },
      },
      targets: [new targets.SnsTopic(this.alarmTopic)],
    });
  }

  /**
   * Amazon Inspector: kept on by a daily schedule, its critical findings to the alarm topic, and a
   * weekly CIS scan of the account's instances of this tier.
   *
   * CloudFormation has no resource that enables Inspector. The account settings' custom resource
   * (the function the baseline already has for settings CloudFormation lacks) turns it on while
   * the stack deploys, because the CIS scan configuration can only be created once it is on; a
   * daily EventBridge Scheduler universal target, which calls the API itself, keeps it on if someone
   * switches it off (no Lambda function for that). Enable is idempotent: a call on an account where
   * Inspector is on changes nothing.
   */
  private createInspector(parts: BaselineParts, tier: EnvironmentTier, inspectorScanning?: CustomResource): void {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'InspectorEnablerRole', {
      description: 'EventBridge Scheduler enables Amazon Inspector in this account and region every day',
      assumedBy: schedulerOfAccount(this),
    });
    new scheduler.Schedule(this, 'InspectorEnabler', {
      description: `Enables Amazon Inspector (${INSPECTOR_RESOURCE_TYPES.join(', ')} scanning) every day: on within a day of the deploy, and again if switched off`,
      schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
      target: new schedulerTargets.Universal({
        service: 'inspector2',
        action: 'enable',
        // EventBridge Scheduler reads a universal target's input with the AWS SDK for Java v2's member
        // names, PascalCase word by word, not the API's wire names: Inspector's `resourceTypes` is
        // `ResourceTypes`, as RDS's `DBClusterIdentifier` is `DbClusterIdentifier` in aws-cdk-lib's own
        // example (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_scheduler_targets.Universal.html;
        // Step Functions' SDK integrations document the same convention:
        // https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
        // test/aws-definitions/ holds every universal target against botocore's service models.
        input: scheduler.ScheduleTargetInput.fromObject({ ResourceTypes: INSPECTOR_RESOURCE_TYPES }),
        policyStatements: [
          new iam.PolicyStatement({ actions: ['inspector2:Enable'], resources: ['*'] }),
          createInspectorServiceLinkedRole(stack),
        ],
        role,
      }),
    });
    acknowledgeInspectorEnablerRole(role);

    new events.Rule(this, 'InspectorCriticalFindings', {
      description: 'Active Inspector findings of critical severity notify the security alarm topic',
      eventPattern: {
        source: ['aws.inspector2'],
        detailType: ['Inspector2 Finding'],
        detail: { severity: ['CRITICAL'], status: ['ACTIVE'] },
      },
      targets: [new targets.SnsTopic(this.alarmTopic)],
    });

    // Every environment of an account has the same tier, and the library tags every resource of
    // an environment with it: the tag selects the account's instances.
    const { day, timeOfDay } = FIXED_DEFAULTS.inspectorCisScan;
    const cisScan = new inspectorv2.CfnCisScanConfiguration(this, 'InspectorCisScan', {
      scanName: cisScanName(stack.stackName),
      securityLevel: parts.thorough ? 'LEVEL_2' : 'LEVEL_1',
      schedule: { weekly: { days: [day], startTime: { timeOfDay, timeZone: 'UTC' } } },
      targets: { accountIds: [stack.account], targetResourceTags: { Tier: [tier.name] } },
    });
    // Inspector refuses a CIS scan configuration until it is on: the account settings turn it on first.
    if (inspectorScanning) cisScan.node.addDependency(inspectorScanning);
  }

  private createSecurityHub(standards: SecurityHubStandard[]): void {
    const hub = new securityhub.CfnHub(this, 'SecurityHub', {
      enableDefaultStandards: false,
      controlFindingGenerator: 'SECURITY_CONTROL',
      autoEnableControls: true,
    });
    for (const standard of standards) {
      const id = standard.id.replace(/[^A-Za-z0-9]+/g, '-');
      new securityhub.CfnStandard(this, `Standard-${id}`, { standardsArn: standard.standardsArn }).node.addDependency(hub);
    }
  }
}

/** S3 sends the bucket's events (object created, deleted, restored) to EventBridge, where rules can act on them. */
function sendEventsToEventBridge(bucket: s3.Bucket): void {
  // On the L1: the L2's eventBridgeEnabled adds a custom resource and a Lambda function for it.
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

function retentionDuration(retention: logs.RetentionDays): Duration | undefined {
  return retention === logs.RetentionDays.INFINITE ? undefined : Duration.days(retention);
}

function lifecycleRules(expiry: Duration | undefined): s3.LifecycleRule[] {
  return [
    { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
    ...expiry ? [{ id: 'ExpireAfterRetention', expiration: expiry, noncurrentVersionExpiration: expiry }] : [],
  ];
}

/** The CIS scan's name: the stack's, within Inspector's limit. */
function cisScanName(stackName: string): string {
  const suffix = '-cis';
  return Token.isUnresolved(stackName) ? `${stackName}${suffix}` : `${stackName.slice(0, MAX_CIS_SCAN_NAME - suffix.length)}${suffix}`;
}

function retentionName(days: number): string {
  return logs.RetentionDays[days] ?? `${days}`;
}
