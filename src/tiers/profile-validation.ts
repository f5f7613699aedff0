import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLevel, ApprovalGate, BackupLevel, DeploymentMode, TestKind, TierProfile } from './tier-profile';
import { checkName } from '../private/names';
import { ValidationErrors } from '../private/validation-errors';

/** The most availability zones any AWS region has. */
const MAX_AZS = 6;

/** A tier's name is used in tags, resource names and paths; it may not take a built-in tier's name. */
export function validateTierName(name: string, reserved: string[], errors: ValidationErrors): void {
  checkName(errors, 'name', name);
  if (reserved.includes(name)) {
    errors.add('name', `is '${name}', the name of a built-in tier; use EnvironmentTier.${name.toUpperCase()} or choose another name`);
  }
}

/**
 * Checks that a profile does not contradict itself. Every field at fault is reported, with its
 * value and what would be consistent.
 */
export function validateTierProfile(p: TierProfile, errors: ValidationErrors): void {
  validateCounts(p, errors);
  validateTests(p, errors);
  if (p.approvalAfterDeploy === ApprovalGate.CHANGE_REVIEW) {
    errors.add('approvalAfterDeploy', 'is CHANGE_REVIEW, but a change review shows the change before it is made; use MANUAL_APPROVAL after deploy, or CHANGE_REVIEW in approvalBeforeDeploy');
  }
  if (p.restrictedApprovers && p.approvalBeforeDeploy === ApprovalGate.NONE && p.approvalAfterDeploy === ApprovalGate.NONE) {
    errors.add('restrictedApprovers', 'is true, but the tier has no approval gate to restrict; set approvalBeforeDeploy or approvalAfterDeploy, or set restrictedApprovers to false');
  }
  for (const problem of p.deploymentWindow?._problems() ?? []) errors.add('deploymentWindow', problem);
  validateDriftDetection(p.driftDetection, errors);
  if (p.production) validateProduction(p, errors);
}

function validateCounts(p: TierProfile, errors: ValidationErrors): void {
  if (!Number.isInteger(p.maxAzs) || p.maxAzs < 1 || p.maxAzs > MAX_AZS) {
    errors.add('maxAzs', `is ${p.maxAzs}; expected a whole number from 1 to ${MAX_AZS}`);
  }
  if (!Number.isInteger(p.natGateways) || p.natGateways < 0) {
    errors.add('natGateways', `is ${p.natGateways}; expected a whole number, 0 or more`);
  } else if (p.natGateways > p.maxAzs) {
    errors.add('natGateways', `is ${p.natGateways}, more than maxAzs (${p.maxAzs}); a VPC has at most one NAT gateway per availability zone`);
  }
}

/**
 * Drift detection reads every resource of every stack (and CloudFormation throttles it per
 * account): at most once an hour, on a schedule of whole hours.
 */
function validateDriftDetection(interval: Duration, errors: ValidationErrors): void {
  const minutes = interval.toMinutes({ integral: false });
  if (minutes === 0) return;
  if (minutes < 60 || !Number.isInteger(minutes / 60)) {
    errors.add('driftDetection', `is ${interval.toHumanString()}; expected whole hours, at least Duration.hours(1) (drift detection reads every resource of every stack), `
      + 'or Duration.seconds(0) for none');
  }
}

function validateTests(p: TierProfile, errors: ValidationErrors): void {
  for (const [field, kinds] of [['testsBeforeDeploy', p.testsBeforeDeploy], ['testsAfterDeploy', p.testsAfterDeploy]] as const) {
    const repeated = kinds.filter((k, i) => kinds.indexOf(k) !== i);
    if (repeated.length > 0) {
      errors.add(field, `lists ${[...new Set(repeated)].join(', ')} more than once; list each kind of test once`);
    }
  }
  if (p.testsAfterDeploy.includes(TestKind.UNIT)) {
    errors.add('testsAfterDeploy', 'contains UNIT, but unit tests need no environment and run in the synth step; move UNIT to testsBeforeDeploy');
  }
}

/** A production tier serves end users: everything about it must be safe by default. */
function validateProduction(p: TierProfile, errors: ValidationErrors): void {
  const because = 'for a production tier (production is true)';
  if (p.approvalBeforeDeploy === ApprovalGate.NONE) {
    errors.add('approvalBeforeDeploy', `is NONE; ${because} expected MANUAL_APPROVAL or CHANGE_REVIEW, so no change reaches end users unapproved`);
  }
  if (p.deployment !== DeploymentMode.AFTER_PREVIOUS) {
    errors.add('deployment', `is ${p.deployment}; ${because} expected AFTER_PREVIOUS, so every change is promoted through the tiers before it`);
  }
  if (p.removalPolicy !== RemovalPolicy.RETAIN) {
    errors.add('removalPolicy', `is ${p.removalPolicy}; ${because} expected RETAIN, so end users' data outlives its stack`);
  }
  if (!p.terminationProtection) {
    errors.add('terminationProtection', `is false; ${because} expected true`);
  }
  if (p.scaleDownOffHours) {
    errors.add('scaleDownOffHours', `is true; ${because} expected false: end users have no off-hours`);
  }
  if (p.backup === BackupLevel.NONE) {
    errors.add('backup', `is NONE; ${because} expected SHORT or FULL`);
  }
  if (p.expressDeployments) {
    errors.add('expressDeployments', `is true; ${because} expected false: AWS advises CloudFormation's standard mode for production, where a deploy ends with every resource ready`);
  }
  if (p.access === AccessLevel.READ_WRITE) {
    errors.add('access', `is READ_WRITE; ${because} expected READ_ONLY or STRICT: people do not change production by hand`);
  }
}
