import { Duration } from 'aws-cdk-lib';
import { EnvironmentPlan } from './environment-steps';
import { ValidationErrors } from '../private/validation-errors';
import { ApprovalGate } from '../tiers';

/** CodePipeline fails a manual approval that nobody answered after seven days. */
const APPROVAL_TIMEOUT = Duration.days(7);

/** The longest a pipeline run can last, and what makes it so. */
export interface LongestRun {
  readonly duration: Duration;
  /** In words, for an error message: `3 approvals that may each wait 7 days and 30 minutes of bake`. */
  readonly why: string;
}

/**
 * The longest a run of a lane can last: every approval waiting until CodePipeline fails it, every
 * bake period, and every deployment window a week away. The deploys and tests themselves take
 * hours at most, which the bound leaves out.
 */
export function longestRunOf(waves: EnvironmentPlan[][][]): LongestRun {
  const plans = waves.map(groups => groups[0][0]);
  const approvals = plans.flatMap(p => [p.approvalBeforeDeploy, p.approvalAfterDeploy]).filter(g => g !== ApprovalGate.NONE).length;
  const windows = plans.filter(p => p.deploymentWindow).length;
  const bakeMinutes = waves.flatMap(groups => groups.map(group => group[0].bakeTime.toMinutes())).reduce((a, b) => a + b, 0);
  const minutes = (approvals + windows) * APPROVAL_TIMEOUT.toMinutes() + bakeMinutes;
  const parts = [
    `${approvals} approval(s) that may each wait ${APPROVAL_TIMEOUT.toHumanString()}`,
    ...windows > 0 ? [`${windows} deployment window(s) up to a week away`] : [],
    ...bakeMinutes > 0 ? [`${bakeMinutes} minutes of bake`] : [],
  ];
  return { duration: Duration.minutes(minutes), why: parts.join(', ') };
}

/**
 * A bootstrap clean-up must keep an unreferenced asset for longer than a run can last: a run
 * deploys templates (or CodePipeline rolls a stage back to templates) whose assets were published
 * when an earlier stage of it, or the last successful run, deployed them.
 */
export function checkBootstrapCleanup(plans: EnvironmentPlan[], run: LongestRun, pipeline: string): void {
  for (const env of plans.map(p => p.environment)) {
    const cleanup = env.bootstrapCleanup;
    if (!cleanup || cleanup.gracePeriod.toMinutes({ integral: false }) >= run.duration.toMinutes()) continue;
    const errors = new ValidationErrors(`IsolatedEnvironment '${env.environmentName}'`, env);
    errors.add('bootstrapCleanup.gracePeriod', `is ${cleanup.gracePeriod.toHumanString()}, shorter than the longest run of pipeline '${pipeline}' `
      + `(${run.duration.toHumanString()}: ${run.why}): an asset a run still deploys could be deleted; give at least Duration.days(${Math.ceil(run.duration.toHours({ integral: false }) / 24)})`);
    errors.throwIfAny();
  }
}
