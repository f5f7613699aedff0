import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { SizingClass } from './tier-profile';

/**
 * The defaults the library decides that no tier changes, in one place beside the tiers' profiles
 * (`environment-tier.ts`), which hold everything a tier does change. Each has an option that
 * overrides it where it is used. The README's text and the `@default` texts that repeat them are
 * tested against these values (test/tiers/documented-defaults.test.ts).
 */
export const FIXED_DEFAULTS = {
  /** The working hours of an environment whose tier scales down off-hours: Monday to Friday, in UTC. */
  workingHours: { start: '07:00', stop: '19:00' },

  /** When restore tests run, in UTC: a working day, so someone sees a failure. */
  restoreTests: { weekDay: 'WED', hour: '6', minute: '0' },

  /**
   * When Inspector's CIS scan of an account's EC2 instances runs (the baseline's `inspector`), in
   * UTC: weekly, on a Sunday night, when the scan's load on the instances disturbs the fewest.
   */
  inspectorCisScan: { day: 'SUN', timeOfDay: '03:00' },

  /** What `CleanupPolicies` gives the buckets and repositories that set no rules of their own. */
  cleanup: {
    /** How long an incomplete multipart upload may linger before S3 aborts it. */
    abortUploadsAfterDays: 7,
    /** How long S3 keeps an object version once a newer one replaces it. */
    noncurrentVersionsDays: 30,
    /** In tiers whose data is disposable (removal policy DESTROY), how long an object lives. */
    throwawayObjectsDays: 30,
    /** How many images an ECR repository keeps. */
    keepImages: 20,
  },

  /** The pipelines' artifact buckets. */
  pipelineArtifacts: {
    /** How long overwritten or deleted artifacts are kept before they expire. */
    noncurrentVersionsDays: 30,
    /** How long the access logs of artifact buckets are kept. */
    accessLogsDays: 365,
  },

  /**
   * The AWS CDK CLI that the pipeline's jobs and the bootstrap clean-up install when the app names
   * none: the version this release of the library synthesizes its reference app with (the
   * `aws-cdk` dev dependency; a test keeps the two equal).
   */
  cdkCliVersion: '2.1148.1',

  /** The clean-up of the CDK bootstrap's assets (`cdk gc`), in UTC. */
  bootstrapCleanup: {
    /** When it runs: Sunday at 05:00, when no pipeline deploys. */
    weekDay: 'SUN',
    hour: 5,
    /** How long an asset no deployed template references is kept before it is deleted. */
    gracePeriodDays: 30,
    /** An asset younger than this is never deleted, whatever references it. */
    createdBufferDays: 1,
  },

  /** The feature lane, unless `addFeatureEnvironments` says otherwise. */
  featureLane: {
    branches: ['feature/*'],
    maxEnvironments: 5,
    timeToLiveDays: 7,
  },

  /**
   * The shape a feature branch's copy of an environment takes, whatever its tier's: the cheapest
   * (no NAT gateway, the smallest sizes, no drift detection: it lives for days and changes with every
   * push), deleted with everything in it, without a clean-up of the bootstrap's assets of its own
   * (the copied environment's account has one), and without the account's
   * compliance baseline, which the copied environment already holds (a second trail, recorder or
   * detector would fail to deploy).
   */
  featureCopy: {
    natGateways: 0,
    driftDetection: Duration.seconds(0),
    bootstrapCleanup: false,
    sizing: SizingClass.SMALLEST,
    removalPolicy: RemovalPolicy.DESTROY,
    terminationProtection: false,
    complianceBaseline: false,
  },
} as const;
