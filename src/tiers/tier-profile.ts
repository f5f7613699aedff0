import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DeploymentWindow } from './deployment-window';

/**
 * When the pipeline deploys an environment of a tier.
 */
export enum DeploymentMode {
  /** On every commit to the main branch, as soon as it is synthesized (Dev). */
  EVERY_COMMIT = 'EVERY_COMMIT',
  /** After the environment before it in the promotion order has passed its gates (QA, Staging, Prod). */
  AFTER_PREVIOUS = 'AFTER_PREVIOUS',
  /** After production, with the version that production runs (Demo). */
  AFTER_PRODUCTION = 'AFTER_PRODUCTION',
  /** In its own lane, triggered by hotfix branches, bypassing Dev and QA on its way to production (Hotfix). */
  HOTFIX_LANE = 'HOTFIX_LANE',
}

/**
 * A human gate in the pipeline.
 */
export enum ApprovalGate {
  /** No one is asked. */
  NONE = 'NONE',
  /** A manual approval: a sign-off (for example UAT in QA) or a go-ahead (Staging). */
  MANUAL_APPROVAL = 'MANUAL_APPROVAL',
  /**
   * A manual approval that shows the change about to be made: a job first prints the change of
   * every stack of the stage against what is deployed (`cdk diff`), the approver reviews it, and
   * the deploy stops if a stack changed after the review (Prod).
   * Only meaningful before a deploy.
   */
  CHANGE_REVIEW = 'CHANGE_REVIEW',
}

/**
 * A kind of test the pipeline runs for an environment. The tier decides where each kind runs;
 * the commands are the user's.
 */
export enum TestKind {
  /** Unit tests. They need no environment, so they run in the synth step, before any deploy. */
  UNIT = 'UNIT',
  /** A quick check that the deployed environment answers. */
  SMOKE = 'SMOKE',
  /** Tests of the deployed services working together. */
  INTEGRATION = 'INTEGRATION',
  /** Latency and throughput measured against a target. */
  PERFORMANCE = 'PERFORMANCE',
  /** The data migration rehearsed on a copy of production-like data, before the deploy. */
  DATA_MIGRATION = 'DATA_MIGRATION',
  /** Production-level load. */
  LOAD = 'LOAD',
  /** Security scans of the deployed environment. */
  SECURITY = 'SECURITY',
}

/**
 * How large an environment's resources are. Constructs that size things (instance classes,
 * capacities) read it.
 */
export enum SizingClass {
  /** The smallest sizes that run the workload at all, fixed capacity (Dev). */
  SMALLEST = 'SMALLEST',
  /** Production's architecture at a smaller scale, fixed capacity (QA, Hotfix, Demo). */
  SMALL = 'SMALL',
  /** Production-like sizes with occasional scaling (Staging). */
  MEDIUM = 'MEDIUM',
  /** Full auto-scaling between the bounds the workload gives (Prod). */
  FULL = 'FULL',
}

/**
 * How much of an environment's data AWS Backup protects.
 */
export enum BackupLevel {
  /** No backups: the data is disposable and rebuilt by the pipeline. */
  NONE = 'NONE',
  /** Short daily backups (snapshot-level protection for a pre-production mirror). */
  SHORT = 'SHORT',
  /**
   * Daily, weekly and monthly backups with long retention, a copy in a second region, vault lock
   * and scheduled restore tests.
   */
  FULL = 'FULL',
}

/**
 * What people (as opposed to the pipeline) may do in an environment.
 */
export enum AccessLevel {
  /** People may deploy and change resources by hand as well as read (Dev). */
  READ_WRITE = 'READ_WRITE',
  /** People read; only the pipeline changes anything (QA, Staging, Demo). */
  READ_ONLY = 'READ_ONLY',
  /**
   * People read; only the pipeline changes anything; an MFA-protected break-glass role, whose use
   * raises an alarm, exists for emergencies (Prod, Hotfix).
   */
  STRICT = 'STRICT',
}

/**
 * What an alarm in an environment does.
 */
export enum AlarmSeverity {
  /** Alarms change state on the dashboard and notify no one. */
  RECORD_ONLY = 'RECORD_ONLY',
  /** Alarms notify the environment's topic for the team to look at. */
  NOTIFY = 'NOTIFY',
  /** Alarms notify at once, for someone to act now. */
  PAGE = 'PAGE',
}

/**
 * Every default a tier implies, in one place. The constructs of this library read their defaults
 * from the profile of an environment's tier; their props override any of them.
 *
 * The values of the six built-in tiers are listed under each field; `EnvironmentTier.custom()`
 * makes a tier with any profile that is consistent.
 */
export interface TierProfile {
  /**
   * Whether end users depend on the environment. A production tier must be retained, protected
   * from termination, backed up, approved before deploy and never scaled down off-hours.
   *
   * @default PROD true; every other tier false
   */
  readonly production: boolean;

  /**
   * When the pipeline deploys the environment.
   *
   * @default DEV EVERY_COMMIT; QA, STAGING, PROD AFTER_PREVIOUS; HOTFIX HOTFIX_LANE; DEMO AFTER_PRODUCTION
   */
  readonly deployment: DeploymentMode;

  /**
   * The gate before the environment is deployed.
   *
   * @default STAGING MANUAL_APPROVAL; PROD CHANGE_REVIEW (the approver sees the change of every stack); every other tier NONE
   */
  readonly approvalBeforeDeploy: ApprovalGate;

  /**
   * The gate after the environment is deployed and tested, before the change moves on.
   *
   * @default QA MANUAL_APPROVAL (UAT sign-off: semi-automated); HOTFIX MANUAL_APPROVAL (sign-off before Prod); every other tier NONE
   */
  readonly approvalAfterDeploy: ApprovalGate;

  /**
   * Whether only principals the user names may approve the tier's gates.
   *
   * @default PROD and HOTFIX true (a change to production is approved by named people); every other tier false
   */
  readonly restrictedApprovers: boolean;

  /**
   * The kinds of test that run before the environment is deployed: in a test build of their own
   * (whose role cannot deploy), after the tier's approval (right before the deploy, however long the
   * approval waited), side by side.
   *
   * @default DEV [UNIT] (in the synth step); STAGING [DATA_MIGRATION]; every other tier none
   */
  readonly testsBeforeDeploy: TestKind[];

  /**
   * The kinds of test that run after the environment is deployed: in a test build of their own
   * (whose role cannot deploy), after the data seed (where the tier re-seeds), side by side, like
   * CDK Pipelines' steps of one stage.
   *
   * @default DEV, PROD, HOTFIX, DEMO [SMOKE]; QA [INTEGRATION, PERFORMANCE]; STAGING [LOAD, SECURITY]
   */
  readonly testsAfterDeploy: TestKind[];

  /**
   * How long the environment's alarms are watched after a deploy before the pipeline calls it
   * done. Zero means no bake period.
   *
   * @default PROD 30 minutes (a regression that alarms is caught before the next change is promoted); every other tier zero
   */
  readonly bakeTime: Duration;

  /**
   * How often CloudFormation checks every stack of the environment for drift (resources changed
   * by hand, outside the pipeline); zero for never. A drifted stack notifies the alarm topic with
   * its name, how many resources drifted and a link to the drift in the console, and shows on the
   * dashboard. At least an hour, in whole hours.
   *
   * @default PROD 1 day (a hand-made change to production is found within a day); DEV zero (people
   * change Dev by hand all day: drift there is expected, not news); every other tier 7 days
   */
  readonly driftDetection: Duration;

  /**
   * When the pipeline may deploy the environment: outside the window a change waits before the
   * deploy (its approval does not), and goes on when the window opens.
   *
   * @default - none for every built-in tier: a change deploys as soon as its gates pass
   */
  readonly deploymentWindow?: DeploymentWindow;

  /**
   * Whether the pipeline deploys the environment's stacks in CloudFormation's express mode
   * (`cdk deploy --express`): a stack operation completes once CloudFormation has applied each
   * resource's configuration, without waiting for the resource to stabilize, and AWS reports it up
   * to four times faster. The tests after the deploy may then meet resources still becoming ready
   * (a service's new tasks still starting): write them to retry until the environment answers.
   * CloudFormation still rolls a failed deploy back (the pipeline passes `--rollback`, as replacing
   * a resource needs). AWS advises the standard mode for production, where a deploy must end with
   * every resource ready; a production tier cannot have it.
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-express-mode.html
   *
   * @default DEV, QA true (disposable data, on the way to production on every commit); every other tier false
   */
  readonly expressDeployments?: boolean;

  /**
   * Whether each deploy re-seeds the environment's controlled data set.
   *
   * @default DEMO true (demos and training start from known data); every other tier false
   */
  readonly reseedsData: boolean;

  /**
   * How many availability zones the environment's VPC spans.
   *
   * @default DEV, QA, HOTFIX, DEMO 2; STAGING, PROD 3 (high availability, and Staging mirrors Prod)
   */
  readonly maxAzs: number;

  /**
   * How many NAT gateways the environment's VPC gets (at most one per availability zone).
   *
   * @default DEV 0 (no fixed hourly cost: gateway endpoints reach S3 and DynamoDB); QA, HOTFIX, DEMO 1; STAGING, PROD 3 (one per AZ, so losing an AZ never cuts egress)
   */
  readonly natGateways: number;

  /**
   * How large the environment's resources are.
   *
   * @default DEV SMALLEST; QA, HOTFIX, DEMO SMALL; STAGING MEDIUM; PROD FULL
   */
  readonly sizing: SizingClass;

  /**
   * Whether the environment is scaled down outside working hours.
   *
   * @default DEV, QA, DEMO true (nobody uses them at night); STAGING false (occasional scaling only); PROD, HOTFIX false (always ready)
   */
  readonly scaleDownOffHours: boolean;

  /**
   * How long the environment keeps its CloudWatch logs.
   *
   * @default DEV, DEMO ONE_WEEK; QA TWO_WEEKS; STAGING ONE_MONTH; HOTFIX THREE_MONTHS; PROD ONE_YEAR (what audits ask for)
   */
  readonly logRetention: RetentionDays;

  /**
   * What happens to the environment's stateful resources when they leave the stack.
   *
   * @default DEV, QA, DEMO DESTROY (disposable data); STAGING, HOTFIX SNAPSHOT; PROD RETAIN
   */
  readonly removalPolicy: RemovalPolicy;

  /**
   * Whether the environment's stacks have termination protection.
   *
   * @default PROD true; every other tier false
   */
  readonly terminationProtection: boolean;

  /**
   * How much of the environment's data is backed up.
   *
   * @default STAGING, HOTFIX SHORT; PROD FULL; DEV, QA, DEMO NONE
   */
  readonly backup: BackupLevel;

  /**
   * What people may do in the environment.
   *
   * @default DEV READ_WRITE (developers deploy and read); QA, STAGING, DEMO READ_ONLY; PROD, HOTFIX STRICT
   */
  readonly access: AccessLevel;

  /**
   * What the environment's alarms do.
   *
   * @default DEV, QA RECORD_ONLY; STAGING, DEMO NOTIFY; PROD, HOTFIX PAGE
   */
  readonly alarmSeverity: AlarmSeverity;
}
