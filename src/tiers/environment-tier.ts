import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DeploymentWindow } from './deployment-window';
import { validateTierName, validateTierProfile } from './profile-validation';
import {
  AccessLevel, AlarmSeverity, ApprovalGate, BackupLevel, DeploymentMode, SizingClass, TestKind, TierProfile,
} from './tier-profile';
import { definedOnly } from '../private/defined-only';
import { ValidationErrors } from '../private/validation-errors';

/**
 * Properties of a tier a team defines for itself.
 *
 * Every profile field not given here is taken from `basedOn`.
 */
export interface CustomTierProps {
  /**
   * The tier's name: lowercase letters, digits and hyphens, starting with a letter, at most 32
   * characters, and not the name of a built-in tier.
   */
  readonly name: string;

  /** The tier whose profile the new tier starts from. */
  readonly basedOn: EnvironmentTier;

  /**
   * Whether end users depend on the environment (see `TierProfile.production`).
   *
   * @default - `basedOn`'s value
   */
  readonly production?: boolean;
  /**
   * When the pipeline deploys the environment (see `TierProfile.deployment`).
   *
   * @default - `basedOn`'s value
   */
  readonly deployment?: DeploymentMode;
  /**
   * The gate before the environment is deployed.
   *
   * @default - `basedOn`'s value
   */
  readonly approvalBeforeDeploy?: ApprovalGate;
  /**
   * The gate after the environment is deployed and tested, before the change moves on.
   *
   * @default - `basedOn`'s value
   */
  readonly approvalAfterDeploy?: ApprovalGate;
  /**
   * Whether only named principals may approve the gates.
   *
   * @default - `basedOn`'s value
   */
  readonly restrictedApprovers?: boolean;
  /**
   * The kinds of test that run before the deploy.
   *
   * @default - `basedOn`'s value
   */
  readonly testsBeforeDeploy?: TestKind[];
  /**
   * The kinds of test that run after the deploy.
   *
   * @default - `basedOn`'s value
   */
  readonly testsAfterDeploy?: TestKind[];
  /**
   * How long alarms are watched after a deploy; zero for none.
   *
   * @default - `basedOn`'s value
   */
  readonly bakeTime?: Duration;
  /**
   * How often the environment's stacks are checked for drift; zero for never.
   *
   * @default - `basedOn`'s value
   */
  readonly driftDetection?: Duration;
  /**
   * When the pipeline may deploy environments of the tier.
   *
   * @default - `basedOn`'s value
   */
  readonly deploymentWindow?: DeploymentWindow;
  /**
   * Whether the tier's stacks are deployed in CloudFormation's express mode.
   *
   * @default - `basedOn`'s value
   */
  readonly expressDeployments?: boolean;
  /**
   * Whether each deploy re-seeds the controlled data set.
   *
   * @default - `basedOn`'s value
   */
  readonly reseedsData?: boolean;
  /**
   * How many availability zones the VPC spans.
   *
   * @default - `basedOn`'s value
   */
  readonly maxAzs?: number;
  /**
   * How many NAT gateways the VPC gets, at most one per availability zone.
   *
   * @default - `basedOn`'s value
   */
  readonly natGateways?: number;
  /**
   * How large the environment's resources are.
   *
   * @default - `basedOn`'s value
   */
  readonly sizing?: SizingClass;
  /**
   * Whether the environment is scaled down outside working hours.
   *
   * @default - `basedOn`'s value
   */
  readonly scaleDownOffHours?: boolean;
  /**
   * How long CloudWatch logs are kept.
   *
   * @default - `basedOn`'s value
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to stateful resources when they leave the stack.
   *
   * @default - `basedOn`'s value
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether the stacks have termination protection.
   *
   * @default - `basedOn`'s value
   */
  readonly terminationProtection?: boolean;
  /**
   * How much of the data is backed up.
   *
   * @default - `basedOn`'s value
   */
  readonly backup?: BackupLevel;
  /**
   * What people may do in the environment.
   *
   * @default - `basedOn`'s value
   */
  readonly access?: AccessLevel;
  /**
   * What the alarms do.
   *
   * @default - `basedOn`'s value
   */
  readonly alarmSeverity?: AlarmSeverity;
}

/**
 * The tier of an environment: what it is for, and from that every default the library applies to
 * it (see `TierProfile`).
 *
 * @example
 * import { ApprovalGate, EnvironmentTier, TestKind } from 'cdk-multi-env';
 *
 * // A built-in tier and one of its defaults:
 * const natGateways = EnvironmentTier.PROD.profile.natGateways; // 3, one per AZ
 *
 * // A tier of your own, starting from Staging:
 * const perf = EnvironmentTier.custom({
 *   name: 'perf',
 *   basedOn: EnvironmentTier.STAGING,
 *   approvalBeforeDeploy: ApprovalGate.NONE,
 *   testsAfterDeploy: [TestKind.PERFORMANCE, TestKind.LOAD],
 * });
 */
export class EnvironmentTier {
  /**
   * Development: features are developed and tested one by one; may be unstable. Deployed on every
   * commit after unit tests, smoke-tested, at the lowest cost (2 AZs, no NAT gateway, smallest
   * sizes, scaled down off-hours, short log retention, destroyed with its stacks, no backups).
   */
  public static readonly DEV = new EnvironmentTier('dev', {
    production: false,
    deployment: DeploymentMode.EVERY_COMMIT,
    approvalBeforeDeploy: ApprovalGate.NONE,
    approvalAfterDeploy: ApprovalGate.NONE,
    restrictedApprovers: false,
    testsBeforeDeploy: [TestKind.UNIT],
    testsAfterDeploy: [TestKind.SMOKE],
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.seconds(0),
    expressDeployments: true,
    reseedsData: false,
    maxAzs: 2,
    natGateways: 0,
    sizing: SizingClass.SMALLEST,
    scaleDownOffHours: true,
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    terminationProtection: false,
    backup: BackupLevel.NONE,
    access: AccessLevel.READ_WRITE,
    alarmSeverity: AlarmSeverity.RECORD_ONLY,
  });

  /**
   * Quality assurance: integration, performance and user acceptance testing. Deployed
   * automatically after Dev, then waits for a UAT sign-off (semi-automated). Production's
   * architecture at a smaller scale, scaled down off-hours; testers read.
   */
  public static readonly QA = new EnvironmentTier('qa', {
    production: false,
    deployment: DeploymentMode.AFTER_PREVIOUS,
    approvalBeforeDeploy: ApprovalGate.NONE,
    approvalAfterDeploy: ApprovalGate.MANUAL_APPROVAL,
    restrictedApprovers: false,
    testsBeforeDeploy: [],
    testsAfterDeploy: [TestKind.INTEGRATION, TestKind.PERFORMANCE],
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.days(7),
    expressDeployments: true,
    reseedsData: false,
    maxAzs: 2,
    natGateways: 1,
    sizing: SizingClass.SMALL,
    scaleDownOffHours: true,
    logRetention: RetentionDays.TWO_WEEKS,
    removalPolicy: RemovalPolicy.DESTROY,
    terminationProtection: false,
    backup: BackupLevel.NONE,
    access: AccessLevel.READ_ONLY,
    alarmSeverity: AlarmSeverity.RECORD_ONLY,
  });

  /**
   * Staging: a mirror of production for the final tests. Deployed after a manual approval;
   * data-migration tests before, load and security tests after. Production-like scale with
   * occasional scaling; restricted access; snapshots and short backups.
   */
  public static readonly STAGING = new EnvironmentTier('staging', {
    production: false,
    deployment: DeploymentMode.AFTER_PREVIOUS,
    approvalBeforeDeploy: ApprovalGate.MANUAL_APPROVAL,
    approvalAfterDeploy: ApprovalGate.NONE,
    restrictedApprovers: false,
    testsBeforeDeploy: [TestKind.DATA_MIGRATION],
    testsAfterDeploy: [TestKind.LOAD, TestKind.SECURITY],
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.days(7),
    expressDeployments: false,
    reseedsData: false,
    maxAzs: 3,
    natGateways: 3,
    sizing: SizingClass.MEDIUM,
    scaleDownOffHours: false,
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.SNAPSHOT,
    terminationProtection: false,
    backup: BackupLevel.SHORT,
    access: AccessLevel.READ_ONLY,
    alarmSeverity: AlarmSeverity.NOTIFY,
  });

  /**
   * Production: live for end users, highest stability. Deployed after a manual approval that
   * shows the change of every stack, then smoke tests and an alarm-watched bake period. Full auto-scaling,
   * three AZs with a NAT gateway each; humans read only, with a break-glass role; data retained,
   * stacks protected from termination, full backups with copies, vault lock and restore tests.
   */
  public static readonly PROD = new EnvironmentTier('prod', {
    production: true,
    deployment: DeploymentMode.AFTER_PREVIOUS,
    approvalBeforeDeploy: ApprovalGate.CHANGE_REVIEW,
    approvalAfterDeploy: ApprovalGate.NONE,
    restrictedApprovers: true,
    testsBeforeDeploy: [],
    testsAfterDeploy: [TestKind.SMOKE],
    bakeTime: Duration.minutes(30),
    driftDetection: Duration.days(1),
    expressDeployments: false,
    reseedsData: false,
    maxAzs: 3,
    natGateways: 3,
    sizing: SizingClass.FULL,
    scaleDownOffHours: false,
    logRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    terminationProtection: true,
    backup: BackupLevel.FULL,
    access: AccessLevel.STRICT,
    alarmSeverity: AlarmSeverity.PAGE,
  });

  /**
   * Hotfix: emergency fixes in their own lane from a hotfix branch, bypassing Dev and QA, signed
   * off by restricted approvers before they go on to Prod. Small, always on, strict access, data
   * protected like Staging.
   */
  public static readonly HOTFIX = new EnvironmentTier('hotfix', {
    production: false,
    deployment: DeploymentMode.HOTFIX_LANE,
    approvalBeforeDeploy: ApprovalGate.NONE,
    approvalAfterDeploy: ApprovalGate.MANUAL_APPROVAL,
    restrictedApprovers: true,
    testsBeforeDeploy: [],
    testsAfterDeploy: [TestKind.SMOKE],
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.days(7),
    expressDeployments: false,
    reseedsData: false,
    maxAzs: 2,
    natGateways: 1,
    sizing: SizingClass.SMALL,
    scaleDownOffHours: false,
    logRetention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.SNAPSHOT,
    terminationProtection: false,
    backup: BackupLevel.SHORT,
    access: AccessLevel.STRICT,
    alarmSeverity: AlarmSeverity.PAGE,
  });

  /**
   * Demo and training: a stable feature set and a controlled data set. Deployed after Prod with
   * the released version, smoke-tested, its data re-seeded; small and scaled down off-hours;
   * demo users read; destroyed with its stacks.
   */
  public static readonly DEMO = new EnvironmentTier('demo', {
    production: false,
    deployment: DeploymentMode.AFTER_PRODUCTION,
    approvalBeforeDeploy: ApprovalGate.NONE,
    approvalAfterDeploy: ApprovalGate.NONE,
    restrictedApprovers: false,
    testsBeforeDeploy: [],
    testsAfterDeploy: [TestKind.SMOKE],
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.days(7),
    expressDeployments: false,
    reseedsData: true,
    maxAzs: 2,
    natGateways: 1,
    sizing: SizingClass.SMALL,
    scaleDownOffHours: true,
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    terminationProtection: false,
    backup: BackupLevel.NONE,
    access: AccessLevel.READ_ONLY,
    alarmSeverity: AlarmSeverity.NOTIFY,
  });

  /**
   * The six built-in tiers, in promotion order (Hotfix, which has its own lane, last).
   */
  public static builtIn(): EnvironmentTier[] {
    return [
      EnvironmentTier.DEV, EnvironmentTier.QA, EnvironmentTier.STAGING,
      EnvironmentTier.PROD, EnvironmentTier.DEMO, EnvironmentTier.HOTFIX,
    ];
  }

  /**
   * A tier of your own: `basedOn`'s profile with the fields you give replaced.
   *
   * @throws if the name is invalid or the resulting profile contradicts itself (for example a
   * production tier without an approval gate); the message names every field at fault.
   */
  public static custom(props: CustomTierProps): EnvironmentTier {
    const { name, basedOn, ...overrides } = props;
    const profile: TierProfile = { ...basedOn.profile, ...definedOnly(overrides) };
    const errors = new ValidationErrors(`EnvironmentTier.custom '${name}'`);
    validateTierName(name, EnvironmentTier.builtIn().map(t => t.name), errors);
    validateTierProfile(profile, errors);
    errors.throwIfAny();
    return new EnvironmentTier(name, profile);
  }

  /** The tier's name, for example `prod`. It appears in tags and in names of what the tier creates. */
  public readonly name: string;

  private readonly _profile: TierProfile;

  private constructor(name: string, profile: TierProfile) {
    this.name = name;
    this._profile = copyOf(profile);
  }

  /**
   * Every default the tier implies. Each read returns a copy, so no caller can change a tier for
   * everyone else. (Not frozen: jsii must be able to tag the object to pass it to Python and Java.)
   */
  public get profile(): TierProfile {
    return copyOf(this._profile);
  }

  /** The tier's name. */
  public toString(): string {
    return this.name;
  }
}

function copyOf(profile: TierProfile): TierProfile {
  return { ...profile, testsBeforeDeploy: [...profile.testsBeforeDeploy], testsAfterDeploy: [...profile.testsAfterDeploy] };
}
