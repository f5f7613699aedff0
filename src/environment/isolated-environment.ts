import { Annotations, AspectPriority, Aspects, ContextProvider, Duration, Expiration, IAspect, RemovalPolicy, Stack, Stage, StageSynthesisOptions, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { deploymentRoleName, EnvironmentAccess, environmentRoleArn, reviewRoleName, stackCleanupRoleName } from './access';
import { DestroyFeatureCopy } from './destroy-feature-copy';
import { EnvironmentConfig } from './environment-config';
import { IsolationChecks } from './isolation-checks';
import { EnvironmentNetwork, SUBNET_GROUPS } from './network';
import { RetainProductionData } from './retain-production-data';
import { ComplianceBaseline, ComplianceBaselineOptions } from '../compliance';
import { BudgetOptions, CostScheduler, OffHoursSchedule } from '../cost';
import { BootstrapCleanup, BootstrapCleanupOptions } from '../cost/bootstrap-cleanup';
import { CleanupPolicies } from '../cost/cleanup-policies';
import { EnvironmentBudget } from '../cost/environment-budget';
import { EnvironmentTeardown, ScheduleTeardown } from '../cost/environment-teardown';
import { validateGracePeriod } from '../cost/private/grace-period';
import { DetectDriftOfEveryStack, DriftDetection } from '../monitoring/drift-detection';
import { EnvironmentMonitoring, MonitoringOptions } from '../monitoring/environment-monitoring';
import { AccountSingletons, BOOTSTRAP_CLEANUP, COMPLIANCE_BASELINE } from '../private/account-singletons';
import { acknowledge } from '../private/acknowledge';
import { ChecksBeforeSynthesis } from '../private/checks-before-synthesis';
import { watchBreakGlassUse } from './private/break-glass-use';
import { Cidr } from './private/cidr';
import { definedOnly } from '../private/defined-only';
import { FeatureCopy, featureCopyOf } from '../private/feature-context';
import { cloudWatchLogsUseOfKey, onlyAwsServicesCreateGrants } from '../private/key-policies';
import { checkName } from '../private/names';
import { APP_TAG, ENVIRONMENT_TAG } from '../private/stack-tags';
import { removalWithoutSnapshot } from './private/removal';
import { ValidationErrors, validationError } from '../private/validation-errors';
import { BackupOptions, BackupPolicy } from '../recovery/backup-policy';
import { BackupLevel, EnvironmentTier, TierProfile } from '../tiers';
import { FIXED_DEFAULTS } from '../tiers/fixed-defaults';
import { validateTierProfile } from '../tiers/profile-validation';
import { StageProfile } from '../tiers/stage-profile';

/** aws-cdk-lib's context key for the strength of cross-stack references (cxapi.DEFAULT_CROSS_STACK_REFERENCES in 2.276; the pin has no such key). */
const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';
const ZONES_REASON = 'The environment is bound to one account and region, its VPC to their zones: a literal zone in its stacks is one of those, as intended';

/** Properties of an `IsolatedEnvironment`. */
export interface IsolatedEnvironmentProps {
  /** What the environment is for: every default below comes from the tier's profile. */
  readonly tier: EnvironmentTier;

  /**
   * The application's name: the first segment of configuration paths (`/<app>/<environment>/`)
   * and the start of resource names. Lowercase letters, digits and hyphens.
   */
  readonly appName: string;

  /**
   * The environment's name, in tags, configuration paths and resource names.
   *
   * @default - the tier's name, for example `dev`
   */
  readonly environmentName?: string;

  /** The environment's own AWS account (12 digits). */
  readonly account: string;

  /** The environment's AWS region, for example `eu-west-1`. */
  readonly region: string;

  /** The account the pipeline runs in: the only account the deployment role trusts. */
  readonly toolingAccount: string;

  /**
   * The account people sign in to (with MFA) before they assume the read-only, developer or
   * break-glass role of this environment.
   *
   * @default - the environment's own account
   */
  readonly operatorsAccount?: string;

  /**
   * The VPC's IPv4 range, for example `10.10.0.0/16`: at most a /16 (AWS's largest VPC) and large
   * enough for a public, a private and a data subnet of at least a /28 in each availability zone (so
   * at least a /25 with two zones, a /24 with three), overlapping no other environment of the app.
   * With `vpc`, the range of that VPC, used for the overlap checks only.
   *
   * @default - required unless `vpc` is given
   */
  readonly cidr?: string;

  /**
   * A VPC to use instead of creating one, for example `ec2.Vpc.fromLookup(...)` in a stack of the
   * same account and region. No flow logs or endpoints are added to it.
   *
   * @default - a VPC is created from `cidr`, shaped by the tier
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The availability zones to use, in order of preference; the first `maxAzs` are used. Giving
   * them lets the app synthesize without AWS credentials (no availability-zone lookup).
   *
   * @default - looked up in the account and region by the CDK CLI (cached in cdk.context.json); a
   * lookup that fails (no credentials for the account) is an error at synth, not subnets in
   * placeholder zones
   */
  readonly availabilityZones?: string[];

  /**
   * The key that encrypts everything the environment creates.
   *
   * @default - a customer-managed key with yearly rotation, `alias/<app>/<environment>`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A permissions boundary applied to every IAM role in the environment, the library's and the
   * workload's.
   *
   * @default - no boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * Tags for every resource of the environment, besides `Environment` and `Tier` (which the
   * library sets and which may not be given here) and `cdk-multi-env:app`, the app's name, which
   * the library sets on every stack (it tells the pipeline which stacks are the environment's).
   *
   * @default - only `Environment` and `Tier`
   */
  readonly tags?: Record<string, string>;

  /**
   * The working hours of an environment whose tier scales down off-hours (Dev, QA, Demo): its
   * `costScheduler` scales down what you add to it outside them. An error for a tier that never
   * scales down (Staging, Prod, Hotfix).
   *
   * @default - Monday to Friday, 07:00 to 19:00 UTC
   */
  readonly offHours?: OffHoursSchedule;

  /**
   * A monthly cost budget for the environment's account: the alarm topic (and the emails given)
   * hear when actual spend passes 80% of it, and when the month's forecast passes 100%.
   *
   * @default - no budget
   */
  readonly budget?: BudgetOptions;

  /**
   * When the environment is torn down: every stack of it is deleted, the stacks that depend on
   * others first and the foundation last, an hour apart; the account's compliance baseline, if
   * the environment holds it, stays (the account's audit record outlives the environment). For short-lived environments, such as a
   * demo for one client. `Expiration.after(...)` counts from synthesis, so in a pipeline every
   * deploy pushes the teardown back. CloudFormation deletes each stack with the role that deployed
   * it; what a stack retains (removal policy RETAIN) stays. Not allowed in a production tier or
   * with termination protection.
   *
   * @default - the environment lives until it is deleted by hand
   */
  readonly timeToLive?: Expiration;

  /**
   * How the environment's data is backed up (`backupPolicy`): the backup level (NONE switches
   * backups off, except in a production tier), retention, copies, vault lock and restore tests.
   *
   * @default - as the tier's `backup` level says
   */
  readonly backup?: BackupOptions;

  /**
   * How the environment is monitored (`monitoring`): the alarm severity and which events alarm.
   *
   * @default - as the tier's `alarmSeverity` says, every event watched
   */
  readonly monitoring?: MonitoringOptions;

  /**
   * Whether the environment holds the `ComplianceBaseline` of its account and region, in a stack
   * of its own named `<appName>-baseline-<account>-<region>`. Switch it off where the organization deploys one
   * to every account (`ComplianceBaselineStackSet`, Control Tower). Environments that share an
   * account (of the same tier) share its baseline: the first of them in the app holds it, and since
   * the stack's name is the same whichever holds it, adding, removing or reordering environments
   * never moves the baseline's resources to another stack.
   *
   * @default - true in the first environment of an account and region (every tier gets one, with
   * the parts its tier turns on), false in the others
   */
  readonly complianceBaseline?: boolean;

  /**
   * Parts of the compliance baseline to switch on or off, and how they are set up. Its alarms
   * notify the environment's alarm topic.
   *
   * @default - the parts and settings the tier decides
   */
  readonly compliance?: ComplianceBaselineOptions;

  /**
   * How many availability zones the VPC spans.
   *
   * @default - the tier's `maxAzs`
   */
  readonly maxAzs?: number;
  /**
   * How many NAT gateways the VPC gets, at most one per availability zone.
   *
   * @default - the tier's `natGateways`
   */
  readonly natGateways?: number;
  /**
   * How long CloudWatch logs are kept.
   *
   * @default - the tier's `logRetention`
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to stateful resources when they leave the stack.
   *
   * @default - the tier's `removalPolicy`
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether the stacks have termination protection.
   *
   * @default - the tier's `terminationProtection`
   */
  readonly terminationProtection?: boolean;
  /**
   * Whether, and after how long, the assets of the account's CDK bootstrap (files in its bucket,
   * images in its repository) that no deployed stack references any more are deleted, every week
   * (`cdk gc`, see `BootstrapCleanup`). Environments that share an account share it: the first of
   * them in the app that asks for it holds it.
   *
   * @default - on where the tier's data is throwaway (removal policy DESTROY: Dev, QA, Demo), with a
   * grace period of 30 days
   */
  readonly bootstrapCleanup?: BootstrapCleanupOptions;
  /**
   * How often every stack of the environment is checked for drift (changes made outside the
   * pipeline), in whole hours, at least one; `Duration.seconds(0)` for never.
   *
   * @default - the tier's `driftDetection`
   */
  readonly driftDetection?: Duration;
}

const ACCOUNT = /^\d{12}$/;
const literal = (value: string) => !Token.isUnresolved(value);
const RESERVED_TAGS = [ENVIRONMENT_TAG, 'Tier', APP_TAG];
/** AWS's smallest subnet is a /28 and its largest VPC a /16. */
const SMALLEST_SUBNET = 28;
const LARGEST_VPC = 16;

/**
 * One environment (Dev, QA, Staging, Prod, Hotfix, Demo, or a tier of your own) in its own AWS
 * account and region. Its `Foundation` stack holds what every workload of the environment needs,
 * shaped by the tier: the VPC and baseline security groups, a KMS key, the configuration store,
 * the access roles, an alarm topic and, where the tier backs up, the backup policy
 * (`backupPolicy`); its `Monitoring` stack holds the dashboard and alarms (`monitoring`); its
 * `AccountBaseline` stack, in the first environment of an account and region, the account's
 * `ComplianceBaseline`. Add workload stacks to it as to any `Stage`; they inherit its account, region,
 * tags, permissions boundary and termination protection, and in a production tier every stateful
 * resource in them is retained. Elsewhere, give your own resources `env.profile.removalPolicy`.
 *
 * @example
 * import * as cdk from 'aws-cdk-lib';
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
 *   availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
 * });
 * const api = new cdk.Stack(prod, 'Api');
 * // ... use prod.vpc, prod.key, prod.config and prod.applicationSecurityGroup in api
 */
export class IsolatedEnvironment extends Stage {
  /** The environment's tier. */
  public readonly tier: EnvironmentTier;
  /** The tier's profile with this environment's overrides applied: what the environment actually uses. */
  public readonly profile: TierProfile;
  /** The application's name. */
  public readonly appName: string;
  /** The environment's name. */
  public readonly environmentName: string;
  /** The stack that holds the environment's foundation. */
  public readonly foundation: Stack;
  /** The environment's VPC. */
  public readonly vpc: ec2.IVpc;
  /** The key that encrypts what the environment creates. */
  public readonly key: kms.IKey;
  /** The environment's parameters and secrets. */
  public readonly config: EnvironmentConfig;
  /** The topic the environment's alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** The baseline security group for the application tier: no ingress, all egress. */
  public readonly applicationSecurityGroup: ec2.ISecurityGroup;
  /** The baseline security group for the data tier: TCP from the application tier only, no egress. */
  public readonly dataSecurityGroup: ec2.ISecurityGroup;
  /**
   * The scheduler that scales down what you add to it outside working hours.
   *
   * @default - none, unless the tier scales down off-hours (Dev, QA, Demo)
   */
  public readonly costScheduler?: CostScheduler;
  /**
   * The environment's dashboard and alarms, in the `Monitoring` stack: give it your workload's
   * alarms and functions.
   */
  public readonly monitoring: EnvironmentMonitoring;
  /**
   * The environment's backups, in the foundation stack: give it the resources that hold data.
   *
   * @default - none, unless the tier (or `backup.level`) backs up (Staging, Prod, Hotfix)
   */
  public readonly backupPolicy?: BackupPolicy;
  /**
   * The account's audit and security setup: trail, Config, GuardDuty, Security Hub, CIS alarms, in
   * the `AccountBaseline` stack.
   *
   * @default - none if `complianceBaseline` is false, or another environment of the account holds it
   */
  public readonly complianceBaseline?: ComplianceBaseline;
  /**
   * The weekly clean-up of the account's CDK bootstrap assets, in the foundation stack.
   *
   * @default - none, unless the tier's data is throwaway (Dev, QA, Demo) or `bootstrapCleanup.enabled`
   * is true, and no other environment of the account holds it
   */
  public readonly bootstrapCleanup?: BootstrapCleanup;
  /** The account the pipeline runs in. */
  public readonly toolingAccount: string;
  /**
   * The branch this environment is a feature copy for, in a feature lane's build.
   *
   * @default - none: the environment itself, not a copy
   */
  public readonly featureBranch?: string;
  /** The role the pipeline (tooling account) assumes to test the environment: it reads, it deploys nothing. */
  public readonly deploymentRole: iam.IRole;
  /**
   * The deployment role's ARN, built from its fixed name so that stacks in other accounts (the
   * pipeline's) can refer to it without a cross-account reference.
   */
  public readonly deploymentRoleArn: string;
  /**
   * The ARN of the role the pipeline assumes to delete the environment's stacks that the app no
   * longer has (it may delete only stacks tagged with the app's and the environment's names), from
   * its fixed name.
   */
  public readonly stackCleanupRoleArn: string;
  /**
   * The ARN of the role the pipeline's change reviews, orphan listings and deploy builds assume to
   * read the environment's stacks, templates and drift (read-only, decrypting nothing), from its
   * fixed name.
   */
  public readonly reviewRoleArn: string;
  /** The role people assume to read the environment (MFA required). */
  public readonly readOnlyRole: iam.IRole;
  /**
   * The role developers assume to deploy by hand (MFA required).
   *
   * @default - none, unless the tier's access level is READ_WRITE
   */
  public readonly developerRole?: iam.IRole;
  /**
   * The emergency administrator role (MFA required, every use alarms).
   *
   * @default - none, unless the tier's access level is STRICT
   */
  public readonly breakGlassRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: IsolatedEnvironmentProps) {
    // Feature-copy mode: in a feature lane's build, the app's context asks for a copy of one
    // environment, named after the branch, in the shape FIXED_DEFAULTS.featureCopy gives every copy.
    const feature = featureCopyOf(scope, id, props.environmentName ?? props.tier.name);
    super(scope, feature ? `${id}-${feature.suffix}` : id, { env: { account: feature?.account ?? props.account, region: props.region } });
    // The workload and monitoring stacks refer to the foundation's network, key and topic through
    // CloudFormation exports, which keep the foundation from losing what they use; the pipeline deploys
    // the foundation first. aws-cdk-lib 2.276 warns on every such reference while the strength is left
    // to its default, which is 'strong' still: the environment states it, unless the app chose one.
    if (this.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined) this.node.setContext(CROSS_STACK_REFERENCES, 'strong');
    if (feature) props = asFeatureCopy(props, feature);
    this.tier = props.tier;
    this.appName = props.appName;
    this.environmentName = props.environmentName ?? props.tier.name;
    this.toolingAccount = props.toolingAccount;
    this.featureBranch = feature?.branch;
    this.profile = effectiveProfile(props, feature !== undefined);
    const cidr = this.validate(props);
    StageProfile.register(this, this.environmentName, this.profile);

    const namePrefix = `${this.appName}-${this.environmentName}`;
    this.foundation = new Stack(this, 'Foundation', {
      description: `${namePrefix} foundation (${this.tier.name} tier): network, key, configuration, access, alarms`,
      terminationProtection: this.profile.terminationProtection,
    });
    if (feature) {
      Annotations.of(this.foundation).addInfo(`a feature copy of '${id}' for branch ${feature.branch}, in a feature lane's build: no NAT gateway, the smallest sizes, `
        + `no compliance baseline of its own, everything deleted with it, torn down ${feature.timeToLiveHours} hours after the last push`);
    }
    this.pinAvailabilityZones(props);
    this.key = props.encryptionKey ?? this.createKey(namePrefix, props.budget !== undefined);
    this.alarmTopic = new sns.Topic(this.foundation, 'AlarmTopic', {
      topicName: alarmTopicName(namePrefix),
      masterKey: this.key,
      enforceSSL: true,
    });

    const network = new EnvironmentNetwork(this.foundation, 'Network', {
      namePrefix,
      cidr: cidr?.toString(),
      vpc: props.vpc,
      availabilityZones: props.availabilityZones,
      maxAzs: this.profile.maxAzs,
      natGateways: this.profile.natGateways,
      key: this.key,
      logRetention: this.profile.logRetention,
      removalPolicy: this.profile.removalPolicy,
    });
    this.vpc = network.vpc;
    this.applicationSecurityGroup = network.applicationSecurityGroup;
    this.dataSecurityGroup = network.dataSecurityGroup;

    this.config = new EnvironmentConfig(this.foundation, 'Config', {
      appName: this.appName,
      environmentName: this.environmentName,
      encryptionKey: this.key,
      removalPolicy: this.profile.removalPolicy,
    });

    const access = new EnvironmentAccess(this.foundation, 'Access', {
      namePrefix,
      appName: this.appName,
      environmentName: this.environmentName,
      access: this.profile.access,
      toolingAccount: props.toolingAccount,
      operatorsAccount: props.operatorsAccount ?? props.account,
      config: this.config,
      alarmTopic: this.alarmTopic,
    });
    this.deploymentRole = access.deploymentRole;
    // Written out with their partition where the region is known: the pipeline's job plans name them.
    this.deploymentRoleArn = environmentRoleArn(props.region, props.account, deploymentRoleName(namePrefix));
    this.stackCleanupRoleArn = environmentRoleArn(props.region, props.account, stackCleanupRoleName(namePrefix));
    this.reviewRoleArn = environmentRoleArn(props.region, props.account, reviewRoleName(namePrefix));
    this.readOnlyRole = access.readOnlyRole;
    this.developerRole = access.developerRole;
    this.breakGlassRole = access.breakGlassRole;

    this.complianceBaseline = this.placeAccountBaseline(props, namePrefix);
    this.costScheduler = this.scheduleOffHours(props);
    this.bootstrapCleanup = this.placeBootstrapCleanup(props);
    if (props.budget) this.createBudget(props.budget, namePrefix);
    this.backupPolicy = this.createBackups(props, namePrefix);
    this.monitoring = this.createMonitoring(props, namePrefix);
    this.applyToEveryStack(props, feature, namePrefix);
  }

  /**
   * Synthesizes the environment's stacks into its own cloud assembly, as every stage does, once the
   * checks that need the whole app (a pipeline's, for example) have passed: a failing check leaves
   * nothing written to the output directory. Once synthesized, the assembly cannot be modified;
   * later calls return the same assembly.
   */
  public synth(options?: StageSynthesisOptions): cxapi.CloudAssembly {
    ChecksBeforeSynthesis.of(this).runOnce();
    return super.synth(options);
  }

  /**
   * The zones the user gave are the foundation's answer to the availability-zone lookup, so neither
   * `cdk synth` nor the VPC (which checks them against the stack's) asks AWS.
   */
  private pinAvailabilityZones(props: IsolatedEnvironmentProps): void {
    if (!Token.isUnresolved(props.account) && !Token.isUnresolved(props.region)) {
      const { key } = ContextProvider.getKey(this.foundation, { provider: cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER });
      if (props.availabilityZones) {
        this.foundation.node.setContext(key, props.availabilityZones);
      } else {
        // The CDK CLI looked the zones up and failed (no credentials for the account, most often). aws-cdk-lib
        // then builds the VPC in zones named dummy1a and dummy1b and only annotates the stack, which
        // `cdk synth` does not report for a stack inside a stage: a template that would fail to deploy.
        const answer = this.foundation.node.tryGetContext(key);
        if (answer && typeof answer === 'object' && cxapi.PROVIDER_ERROR_KEY in answer) {
          throw validationError(`IsolatedEnvironment '${this.environmentName}': availabilityZones is not given, and the CDK CLI could not look up the zones of account ${props.account} in ${props.region} `
            + `(${answer[cxapi.PROVIDER_ERROR_KEY]}); give them (for example availabilityZones: ['${props.region}a', '${props.region}b', '${props.region}c']), `
            + 'or synthesize with credentials that may read that account', this);
        }
      }
    }
    // The zones are the environment's, fixed with its account and region: a literal zone in any of its
    // stacks (a workload's instance in one of the VPC's subnets) is one of them. aws-cdk-lib 2.276's
    // built-in validation warns on each one (W3010) outside the stack that asked for the zones.
    acknowledge(this, ZONES_REASON, 'CloudFormation-Validate::W3010');
  }

  /** The account's baseline, if this environment holds it; if another does, a note of where it is. */
  private placeAccountBaseline(props: IsolatedEnvironmentProps, namePrefix: string): ComplianceBaseline | undefined {
    const elsewhere = AccountSingletons.of(this).inAccountOf(COMPLIANCE_BASELINE, this.foundation);
    const baseline = (props.complianceBaseline ?? !elsewhere) ? this.createAccountBaseline(props.compliance, namePrefix) : undefined;
    if (!baseline && elsewhere) {
      if (props.compliance) {
        throw validationError(`IsolatedEnvironment '${this.environmentName}': compliance is given, but the account's compliance baseline is ${elsewhere} (environments that share an account share it); give compliance to that environment`, this);
      }
      Annotations.of(this.foundation).addInfo(`the account's compliance baseline is ${elsewhere}: environments that share an account share its baseline`);
    }
    // Any use of a break-glass role of the account, in any region, through the baseline's multi-region trail.
    if (this.breakGlassRole && baseline?.trailLogGroup) watchBreakGlassUse(baseline, baseline.trailLogGroup, this.appName, baseline.alarmTopic);
    if (this.breakGlassRole && !elsewhere && !baseline?.trail) {
      Annotations.of(this.foundation).addWarningV2('cdk-multi-env:breakGlassNeedsTrail',
        'The break-glass alarm hears of the role\'s use through a CloudTrail trail, and the compliance baseline\'s trail is off: make sure the account has one (Control Tower\'s, for example)');
    }
    return baseline;
  }

  /**
   * The clean-up of the account's CDK bootstrap assets, if this environment holds it (the first of
   * the account's environments that asks for it); if another does, a note of where it is.
   */
  private placeBootstrapCleanup(props: IsolatedEnvironmentProps): BootstrapCleanup | undefined {
    const throwaway = this.profile.removalPolicy === RemovalPolicy.DESTROY && !this.profile.production;
    if (!(props.bootstrapCleanup?.enabled ?? throwaway)) return undefined;
    const elsewhere = AccountSingletons.of(this).inAccountOf(BOOTSTRAP_CLEANUP, this.foundation);
    if (elsewhere) {
      Annotations.of(this.foundation).addInfo(`the clean-up of the account's CDK bootstrap assets is ${elsewhere}: environments that share an account share it`);
      return undefined;
    }
    const cleanup = new BootstrapCleanup(this.foundation, 'BootstrapCleanup', {
      gracePeriod: props.bootstrapCleanup?.gracePeriod,
      encryptionKey: this.key,
      logRetention: this.profile.logRetention,
      alarmTopic: this.alarmTopic,
    });
    AccountSingletons.of(this).register(BOOTSTRAP_CLEANUP, cleanup);
    return cleanup;
  }

  /** The off-hours scheduler, where the tier scales down. */
  private scheduleOffHours(props: IsolatedEnvironmentProps): CostScheduler | undefined {
    if (!this.profile.scaleDownOffHours) return undefined;
    return new CostScheduler(this.foundation, 'OffHours', {
      schedule: props.offHours ?? OffHoursSchedule.weekdays(FIXED_DEFAULTS.workingHours),
    });
  }

  /** The account's monthly budget, which notifies the alarm topic. */
  private createBudget(budget: BudgetOptions, namePrefix: string): void {
    // AWS Budgets publishes to the topic, encrypted with the key: both must let it.
    this.alarmTopic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.alarmTopic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': this.foundation.account } },
    }));
    new EnvironmentBudget(this.foundation, 'Budget', { ...budget, namePrefix, environmentName: this.environmentName, topic: this.alarmTopic });
  }

  /** The backup policy, where the environment backs up. */
  private createBackups(props: IsolatedEnvironmentProps, namePrefix: string): BackupPolicy | undefined {
    if (this.profile.backup === BackupLevel.NONE) return undefined;
    return new BackupPolicy(this.foundation, 'Backup', {
      ...props.backup,
      level: this.profile.backup,
      encryptionKey: this.key,
      backupVaultName: namePrefix,
    });
  }

  /** The dashboard and alarms, in the `Monitoring` stack. */
  private createMonitoring(props: IsolatedEnvironmentProps, namePrefix: string): EnvironmentMonitoring {
    const monitoringStack = new Stack(this, 'Monitoring', {
      description: `${namePrefix} monitoring (${this.tier.name} tier): dashboard and alarms`,
      terminationProtection: this.profile.terminationProtection,
    });
    const monitoring = new EnvironmentMonitoring(monitoringStack, 'Monitoring', {
      ...props.monitoring,
      alarmSeverity: this.profile.alarmSeverity,
      alarmTopic: this.alarmTopic,
      dashboardName: namePrefix,
      vpc: props.vpc ? undefined : this.vpc,
      offHoursSchedules: this.costScheduler !== undefined,
    });
    if (this.profile.driftDetection.toMinutes({ integral: false }) > 0) {
      const detection = new DriftDetection(monitoringStack, 'DriftDetection', { interval: this.profile.driftDetection, monitoring, namePrefix });
      Aspects.of(this).add(new DetectDriftOfEveryStack(this, detection));
    }
    return monitoring;
  }

  /**
   * What reaches every stack of the environment, the user's workload stacks too: tags, the
   * permissions boundary, and the aspects that protect, retain, clean up and tear down.
   */
  private applyToEveryStack(props: IsolatedEnvironmentProps, feature: FeatureCopy | undefined, namePrefix: string): void {
    Tags.of(this).add(ENVIRONMENT_TAG, this.environmentName);
    Tags.of(this).add('Tier', this.tier.name);
    if (feature) Tags.of(this).add('FeatureBranch', feature.branch.replace(/[^\w .:/=+@-]/g, '-').slice(0, 256));
    for (const [key, value] of Object.entries(props.tags ?? {})) Tags.of(this).add(key, value);
    // The stack tags, on every stack whatever the feature flags. The app's tag is a stack tag only
    // (CloudFormation passes stack tags on to the resources): with the environment's, it tells this
    // environment's stacks from every other stack of the account.
    Aspects.of(this).add(new TagEveryStack({ [ENVIRONMENT_TAG]: this.environmentName, [APP_TAG]: this.appName, Tier: this.tier.name }));
    if (props.permissionsBoundary) iam.PermissionsBoundary.of(this).apply(props.permissionsBoundary);
    if (this.profile.terminationProtection) Aspects.of(this).add(new ProtectStacks());
    if (this.profile.production) Aspects.of(this).add(new RetainProductionData(this.environmentName));
    Aspects.of(this).add(new CleanupPolicies(this.profile));
    // Mutating: it empties buckets with aws-cdk-lib's mixin, which tags the bucket (a Tag aspect of
    // priority MUTATING). Under cdk init's @aws-cdk/core:aspectStabilization, an aspect of the default
    // priority that adds one of a lower priority to the node it visits fails synthesis.
    if (feature) Aspects.of(this).add(new DestroyFeatureCopy(), { priority: AspectPriority.MUTATING });
    if (props.timeToLive) {
      const teardown = new EnvironmentTeardown(this.foundation, 'Teardown', { expiration: props.timeToLive, namePrefix });
      // The account's compliance baseline stays: it is the account's (other environments of the account
      // may share it), and its trail is the record of what happened to the environment.
      const keep = this.complianceBaseline ? [Stack.of(this.complianceBaseline)] : [];
      Aspects.of(this).add(new ScheduleTeardown(this, teardown, keep));
    }
  }

  /**
   * The account's compliance baseline, in a stack of its own named after the app, the account and
   * the region, never after an environment: whichever environment of the account holds
   * it (the first in the app, which adding, removing or reordering environments can change) deploys
   * the same stack, with the same logical ids, and GuardDuty, Config and the trail never move
   * between stacks. Nothing in it refers to the holder's stacks through exports, which would tie it
   * to them: its alarms notify the holder's alarm topic by the ARN the topic's fixed name gives.
   */
  private createAccountBaseline(options: ComplianceBaselineOptions | undefined, namePrefix: string): ComplianceBaseline {
    const stack = new Stack(this, 'AccountBaseline', {
      stackName: accountBaselineStackName(this.appName, this.foundation),
      description: `${this.appName}: compliance baseline of the account and region (trail, Config, GuardDuty, Security Hub, CIS alarms)`,
      terminationProtection: this.profile.terminationProtection,
    });
    const alarmTopic = sns.Topic.fromTopicArn(stack, 'AlarmTopic', stack.formatArn({ service: 'sns', resource: alarmTopicName(namePrefix) }));
    // The baseline's EventBridge rules publish to the topic, which cannot grant that from here.
    this.alarmTopic.grantPublish(new iam.ServicePrincipal('events.amazonaws.com'));
    return new ComplianceBaseline(stack, 'Compliance', { ...options, tier: this.tier, profile: this.profile, alarmTopic });
  }

  /** The key, with the services that write encrypted data for the environment allowed to use it. */
  private createKey(namePrefix: string, withBudget: boolean): kms.IKey {
    const key = new kms.Key(this.foundation, 'Key', {
      alias: `alias/${this.appName}/${this.environmentName}`,
      description: `${namePrefix}: encrypts everything the environment creates`,
      enableKeyRotation: true,
      removalPolicy: removalWithoutSnapshot(this.profile.removalPolicy),
    });
    const stack = this.foundation;
    key.addToResourcePolicy(onlyAwsServicesCreateGrants());
    key.addToResourcePolicy(cloudWatchLogsUseOfKey(stack));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AlarmsAndEventsPublishToEncryptedTopics',
      principals: ['events', 'cloudwatch', ...(withBudget ? ['budgets'] : [])].map(service => new iam.ServicePrincipal(`${service}.amazonaws.com`)),
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    return key;
  }

  /** Every problem of the props at once; returns the parsed CIDR. */
  private validate(props: IsolatedEnvironmentProps): Cidr | undefined {
    const errors = new ValidationErrors(`IsolatedEnvironment '${this.environmentName}'`, this);
    checkName(errors, 'appName', props.appName);
    checkName(errors, 'environmentName', this.environmentName);
    for (const [field, account] of [['account', props.account], ['toolingAccount', props.toolingAccount], ['operatorsAccount', props.operatorsAccount]] as const) {
      if (account !== undefined && !Token.isUnresolved(account) && !ACCOUNT.test(account)) {
        errors.add(field, `is '${account}'; expected an AWS account id of 12 digits`);
      }
    }
    if (literal(props.account) && literal(props.toolingAccount) && props.account === props.toolingAccount) {
      errors.add('toolingAccount', `is ${props.toolingAccount}, the environment's own account; the pipeline runs in an account of its own, so that no environment can change it`);
    }
    if (!Token.isUnresolved(props.region) && !RegionInfo.regions.some(r => r.name === props.region)) {
      errors.add('region', `is '${props.region}'; expected an AWS region such as eu-west-1`);
    }
    const cidr = this.validateNetwork(props, errors);
    for (const key of Object.keys(props.tags ?? {}).filter(k => RESERVED_TAGS.includes(k))) {
      errors.add('tags', `has '${key}', which the library sets from the environment; remove it from tags`);
    }
    if (props.timeToLive) this.validateTimeToLive(props.timeToLive, errors);
    if (props.bootstrapCleanup?.gracePeriod) {
      if (props.bootstrapCleanup.enabled === false) {
        errors.add('bootstrapCleanup.gracePeriod', 'is given, but bootstrapCleanup.enabled is false; remove gracePeriod, or drop enabled: false');
      }
      validateGracePeriod(props.bootstrapCleanup.gracePeriod, errors, 'bootstrapCleanup.gracePeriod');
    }
    if (props.complianceBaseline === false && props.compliance) {
      errors.add('compliance', 'is given, but complianceBaseline is false; remove compliance, or drop complianceBaseline: false');
    }
    validateTierProfile(this.profile, errors);
    if (props.offHours && !this.profile.scaleDownOffHours) {
      const why = this.profile.production ? ': a production tier serves its users at every hour' : '';
      const instead = this.profile.production ? '' : ', or use a tier that does (EnvironmentTier.custom with scaleDownOffHours: true)';
      errors.add('offHours', `is given, but tier ${this.tier.name} never scales down off-hours (its scaleDownOffHours is false${why}), so nothing would use it; remove offHours${instead}`);
    }
    const backupOptions = Object.entries(props.backup ?? {}).filter(([k, v]) => k !== 'level' && v !== undefined).map(([k]) => k);
    if (this.profile.backup === BackupLevel.NONE && backupOptions.length > 0) {
      errors.add('backup', `sets ${backupOptions.join(', ')}, but the environment backs nothing up (backup level NONE, from ${props.backup?.level ? 'backup.level' : `tier ${this.tier.name}`}); set backup.level to SHORT or FULL, or remove them`);
    }
    const facts = { name: this.environmentName, tier: this.tier, account: props.account, cidr };
    IsolationChecks.of(this).check(facts, errors);
    errors.throwIfAny();
    IsolationChecks.of(this).register(facts);
    return props.vpc ? undefined : cidr;
  }

  private validateTimeToLive(timeToLive: Expiration, errors: ValidationErrors): void {
    if (this.profile.production) {
      errors.add('timeToLive', `is set, but tier ${this.tier.name} is a production tier, which is never torn down on a timer`);
    } else if (this.profile.terminationProtection) {
      errors.add('timeToLive', 'is set, but the stacks have termination protection, which would stop the teardown; set terminationProtection to false');
    }
    if (timeToLive.isBefore(Duration.seconds(0))) {
      errors.add('timeToLive', `is ${timeToLive.date.toISOString()}, in the past; give a time to come, or delete the environment`);
    }
  }

  private validateNetwork(props: IsolatedEnvironmentProps, errors: ValidationErrors): Cidr | undefined {
    const { maxAzs } = this.profile;
    if (props.availabilityZones && !Token.isUnresolved(props.account) && !Token.isUnresolved(props.region)) {
      if (props.availabilityZones.length < maxAzs) {
        errors.add('availabilityZones', `has ${props.availabilityZones.length} zone(s) but the environment uses ${maxAzs} (maxAzs); give at least ${maxAzs}`);
      }
      const foreign = props.availabilityZones.filter(az => literal(az) && literal(props.region) && !az.startsWith(props.region));
      if (foreign.length > 0) {
        errors.add('availabilityZones', `has ${foreign.join(', ')}, not in region ${props.region}`);
      }
    }
    if (props.cidr === undefined) {
      if (!props.vpc) errors.add('cidr', 'is missing; give the VPC\'s IPv4 range (for example 10.10.0.0/16), or bring a vpc');
      return undefined;
    }
    if (Token.isUnresolved(props.cidr)) {
      errors.add('cidr', 'is a token; the range must be known at synth time so environments can be checked for overlaps');
      return undefined;
    }
    const parsed = Cidr.parse(props.cidr);
    if (typeof parsed === 'string') {
      errors.add('cidr', `is '${props.cidr}'; ${parsed}`);
      return undefined;
    }
    const subnets = SUBNET_GROUPS.length * maxAzs;
    const largestPrefix = SMALLEST_SUBNET - Math.ceil(Math.log2(subnets));
    if (parsed.prefix < LARGEST_VPC) {
      errors.add('cidr', `is ${parsed}; the largest VPC AWS allows is a /${LARGEST_VPC}`);
    } else if (!props.vpc && parsed.prefix > largestPrefix) {
      errors.add('cidr', `is ${parsed}, too small for ${subnets} subnets (${SUBNET_GROUPS.length} groups in ${maxAzs} availability zones) of at least /${SMALLEST_SUBNET}; use a /${largestPrefix} or larger`);
    }
    return parsed;
  }
}

/**
 * The name of the stack that holds the compliance baseline of an account and region: after the app,
 * the account and the region, so that a review or a log naming it is unambiguous across a wave.
 */
function accountBaselineStackName(appName: string, scope: Stack): string {
  const { account, region } = scope;
  return Token.isUnresolved(account) || Token.isUnresolved(region) ? `${appName}-account-baseline` : `${appName}-baseline-${account}-${region}`;
}

const alarmTopicName = (namePrefix: string) => `${namePrefix}-alarms`;

/** The tier's profile with the environment's overrides applied (and a feature copy's sizing). */
function effectiveProfile(props: IsolatedEnvironmentProps, featureCopy: boolean): TierProfile {
  return {
    ...props.tier.profile,
    ...(featureCopy ? { sizing: FIXED_DEFAULTS.featureCopy.sizing } : {}),
    ...definedOnly({
      maxAzs: props.maxAzs,
      natGateways: props.natGateways,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      terminationProtection: props.terminationProtection,
      driftDetection: props.driftDetection,
      backup: props.backup?.level,
      alarmSeverity: props.monitoring?.alarmSeverity,
    }),
  };
}

/** An environment's props as its feature copy has them: named after the branch, in the shape every copy takes. */
function asFeatureCopy(props: IsolatedEnvironmentProps, feature: FeatureCopy): IsolatedEnvironmentProps {
  const { natGateways, removalPolicy, terminationProtection, complianceBaseline, driftDetection, bootstrapCleanup } = FIXED_DEFAULTS.featureCopy;
  return {
    ...props,
    account: feature.account ?? props.account,
    environmentName: `${props.environmentName ?? props.tier.name}-${feature.suffix}`,
    natGateways,
    removalPolicy,
    terminationProtection,
    driftDetection,
    bootstrapCleanup: { enabled: bootstrapCleanup },
    timeToLive: Expiration.after(Duration.hours(feature.timeToLiveHours)),
    complianceBaseline,
    compliance: undefined,
  };
}

/** Termination protection on every stack of the environment, the user's workload stacks included. */
class ProtectStacks implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof Stack) node.terminationProtection = true;
  }
}

/**
 * Sets the environment's stack tags on each of its stacks itself. `Tags.of()` reaches a stack only
 * while `@aws-cdk/core:explicitStackTags` is off; `cdk init` turns it on, and a stack without its
 * `Environment` and app tags is one the orphan clean-up can neither find nor delete. Tags a user
 * sets on a stack keep their own values.
 */
class TagEveryStack implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}
  public visit(node: IConstruct): void {
    if (!(node instanceof Stack)) return;
    const own = node.tags.tagValues();
    for (const [key, value] of Object.entries(this.tags)) {
      if (!(key in own)) node.tags.setTag(key, value);
    }
  }
}
