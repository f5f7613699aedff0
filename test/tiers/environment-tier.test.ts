import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  AccessLevel, AlarmSeverity, ApprovalGate, BackupLevel, CustomTierProps, DeploymentMode, EnvironmentTier,
  SizingClass, TestKind, TierProfile,
} from '../../src';

/**
 * The README's tier table ("The tiers"), written out field by field, with the fields it leaves to
 * API.md. A change to a default must change this table and the README's too, so it is always a
 * deliberate one.
 */
const README_TABLE: Record<string, TierProfile> = {
  dev: {
    production: false,
    deployment: DeploymentMode.EVERY_COMMIT, // automatically on every commit
    approvalBeforeDeploy: ApprovalGate.NONE, // gate: none
    approvalAfterDeploy: ApprovalGate.NONE,
    restrictedApprovers: false,
    testsBeforeDeploy: [TestKind.UNIT], // unit tests before synth
    testsAfterDeploy: [TestKind.SMOKE], // smoke tests after deploy
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.seconds(0), // people change Dev by hand: drift is expected
    expressDeployments: true, // every commit, express mode
    reseedsData: false,
    maxAzs: 2, // 2 AZs
    natGateways: 0, // no NAT gateway
    sizing: SizingClass.SMALLEST, // smallest sizes
    scaleDownOffHours: true, // scaled down
    logRetention: RetentionDays.ONE_WEEK, // short log retention
    removalPolicy: RemovalPolicy.DESTROY, // destroyed with the stack
    terminationProtection: false,
    backup: BackupLevel.NONE, // no backups
    access: AccessLevel.READ_WRITE, // developers deploy and read
    alarmSeverity: AlarmSeverity.RECORD_ONLY,
  },
  qa: {
    production: false,
    deployment: DeploymentMode.AFTER_PREVIOUS, // automatically after Dev
    approvalBeforeDeploy: ApprovalGate.NONE,
    approvalAfterDeploy: ApprovalGate.MANUAL_APPROVAL, // UAT sign-off after deploy
    restrictedApprovers: false,
    testsBeforeDeploy: [],
    testsAfterDeploy: [TestKind.INTEGRATION, TestKind.PERFORMANCE], // integration and performance after deploy
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.days(7),
    expressDeployments: true, // after Dev, express mode
    reseedsData: false,
    maxAzs: 2, // like prod, smaller scale
    natGateways: 1,
    sizing: SizingClass.SMALL,
    scaleDownOffHours: true, // scaled down
    logRetention: RetentionDays.TWO_WEEKS,
    removalPolicy: RemovalPolicy.DESTROY, // destroyed
    terminationProtection: false,
    backup: BackupLevel.NONE, // no backups
    access: AccessLevel.READ_ONLY, // testers read
    alarmSeverity: AlarmSeverity.RECORD_ONLY,
  },
  staging: {
    production: false,
    deployment: DeploymentMode.AFTER_PREVIOUS,
    approvalBeforeDeploy: ApprovalGate.MANUAL_APPROVAL, // approval before deploy
    approvalAfterDeploy: ApprovalGate.NONE,
    restrictedApprovers: false,
    testsBeforeDeploy: [TestKind.DATA_MIGRATION], // data-migration tests before
    testsAfterDeploy: [TestKind.LOAD, TestKind.SECURITY], // load and security tests after
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.days(7),
    expressDeployments: false,
    reseedsData: false,
    maxAzs: 3, // like prod in scale
    natGateways: 3,
    sizing: SizingClass.MEDIUM,
    scaleDownOffHours: false, // occasional scaling only
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.SNAPSHOT, // snapshot
    terminationProtection: false,
    backup: BackupLevel.SHORT, // short backups
    access: AccessLevel.READ_ONLY, // restricted
    alarmSeverity: AlarmSeverity.NOTIFY,
  },
  prod: {
    production: true,
    deployment: DeploymentMode.AFTER_PREVIOUS,
    approvalBeforeDeploy: ApprovalGate.CHANGE_REVIEW, // manual approval with change review
    approvalAfterDeploy: ApprovalGate.NONE,
    restrictedApprovers: true,
    testsBeforeDeploy: [],
    testsAfterDeploy: [TestKind.SMOKE], // smoke tests and an alarm bake period after deploy
    bakeTime: Duration.minutes(30),
    driftDetection: Duration.days(1), // a hand-made change to production found within a day
    expressDeployments: false,
    reseedsData: false,
    maxAzs: 3, // multi-AZ
    natGateways: 3, // NAT per AZ
    sizing: SizingClass.FULL, // full auto-scaling
    scaleDownOffHours: false, // never
    logRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN, // retained
    terminationProtection: true, // termination protection
    backup: BackupLevel.FULL, // daily/weekly/monthly, cross-region copy, vault lock, restore testing
    access: AccessLevel.STRICT, // humans read-only, break-glass role
    alarmSeverity: AlarmSeverity.PAGE,
  },
  hotfix: {
    production: false,
    deployment: DeploymentMode.HOTFIX_LANE, // its own lane from a hotfix branch
    approvalBeforeDeploy: ApprovalGate.NONE,
    approvalAfterDeploy: ApprovalGate.MANUAL_APPROVAL, // restricted approvers before Prod
    restrictedApprovers: true,
    testsBeforeDeploy: [],
    testsAfterDeploy: [TestKind.SMOKE], // smoke tests
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.days(7),
    expressDeployments: false,
    reseedsData: false,
    maxAzs: 2, // small
    natGateways: 1,
    sizing: SizingClass.SMALL,
    scaleDownOffHours: false, // off-hours: off
    logRetention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.SNAPSHOT, // like staging
    terminationProtection: false,
    backup: BackupLevel.SHORT, // like staging
    access: AccessLevel.STRICT, // strict
    alarmSeverity: AlarmSeverity.PAGE,
  },
  demo: {
    production: false,
    deployment: DeploymentMode.AFTER_PRODUCTION, // after Prod, from the released version
    approvalBeforeDeploy: ApprovalGate.NONE, // optional
    approvalAfterDeploy: ApprovalGate.NONE,
    restrictedApprovers: false,
    testsBeforeDeploy: [],
    testsAfterDeploy: [TestKind.SMOKE], // smoke tests
    bakeTime: Duration.seconds(0),
    driftDetection: Duration.days(7),
    expressDeployments: false,
    reseedsData: true, // seeds its controlled data set
    maxAzs: 2, // small
    natGateways: 1,
    sizing: SizingClass.SMALL,
    scaleDownOffHours: true, // scaled down
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY, // destroyed, data re-seeded
    terminationProtection: false,
    backup: BackupLevel.NONE,
    access: AccessLevel.READ_ONLY, // demo users read
    alarmSeverity: AlarmSeverity.NOTIFY,
  },
};

const FIELDS = Object.keys(README_TABLE.dev) as (keyof TierProfile)[];

/** Durations compare by value; everything else as it is. */
function comparable(value: unknown): unknown {
  return value instanceof Duration ? `${value.toSeconds()}s` : value;
}

describe('built-in tiers', () => {
  const cases = EnvironmentTier.builtIn().flatMap(tier => FIELDS.map(field => [tier.name, field, tier] as const));

  test.each(cases)('%s.%s is the value of the README\'s tier table', (name, field, tier) => {
    expect(comparable(tier.profile[field])).toEqual(comparable(README_TABLE[name][field]));
  });

  test('every field of the profile is covered by the table', () => {
    for (const tier of EnvironmentTier.builtIn()) {
      expect(Object.keys(tier.profile).sort()).toEqual([...FIELDS].sort());
    }
  });

  test('builtIn() lists the six tiers in promotion order, the hotfix lane last', () => {
    expect(EnvironmentTier.builtIn().map(t => t.name)).toEqual(['dev', 'qa', 'staging', 'prod', 'demo', 'hotfix']);
  });

  test('each built-in tier is accepted by the consistency rules that custom tiers must pass', () => {
    for (const tier of EnvironmentTier.builtIn()) {
      const copy = EnvironmentTier.custom({ name: `my-${tier.name}`, basedOn: tier });
      expect(copy.profile).toEqual(tier.profile);
    }
  });

  test('a profile cannot be changed through the tier', () => {
    const profile = EnvironmentTier.DEV.profile as { natGateways: number; testsAfterDeploy: TestKind[] };
    profile.natGateways = 2;
    profile.testsAfterDeploy.push(TestKind.LOAD);
    expect(EnvironmentTier.DEV.profile.natGateways).toBe(0);
    expect(EnvironmentTier.DEV.profile.testsAfterDeploy).toEqual([TestKind.SMOKE]);
  });
});

describe('EnvironmentTier.custom', () => {
  test('takes every field from basedOn except those given', () => {
    // WHEN
    const perf = EnvironmentTier.custom({
      name: 'perf',
      basedOn: EnvironmentTier.STAGING,
      approvalBeforeDeploy: ApprovalGate.NONE,
      testsAfterDeploy: [TestKind.PERFORMANCE, TestKind.LOAD],
      natGateways: 1,
    });

    // THEN
    expect(perf.name).toBe('perf');
    expect(perf.toString()).toBe('perf');
    expect(perf.profile).toEqual({
      ...EnvironmentTier.STAGING.profile,
      approvalBeforeDeploy: ApprovalGate.NONE,
      testsAfterDeploy: [TestKind.PERFORMANCE, TestKind.LOAD],
      natGateways: 1,
    });
    expect(EnvironmentTier.STAGING.profile.natGateways).toBe(3);
  });

  test('a field given as undefined is inherited, not erased', () => {
    const tier = EnvironmentTier.custom({ name: 'eu-prod', basedOn: EnvironmentTier.PROD, maxAzs: undefined });
    expect(tier.profile.maxAzs).toBe(3);
  });

  test('a copy of the test lists, so changing the caller\'s array later changes nothing', () => {
    const kinds = [TestKind.SMOKE];
    const tier = EnvironmentTier.custom({ name: 'canary', basedOn: EnvironmentTier.DEV, testsAfterDeploy: kinds });
    kinds.push(TestKind.LOAD);
    expect(tier.profile.testsAfterDeploy).toEqual([TestKind.SMOKE]);
  });

  const prod = EnvironmentTier.PROD;
  const invalid: [string, Omit<CustomTierProps, 'name'>, string][] = [
    ['a production tier without an approval gate', { basedOn: prod, approvalBeforeDeploy: ApprovalGate.NONE, restrictedApprovers: false },
      "EnvironmentTier.custom 'x': approvalBeforeDeploy is NONE; for a production tier (production is true) expected MANUAL_APPROVAL or CHANGE_REVIEW, so no change reaches end users unapproved"],
    ['a production tier that is destroyed', { basedOn: prod, removalPolicy: RemovalPolicy.DESTROY },
      "EnvironmentTier.custom 'x': removalPolicy is destroy; for a production tier (production is true) expected RETAIN, so end users' data outlives its stack"],
    ['a production tier without termination protection', { basedOn: prod, terminationProtection: false },
      "EnvironmentTier.custom 'x': terminationProtection is false; for a production tier (production is true) expected true"],
    ['a production tier scaled down off-hours', { basedOn: prod, scaleDownOffHours: true },
      "EnvironmentTier.custom 'x': scaleDownOffHours is true; for a production tier (production is true) expected false: end users have no off-hours"],
    ['a production tier without backups', { basedOn: prod, backup: BackupLevel.NONE },
      "EnvironmentTier.custom 'x': backup is NONE; for a production tier (production is true) expected SHORT or FULL"],
    ['a production tier people change by hand', { basedOn: prod, access: AccessLevel.READ_WRITE },
      "EnvironmentTier.custom 'x': access is READ_WRITE; for a production tier (production is true) expected READ_ONLY or STRICT: people do not change production by hand"],
    ['a production tier deployed in CloudFormation\'s express mode', { basedOn: prod, expressDeployments: true },
      "EnvironmentTier.custom 'x': expressDeployments is true; for a production tier (production is true) expected false: AWS advises CloudFormation's standard mode for production, where a deploy ends with every resource ready"],
    ['a production tier deployed on every commit', { basedOn: prod, deployment: DeploymentMode.EVERY_COMMIT },
      "EnvironmentTier.custom 'x': deployment is EVERY_COMMIT; for a production tier (production is true) expected AFTER_PREVIOUS, so every change is promoted through the tiers before it"],
    ['Dev turned into production', { basedOn: EnvironmentTier.DEV, production: true },
      "EnvironmentTier.custom 'x': 8 problems:\n"
      + '  - approvalBeforeDeploy is NONE; for a production tier (production is true) expected MANUAL_APPROVAL or CHANGE_REVIEW, so no change reaches end users unapproved\n'
      + '  - deployment is EVERY_COMMIT; for a production tier (production is true) expected AFTER_PREVIOUS, so every change is promoted through the tiers before it\n'
      + "  - removalPolicy is destroy; for a production tier (production is true) expected RETAIN, so end users' data outlives its stack\n"
      + '  - terminationProtection is false; for a production tier (production is true) expected true\n'
      + '  - scaleDownOffHours is true; for a production tier (production is true) expected false: end users have no off-hours\n'
      + '  - backup is NONE; for a production tier (production is true) expected SHORT or FULL\n'
      + "  - expressDeployments is true; for a production tier (production is true) expected false: AWS advises CloudFormation's standard mode for production, where a deploy ends with every resource ready\n"
      + '  - access is READ_WRITE; for a production tier (production is true) expected READ_ONLY or STRICT: people do not change production by hand'],
    ['a change review after deploy', { basedOn: EnvironmentTier.QA, approvalAfterDeploy: ApprovalGate.CHANGE_REVIEW },
      "EnvironmentTier.custom 'x': approvalAfterDeploy is CHANGE_REVIEW, but a change review shows the change before it is made; use MANUAL_APPROVAL after deploy, or CHANGE_REVIEW in approvalBeforeDeploy"],
    ['restricted approvers without a gate', { basedOn: EnvironmentTier.DEV, restrictedApprovers: true },
      "EnvironmentTier.custom 'x': restrictedApprovers is true, but the tier has no approval gate to restrict; set approvalBeforeDeploy or approvalAfterDeploy, or set restrictedApprovers to false"],
    ['more NAT gateways than AZs', { basedOn: EnvironmentTier.DEV, natGateways: 3 },
      "EnvironmentTier.custom 'x': natGateways is 3, more than maxAzs (2); a VPC has at most one NAT gateway per availability zone"],
    ['negative NAT gateways', { basedOn: EnvironmentTier.DEV, natGateways: -1 },
      "EnvironmentTier.custom 'x': natGateways is -1; expected a whole number, 0 or more"],
    ['a fractional NAT gateway', { basedOn: EnvironmentTier.DEV, natGateways: 0.5 },
      "EnvironmentTier.custom 'x': natGateways is 0.5; expected a whole number, 0 or more"],
    ['no availability zone', { basedOn: EnvironmentTier.DEV, maxAzs: 0, natGateways: 0 },
      "EnvironmentTier.custom 'x': maxAzs is 0; expected a whole number from 1 to 6"],
    ['more availability zones than any region has', { basedOn: EnvironmentTier.DEV, maxAzs: 7 },
      "EnvironmentTier.custom 'x': maxAzs is 7; expected a whole number from 1 to 6"],
    ['unit tests after deploy', { basedOn: EnvironmentTier.DEV, testsAfterDeploy: [TestKind.UNIT] },
      "EnvironmentTier.custom 'x': testsAfterDeploy contains UNIT, but unit tests need no environment and run in the synth step; move UNIT to testsBeforeDeploy"],
    ['a test kind listed twice', { basedOn: EnvironmentTier.DEV, testsBeforeDeploy: [TestKind.UNIT, TestKind.UNIT] },
      "EnvironmentTier.custom 'x': testsBeforeDeploy lists UNIT more than once; list each kind of test once"],
  ];

  test.each(invalid)('rejects %s, naming the field', (_, props, message) => {
    expect(() => EnvironmentTier.custom({ name: 'x', ...props })).toThrow(new Error(message));
  });

  test.each([
    ['Perf', "is 'Perf'; expected lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 32 characters"],
    ['1st', "is '1st'; expected lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 32 characters"],
    ['perf-', "is 'perf-'; expected lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 32 characters"],
    ['', "is ''; expected lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 32 characters"],
    ['a'.repeat(33), `is '${'a'.repeat(33)}'; expected lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 32 characters`],
    ['prod', "is 'prod', the name of a built-in tier; use EnvironmentTier.PROD or choose another name"],
  ])('rejects the name %j', (name, problem) => {
    expect(() => EnvironmentTier.custom({ name, basedOn: EnvironmentTier.DEV })).toThrow(new Error(`EnvironmentTier.custom '${name}': name ${problem}`));
  });

  test('accepts names of one and of 32 characters', () => {
    expect(EnvironmentTier.custom({ name: 'p', basedOn: EnvironmentTier.DEV }).name).toBe('p');
    expect(EnvironmentTier.custom({ name: 'a'.repeat(32), basedOn: EnvironmentTier.DEV }).name).toHaveLength(32);
  });
});
