import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import {
  ApprovalGate, BootstrapCleanup, CostScheduler, DeploymentWindow, EnvironmentTier, IsolatedEnvironmentProps, MultiEnvPipeline, MultiEnvPipelineProps,
  OffHoursSchedule, PipelineSource, SafetyChecks, TestKind, TierCapacity, WeekDay,
} from '../../src';
import { environment } from '../support/environments';
import { CONNECTION_ARN, newPipeline } from '../support/pipelines';

/**
 * Every invalid input the library rejects, with the exact message the user reads. Each case
 * builds into a fresh app; the app is then synthesized, and no cloud assembly may come out: no
 * manifest and no template, not even of the environments a pipeline accepted before the bad input
 * (the pipeline synthesizes its stages only when the app is synthesized).
 */
type Case = [what: string, build: (app: cdk.App) => void, message: string];

const env = (overrides: Partial<IsolatedEnvironmentProps>, tier = EnvironmentTier.DEV) => (app: cdk.App) => { environment(app, tier, overrides); };
const pipeline = (props: Partial<MultiEnvPipelineProps>) => (app: cdk.App) => { newPipeline(app, props); };
const schedule = (build: () => OffHoursSchedule) => () => { build(); };
const capacity = (min: number, max: number, target?: number) => () => {
  TierCapacity.of(EnvironmentTier.PROD.profile, { minCapacity: min, maxCapacity: max, targetCpuUtilizationPercent: target });
};
const custom = (overrides: object) => () => { EnvironmentTier.custom({ name: 'perf', basedOn: EnvironmentTier.QA, ...overrides }); };
const productionCustom = (overrides: object) => () => { EnvironmentTier.custom({ name: 'live', basedOn: EnvironmentTier.PROD, ...overrides }); };
const source = (repository: string, options: object) => () => {
  PipelineSource.connection(repository, { connectionArn: CONNECTION_ARN, ...options });
};
/** A Dev environment and a scheduler in its foundation, handed to `use`. */
const scheduler = (use: (s: CostScheduler, stack: cdk.Stack) => void) => (app: cdk.App) => {
  const dev = environment(app, EnvironmentTier.DEV);
  use(dev.costScheduler!, dev.foundation);
};
const group = (stack: cdk.Stack) => autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Group', 'workers');
/** Dev and Prod placed in a pipeline, Prod with the options given (and named approvers, if asked). */
const placeProd = (options: object, withApprovers = false) => (app: cdk.App) => {
  const dev = environment(app, EnvironmentTier.DEV);
  const prod = environment(app, EnvironmentTier.PROD, { cidr: '10.1.0.0/16' });
  const p = newPipeline(app);
  p.addEnvironment(dev);
  p.addEnvironment(prod, { ...options, ...(withApprovers ? { approvers: approvers(p) } : {}) });
};
const feature = (options: object) => (app: cdk.App) => {
  const dev = environment(app, EnvironmentTier.DEV);
  newPipeline(app).addFeatureEnvironments(dev, options);
};
/** Environments of a tier in the regions given, each with an address range of its own from `firstRange` on, for a wave. */
const inRegions = (app: cdk.App, tier: EnvironmentTier, regions: string[], firstRange: number) => regions.map((region, i) =>
  environment(app, tier, {
    environmentName: `${tier.name}-${i + 1}`,
    region,
    cidr: `10.${firstRange + i}.0.0/16`,
    availabilityZones: ['a', 'b', 'c'].map(zone => `${region}${zone}`),
  }));
/** A pipeline with Dev placed, and then what `place` does. */
const wave = (place: (p: MultiEnvPipeline, app: cdk.App) => void) => (app: cdk.App) => {
  const p = newPipeline(app);
  p.addEnvironment(environment(app, EnvironmentTier.DEV));
  place(p, app);
};
const approvers = (p: MultiEnvPipeline) => [iam.Role.fromRoleName(cdk.Stack.of(p), 'ReleaseManagers', 'release-managers')];

const CASES: Case[] = [
  // EnvironmentTier.custom
  ['custom tier named like a built-in one', () => { EnvironmentTier.custom({ name: 'prod', basedOn: EnvironmentTier.QA }); },
    "EnvironmentTier.custom 'prod': name is 'prod', the name of a built-in tier; use EnvironmentTier.PROD or choose another name"],
  ['custom tier name with capitals', () => { EnvironmentTier.custom({ name: 'Perf', basedOn: EnvironmentTier.QA }); },
    "EnvironmentTier.custom 'Perf': name is 'Perf'; expected lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 32 characters"],
  ['custom tier with more NAT gateways than AZs', custom({ maxAzs: 2, natGateways: 3 }),
    "EnvironmentTier.custom 'perf': natGateways is 3, more than maxAzs (2); a VPC has at most one NAT gateway per availability zone"],
  ['custom tier with 0 AZs', custom({ maxAzs: 0, natGateways: 0 }), "EnvironmentTier.custom 'perf': maxAzs is 0; expected a whole number from 1 to 6"],
  ['custom tier with negative NAT gateways', custom({ natGateways: -1 }), "EnvironmentTier.custom 'perf': natGateways is -1; expected a whole number, 0 or more"],
  ['custom tier with a change review after deploy', custom({ approvalAfterDeploy: ApprovalGate.CHANGE_REVIEW }),
    "EnvironmentTier.custom 'perf': approvalAfterDeploy is CHANGE_REVIEW, but a change review shows the change before it is made; use MANUAL_APPROVAL after deploy, or CHANGE_REVIEW in approvalBeforeDeploy"],
  ['custom tier with unit tests after deploy', custom({ testsAfterDeploy: [TestKind.UNIT] }),
    "EnvironmentTier.custom 'perf': testsAfterDeploy contains UNIT, but unit tests need no environment and run in the synth step; move UNIT to testsBeforeDeploy"],
  ['custom tier listing a test twice', custom({ testsAfterDeploy: [TestKind.SMOKE, TestKind.SMOKE] }),
    "EnvironmentTier.custom 'perf': testsAfterDeploy lists SMOKE more than once; list each kind of test once"],
  ['custom production tier without approval', productionCustom({ approvalBeforeDeploy: ApprovalGate.NONE, restrictedApprovers: false }),
    "EnvironmentTier.custom 'live': approvalBeforeDeploy is NONE; for a production tier (production is true) expected MANUAL_APPROVAL or CHANGE_REVIEW, so no change reaches end users unapproved"],
  ['custom production tier scaled down off-hours', productionCustom({ scaleDownOffHours: true }),
    "EnvironmentTier.custom 'live': scaleDownOffHours is true; for a production tier (production is true) expected false: end users have no off-hours"],

  // IsolatedEnvironment
  ['off-hours for Prod, which never scales down', env({ offHours: OffHoursSchedule.weekdays({ start: '08:00', stop: '18:00' }) }, EnvironmentTier.PROD),
    "[prod] IsolatedEnvironment 'prod': offHours is given, but tier prod never scales down off-hours (its scaleDownOffHours is false: a production tier serves its users at every hour), so nothing would use it; remove offHours"],
  ['off-hours for Staging, which never scales down', env({ offHours: OffHoursSchedule.weekdays({ start: '08:00', stop: '18:00' }) }, EnvironmentTier.STAGING),
    "[staging] IsolatedEnvironment 'staging': offHours is given, but tier staging never scales down off-hours (its scaleDownOffHours is false), so nothing would use it; "
    + 'remove offHours, or use a tier that does (EnvironmentTier.custom with scaleDownOffHours: true)'],
  ['account that is not 12 digits', env({ account: '1234' }), "[dev] IsolatedEnvironment 'dev': account is '1234'; expected an AWS account id of 12 digits"],
  ['tooling account that is not 12 digits', env({ toolingAccount: 'tooling' }), "[dev] IsolatedEnvironment 'dev': toolingAccount is 'tooling'; expected an AWS account id of 12 digits"],
  ['tooling account that is the environment\'s', env({ toolingAccount: '111111111111' }),
    "[dev] IsolatedEnvironment 'dev': toolingAccount is 111111111111, the environment's own account; the pipeline runs in an account of its own, so that no environment can change it"],
  ['unknown region', env({ region: 'eu-middle-9', availabilityZones: undefined }), "[dev] IsolatedEnvironment 'dev': region is 'eu-middle-9'; expected an AWS region such as eu-west-1"],
  ['app name with a space', env({ appName: 'my shop' }),
    "[dev] IsolatedEnvironment 'dev': appName is 'my shop'; expected lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 32 characters"],
  ['no CIDR and no VPC', env({ cidr: undefined }), "[dev] IsolatedEnvironment 'dev': cidr is missing; give the VPC's IPv4 range (for example 10.10.0.0/16), or bring a vpc"],
  ['CIDR that is not a range', env({ cidr: '10.0.0.0' }), "[dev] IsolatedEnvironment 'dev': cidr is '10.0.0.0'; expected an IPv4 CIDR block such as 10.0.0.0/16"],
  ['CIDR larger than a /16', env({ cidr: '10.0.0.0/8' }), "[dev] IsolatedEnvironment 'dev': cidr is 10.0.0.0/8; the largest VPC AWS allows is a /16"],
  ['CIDR too small for the subnets', env({ cidr: '10.0.0.0/26' }),
    "[dev] IsolatedEnvironment 'dev': cidr is 10.0.0.0/26, too small for 6 subnets (3 groups in 2 availability zones) of at least /28; use a /25 or larger"],
  ['fewer zones than the tier uses', env({ availabilityZones: ['eu-west-1a'] }, EnvironmentTier.PROD),
    "[prod] IsolatedEnvironment 'prod': availabilityZones has 1 zone(s) but the environment uses 3 (maxAzs); give at least 3"],
  ['zones of another region', env({ availabilityZones: ['us-east-1a', 'us-east-1b'] }), "[dev] IsolatedEnvironment 'dev': availabilityZones has us-east-1a, us-east-1b, not in region eu-west-1"],
  ['a reserved tag', env({ tags: { Tier: 'gold' } }), "[dev] IsolatedEnvironment 'dev': tags has 'Tier', which the library sets from the environment; remove it from tags"],
  ['more NAT gateways than zones', env({ natGateways: 4 }),
    "[dev] IsolatedEnvironment 'dev': natGateways is 4, more than maxAzs (2); a VPC has at most one NAT gateway per availability zone"],
  ['drift detection more often than hourly', env({ driftDetection: cdk.Duration.minutes(30) }, EnvironmentTier.PROD),
    "[prod] IsolatedEnvironment 'prod': driftDetection is 30 minutes; expected whole hours, at least Duration.hours(1) (drift detection reads every resource of every stack), or Duration.seconds(0) for none"],
  ['drift detection not in whole hours', custom({ driftDetection: cdk.Duration.minutes(150) }),
    "EnvironmentTier.custom 'perf': driftDetection is 2 hours 30 minutes; expected whole hours, at least Duration.hours(1) (drift detection reads every resource of every stack), or Duration.seconds(0) for none"],
  ['bootstrap clean-up grace period not in whole days', env({ bootstrapCleanup: { gracePeriod: cdk.Duration.hours(12) } }),
    "[dev] IsolatedEnvironment 'dev': bootstrapCleanup.gracePeriod is 12 hours; expected whole days, at least Duration.days(1) (cdk gc counts in days)"],
  ['a BootstrapCleanup\'s grace period not in whole days', (app: cdk.App) => {
    new BootstrapCleanup(new cdk.Stack(app, 'Tooling', { env: { account: '999999999999', region: 'eu-west-1' } }), 'Gc', { gracePeriod: cdk.Duration.hours(36) });
  }, "[Tooling/Gc] BootstrapCleanup 'Gc': gracePeriod is 1 day 12 hours; expected whole days, at least Duration.days(1) (cdk gc counts in days)"],
  ['bootstrap clean-up grace period without the clean-up', env({ bootstrapCleanup: { enabled: false, gracePeriod: cdk.Duration.days(40) } }),
    "[dev] IsolatedEnvironment 'dev': bootstrapCleanup.gracePeriod is given, but bootstrapCleanup.enabled is false; remove gracePeriod, or drop enabled: false"],
  ['bootstrap clean-up grace period shorter than the pipeline\'s longest run', (app: cdk.App) => {
    const dev = environment(app, EnvironmentTier.DEV, { bootstrapCleanup: { gracePeriod: cdk.Duration.days(3) } });
    const qa = environment(app, EnvironmentTier.QA, { cidr: '10.1.0.0/16' });
    const p = newPipeline(app, { tests: [TestKind.UNIT, TestKind.INTEGRATION, TestKind.PERFORMANCE, TestKind.SMOKE].map(kind => ({ kind, commands: ['./test'] })) });
    p.addEnvironment(dev);
    p.addEnvironment(qa);
  }, "[dev] IsolatedEnvironment 'dev': bootstrapCleanup.gracePeriod is 3 days, shorter than the longest run of pipeline 'Delivery' (7 days: 1 approval(s) that may each wait 7 days): "
    + 'an asset a run still deploys could be deleted; give at least Duration.days(7)'],
  ['time to live in production', env({ timeToLive: cdk.Expiration.atDate(new Date('2099-01-01T00:00:00Z')) }, EnvironmentTier.PROD),
    "[prod] IsolatedEnvironment 'prod': timeToLive is set, but tier prod is a production tier, which is never torn down on a timer"],
  ['time to live with termination protection', env({ timeToLive: cdk.Expiration.atDate(new Date('2099-01-01T00:00:00Z')), terminationProtection: true }),
    "[dev] IsolatedEnvironment 'dev': timeToLive is set, but the stacks have termination protection, which would stop the teardown; set terminationProtection to false"],
  ['time to live in the past', env({ timeToLive: cdk.Expiration.atDate(new Date('2001-01-01T00:00:00Z')) }),
    "[dev] IsolatedEnvironment 'dev': timeToLive is 2001-01-01T00:00:00.000Z, in the past; give a time to come, or delete the environment"],
  ['two environments with overlapping ranges', (app) => { environment(app, EnvironmentTier.DEV); environment(app, EnvironmentTier.QA, { cidr: '10.0.128.0/17' }); },
    "[qa] IsolatedEnvironment 'qa': cidr 10.0.128.0/17 overlaps environment 'dev' (10.0.0.0/16); give each environment its own range"],
  ['budget of zero', env({ budget: { monthlyLimitUsd: 0 } }), "[dev/Foundation/Budget] IsolatedEnvironment 'dev': budget.monthlyLimitUsd is 0; expected an amount of US dollars above zero"],
  ['budget email that is not one', env({ budget: { monthlyLimitUsd: 10, emails: ['ops'] } }), "[dev/Foundation/Budget] IsolatedEnvironment 'dev': budget.emails has 'ops'; expected an email address"],

  // OffHoursSchedule
  ['working hours inverted', schedule(() => OffHoursSchedule.weekdays({ start: '19:00', stop: '07:00' })),
    'OffHoursSchedule: stop is 07:00, not after start (19:00); working hours end later the same day than they begin'],
  ['a time that is not HH:MM', schedule(() => OffHoursSchedule.weekdays({ start: '7am', stop: '19:00' })),
    "OffHoursSchedule: start is '7am'; expected HH:MM in 24-hour time, for example 07:00"],
  ['an unknown time zone', schedule(() => OffHoursSchedule.weekdays({ start: '07:00', stop: '19:00', timeZone: 'Europe/Atlantis' })),
    "OffHoursSchedule: timeZone is 'Europe/Atlantis'; expected an IANA time zone such as Europe/Berlin or UTC"],
  ['an empty schedule', schedule(() => OffHoursSchedule.onDays([], { start: '07:00', stop: '19:00' })),
    'OffHoursSchedule: days is empty; give at least one working day, or do not schedule the environment'],
  ['a working day twice', schedule(() => OffHoursSchedule.onDays([WeekDay.MONDAY, WeekDay.MONDAY], { start: '07:00', stop: '19:00' })),
    'OffHoursSchedule: days lists MON more than once'],
  ['a day off that is not a date', schedule(() => OffHoursSchedule.weekdays({ start: '07:00', stop: '19:00', daysOff: ['24.12.2026'] })),
    "OffHoursSchedule: daysOff has '24.12.2026'; expected a date as YYYY-MM-DD"],

  // CostScheduler
  ['a scheduler in production', (app) => { new CostScheduler(environment(app, EnvironmentTier.PROD).foundation, 'OffHours', { schedule: OffHoursSchedule.weekdays({ start: '07:00', stop: '19:00' }) }); },
    "[prod/Foundation/OffHours] CostScheduler 'OffHours': allowProduction is not set, but environment 'prod' is a production tier, whose end users have no off-hours; set allowProduction to true to scale it down all the same"],
  ['a group scheduled with max below min', scheduler((s, stack) => s.addAutoScalingGroup(group(stack), { minCapacity: 3, maxCapacity: 2 })),
    "[dev/Foundation/OffHours] CostScheduler 'OffHours': maxCapacity is 2, less than minCapacity (3)"],
  ['a group scheduled with desired outside the bounds', scheduler((s, stack) => s.addAutoScalingGroup(group(stack), { minCapacity: 1, maxCapacity: 2, desiredCapacity: 5 })),
    "[dev/Foundation/OffHours] CostScheduler 'OffHours': desiredCapacity is 5; expected a whole number from minCapacity (1) to maxCapacity (2)"],
  ['a negative minimum', scheduler((s, stack) => s.addAutoScalingGroup(group(stack), { minCapacity: -1, maxCapacity: 2 })),
    "[dev/Foundation/OffHours] CostScheduler 'OffHours': minCapacity is -1; expected a whole number, 0 or more"],
  ['a tag key of AWS\'s', scheduler(s => s.addInstancesByTag('aws:schedule', 'x')),
    "[dev/Foundation/OffHours] CostScheduler 'OffHours': addInstancesByTag: key is 'aws:schedule'; expected a tag key of 1 to 128 characters, not starting with aws:"],
  ['the same database twice', scheduler((s, stack) => {
    const db = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', { instanceIdentifier: 'db', instanceEndpointAddress: 'x', port: 5432, securityGroups: [] });
    s.addDatabaseInstance(db);
    s.addDatabaseInstance(db);
  }), "[dev/Foundation/OffHours] CostScheduler 'OffHours': target rds-devFoundationDb366D9375 is already scheduled; add each target once"],

  // TierCapacity
  ['capacity with a minimum of zero', capacity(0, 4), 'TierCapacity.of: minCapacity is 0; expected a whole number, 1 or more'],
  ['capacity with max below min', capacity(4, 2), 'TierCapacity.of: maxCapacity is 2, less than minCapacity (4)'],
  ['capacity with a CPU target above 100%', capacity(1, 2, 150), 'TierCapacity.of: targetCpuUtilizationPercent is 150; expected a percentage above 0 and at most 100'],

  // PipelineSource
  ['a repository without an owner', source('shop', {}), "PipelineSource.connection: repository is 'shop'; expected 'owner/name'"],
  ['a connection ARN of something else', () => { PipelineSource.connection('acme/shop', { connectionArn: 'arn:aws:s3:::bucket' }); },
    "PipelineSource.connection: connectionArn is 'arn:aws:s3:::bucket'; expected the ARN of a CodeConnections connection, arn:aws:codeconnections:<region>:<account>:connection/<id>"],
  ['a main branch with a wildcard', source('acme/shop', { branch: 'release/*' }), "PipelineSource.connection: branch is 'release/*'; expected the name of one branch, with no wildcard"],

  // MultiEnvPipeline
  ['hotfix branches matching main', pipeline({ hotfixBranches: ['*'] }),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': hotfixBranches has '*', which matches the source branch 'main'; a push to it would start both lanes"],
  ['no hotfix branches', pipeline({ hotfixBranches: [] }), "[Tooling/Delivery] MultiEnvPipeline 'Delivery': hotfixBranches is empty; give at least one pattern, for example hotfix/*"],
  ['a test kind twice', pipeline({ tests: [{ kind: TestKind.SMOKE, commands: ['a'] }, { kind: TestKind.SMOKE, commands: ['b'] }] }),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': tests has two tests of kind SMOKE; give one test per kind, with all its commands"],
  ['a test with no commands', pipeline({ tests: [{ kind: TestKind.SMOKE, commands: [] }] }), "[Tooling/Delivery] MultiEnvPipeline 'Delivery': tests has a SMOKE test with no commands"],
  ['Prod without named approvers', placeProd({ bakeAlarmNames: ['errors'] }),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'prod': approvers is empty, but only named approvers may approve the gates of environment 'prod' (tier prod); set approvers in the options of addEnvironment or addWave: the IAM roles or users of the tooling account who may approve them"],
  ['Prod baking without alarms', placeProd({}, true),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'prod': bakeAlarmNames is empty, but environment 'prod' (tier prod) bakes for 30 minutes after deploy; name the alarms (in the environment's account and region) to watch, or set bakeTime to zero"],
  ['a bake time in seconds', placeProd({ bakeTime: cdk.Duration.seconds(90), bakeAlarmNames: ['errors'] }),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'prod': 2 problems:\n  - approvers is empty, but only named approvers may approve the gates of environment 'prod' (tier prod); set approvers in the options of addEnvironment or addWave: the IAM roles or users of the tooling account who may approve them\n  - bakeTime is 1 minute 30 seconds for environment 'prod' (tier prod); CodePipeline waits in whole minutes"],
  ['a deployment window in the five-field cron of crontab', placeProd({ bakeAlarmNames: ['errors'], deploymentWindow: DeploymentWindow.cron('0 9-15 * * 1-5', 'UTC') }, true),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'prod': deploymentWindow has cron expression '0 9-15 * * 1-5' with 5 fields; expected 6 or 7: seconds (always *), minutes, hours, day of month, "
    + "month, day of week and optionally year, such as '* * 9-15 ? * MON-FRI *'"],
  ['a deployment window with a character its field does not take', placeProd({ bakeAlarmNames: ['errors'], deploymentWindow: DeploymentWindow.cron('* * 9-15 MON * ?', 'UTC') }, true),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'prod': deploymentWindow has cron expression '* * 9-15 MON * ?', whose day-of-month field 'MON' is not valid there"],
  ['a deployment window in an unknown time zone', placeProd({ bakeAlarmNames: ['errors'], deploymentWindow: DeploymentWindow.weekdays(9, 16, 'Europe/Atlantis') }, true),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'prod': deploymentWindow has time zone 'Europe/Atlantis'; expected an IANA time zone such as 'Europe/Berlin', 'UTC', or an offset such as 'UTC+05:30'"],
  ['a deployment window that closes before it opens', productionCustom({ deploymentWindow: DeploymentWindow.weekdays(16, 9, 'Europe/Berlin') }),
    "EnvironmentTier.custom 'live': deploymentWindow is DeploymentWindow.weekdays(16, 9, ...), which is not a window; give whole hours from 0 to 24, the first earlier than the second (9, 16 is 09:00 to 16:00)"],
  ['Prod with its approval removed', placeProd({ approvalBeforeDeploy: ApprovalGate.NONE, bakeAlarmNames: ['errors'] }, true),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'prod': approvalBeforeDeploy is NONE; for a production tier (production is true) expected MANUAL_APPROVAL or CHANGE_REVIEW, so no change reaches end users unapproved"],
  ['a hotfix environment with no approval', (app) => {
    const patch = EnvironmentTier.custom({ name: 'patch', basedOn: EnvironmentTier.HOTFIX, approvalAfterDeploy: ApprovalGate.NONE, restrictedApprovers: false });
    newPipeline(app).addEnvironment(environment(app, patch));
  }, "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'patch': approvalAfterDeploy is NONE, and so is approvalBeforeDeploy, for hotfix environment 'patch' (tier patch); "
    + 'the hotfix lane runs the code of any branch pushed to it and goes on to production after this environment, so it needs an approval first: '
    + 'set approvalAfterDeploy to MANUAL_APPROVAL (with approvers)'],
  // Known only once every environment is added: checked when the app is synthesized, before any environment writes its assembly.
  ['a hotfix environment with no production environment to reach', (app) => {
    const p = newPipeline(app);
    p.addEnvironment(environment(app, EnvironmentTier.DEV));
    p.addEnvironment(environment(app, EnvironmentTier.QA, { cidr: '10.1.0.0/16' }));
    p.addEnvironment(environment(app, EnvironmentTier.HOTFIX, { cidr: '10.2.0.0/16' }), { approvers: approvers(p) });
  }, "[Tooling/Delivery] MultiEnvPipeline 'Delivery': hotfix environment 'hotfix' has no production environment to reach; add the production environment to the pipeline (addEnvironment or addWave)"],
  ['a CDK CLI version that is not pinned', pipeline({ cdkCliVersion: '2' }),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': cdkCliVersion is '2'; expected an exact version such as 2.1148.1, so that what runs in the pipeline changes only when you change it"],
  ['tests that run in one build asking for two build images', (app) => {
    newPipeline(app).addEnvironment(environment(app, EnvironmentTier.QA), {
      tests: [
        { kind: TestKind.INTEGRATION, commands: ['./it.sh'], buildImage: codebuild.LinuxBuildImage.AMAZON_LINUX_2_5 },
        { kind: TestKind.PERFORMANCE, commands: ['./perf.sh'], buildImage: codebuild.LinuxBuildImage.STANDARD_7_0 },
      ],
    });
  }, "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'qa': tests ask for build images aws/codebuild/amazonlinux2-x86_64-standard:5.0 and aws/codebuild/standard:7.0 "
    + "for IntegrationTests, PerformanceTests of environment 'qa' (tier qa), which run in one build per environment; give them the same buildImage, or none"],
  ['tests that run in one build giving a variable two values', (app) => {
    newPipeline(app).addEnvironment(environment(app, EnvironmentTier.QA), {
      tests: [
        { kind: TestKind.INTEGRATION, commands: ['./it.sh'], env: { TARGET: 'api' } },
        { kind: TestKind.PERFORMANCE, commands: ['./perf.sh'], env: { TARGET: 'web' } },
      ],
    });
  }, "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'qa': tests set variable TARGET to both 'api' and 'web' for IntegrationTests, PerformanceTests of environment 'qa' (tier qa), "
    + 'which run in one build per environment; give each variable one value'],
  ['Dev after Prod', (app) => {
    const prod = environment(app, EnvironmentTier.PROD);
    const dev = environment(app, EnvironmentTier.DEV, { cidr: '10.1.0.0/16' });
    const p = newPipeline(app);
    p.addEnvironment(prod, { approvers: approvers(p), bakeAlarmNames: ['errors'] });
    p.addEnvironment(dev);
  }, "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addEnvironment 'dev': environment 'dev' (tier dev) deploys on every commit, so it comes first; add it before 'prod'"],

  // Waves
  ['an empty wave', wave(p => p.addWave('QA', [])), "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'QA': environments is empty; give the environments of the wave, at least one"],
  ['a wave mixing tiers', wave((p, app) => p.addWave('QA', [...inRegions(app, EnvironmentTier.QA, ['eu-west-1'], 1), ...inRegions(app, EnvironmentTier.STAGING, ['us-east-1'], 2)])),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'QA': environments mixes tiers ('qa-1' is qa, 'staging-1' is staging); a wave promotes environments of one tier: put each tier in a wave of its own"],
  ['two environments of a wave in one account and region', wave((p, app) => p.addWave('QA', inRegions(app, EnvironmentTier.QA, ['eu-west-1', 'eu-west-1'], 1))),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'QA': environments has 'qa-1' and 'qa-2' both in account 222222222222, region eu-west-1; "
    + 'the environments of a wave are deployed side by side, so each needs an account or region of its own'],
  ['a wave breaking promotion', wave((p, app) => {
    p.addWave('QA', inRegions(app, EnvironmentTier.QA, ['eu-west-1', 'us-east-1'], 1));
    p.addWave('Dev2', inRegions(app, EnvironmentTier.DEV, ['us-east-1', 'eu-central-1'], 3));
  }), "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'Dev2': environments of wave 'Dev2' (tier dev) deploy on every commit, so they come first; add them before 'qa-1'"],
  ['a wave of Demo before Prod', wave((p, app) => p.addWave('Demo', inRegions(app, EnvironmentTier.DEMO, ['eu-west-1', 'us-east-1'], 1))),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'Demo': environments of wave 'Demo' (tier demo) follow production, but no production environment is in the pipeline yet; add the production environment first"],
  ['a pilot outside its wave', wave((p, app) => {
    const [a, b, c] = inRegions(app, EnvironmentTier.QA, ['eu-west-1', 'us-east-1', 'eu-central-1'], 1);
    p.addWave('QA', [a, b], { pilot: [c] });
  }), "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'QA': pilot has 'qa-3', which is not one of the wave's environments; a pilot is deployed first among them: add it to environments too"],
  ['a pilot of the whole wave', wave((p, app) => {
    const envs = inRegions(app, EnvironmentTier.QA, ['eu-west-1', 'us-east-1'], 1);
    p.addWave('QA', envs, { pilot: envs });
  }), "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'QA': pilot has every environment of the wave, so nothing would follow the pilot; leave at least one environment out of it, or leave pilot out"],
  ['a wave name CodePipeline rejects', wave((p, app) => p.addWave('QA wave', inRegions(app, EnvironmentTier.QA, ['eu-west-1', 'us-east-1'], 1))),
    "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'QA wave': name 'QA wave' is not a pipeline stage name; use 1 to 91 letters, digits and . @ - _"],
  ['two waves of one name', wave((p, app) => {
    p.addWave('QA', inRegions(app, EnvironmentTier.QA, ['eu-west-1', 'us-east-1'], 1));
    p.addWave('QA', inRegions(app, EnvironmentTier.STAGING, ['eu-west-1', 'us-east-1'], 3));
  }), "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'QA': name 'QA' is already the name of a wave of this pipeline; give each wave a name of its own"],
  ['a wave whose test reads one environment\'s outputs', wave((p, app) => {
    const envs = inRegions(app, EnvironmentTier.QA, ['eu-west-1', 'us-east-1'], 1);
    const url = new cdk.CfnOutput(envs[0].foundation, 'Url', { value: 'https://qa.example.com' });
    p.addWave('QA', envs, { tests: [{ kind: TestKind.INTEGRATION, commands: ['./it.sh'], envFromOutputs: { URL: url } }] });
  }), "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'QA': tests has the INTEGRATION test with envFromOutputs, which names outputs of one environment's stacks, but wave 'QA' (tier qa) has 2 environments; "
    + "read each environment's outputs in the test from ENVIRONMENT_NAME and TARGET_REGION, or add the environments one by one"],
  ['a production wave without named approvers', wave((p, app) => {
    p.addWave('Prod', inRegions(app, EnvironmentTier.PROD, ['eu-west-1', 'us-east-1'], 1), { bakeAlarmNames: ['errors'] });
  }), "[Tooling/Delivery] MultiEnvPipeline 'Delivery': addWave 'Prod': approvers is empty, but only named approvers may approve the gates of wave 'Prod' (tier prod); set approvers in the options of addEnvironment or addWave: the IAM roles or users of the tooling account who may approve them"],

  // Feature environments
  ['feature branches matching main', feature({ branches: ['m*'] }),
    "[Tooling/Delivery/FeatureLane] FeatureLane 'FeatureLane': branches has 'm*', which matches the main branch 'main'; feature branches must be other branches"],
  ['feature branches matching hotfix branches', feature({ branches: ['hotfix/**'] }),
    "[Tooling/Delivery/FeatureLane] FeatureLane 'FeatureLane': branches has 'hotfix/**', which matches branches of the hotfix lane ('hotfix/*'); a push would start both lanes"],
  ['a feature time to live of zero', feature({ timeToLive: cdk.Duration.hours(0) }), "[Tooling/Delivery/FeatureLane] FeatureLane 'FeatureLane': timeToLive is 0 hours; expected whole hours, at least 1 hour"],
  ['no feature environment allowed', feature({ maxEnvironments: 0 }), "[Tooling/Delivery/FeatureLane] FeatureLane 'FeatureLane': maxEnvironments is 0; expected a whole number, 1 or more"],

  // SafetyChecks
  ['a trusted account that is not 12 digits', () => { new SafetyChecks({ trustedAccounts: ['1234-5678-9012'] }); },
    "SafetyChecks: trustedAccounts has '1234-5678-9012'; expected an AWS account id of 12 digits"],
  ['two trusted accounts that are not account ids', () => { new SafetyChecks({ trustedAccounts: ['123456789012', 'arn:aws:iam::123456789012:root', ''] }); },
    "SafetyChecks: 2 problems:\n  - trustedAccounts has 'arn:aws:iam::123456789012:root'; expected an AWS account id of 12 digits\n  - trustedAccounts has ''; expected an AWS account id of 12 digits"],
];

describe('every invalid input is rejected with its message, and no template is written', () => {
  test('the table covers at least fifty cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  test.each(CASES)('%s', (_, build, message) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
    try {
      const app = new cdk.App({ outdir });
      let error: Error | undefined;
      try {
        build(app);
        app.synth();
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).toBe(message);
      expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
      expect(fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => f.endsWith('.template.json'))).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
