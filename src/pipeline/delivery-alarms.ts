import { Duration } from 'aws-cdk-lib';

/**
 * Alarms on production's delivery metrics, over the last 7 days, to the pipeline's notification
 * topic. Each is off unless given.
 */
export interface DeliveryAlarmOptions {
  /**
   * Alarm when more than this percent of production's deployments of the last 7 days failed: a
   * production stage failed after their deploy (the bake, the tests after it), someone rolled them
   * back, or the hotfix lane had to follow them.
   *
   * @default - no alarm
   */
  readonly changeFailureRatePercent?: number;

  /**
   * Alarm when the median lead time to production over the last 7 days (from a run's start to its
   * production deploy, approvals' waits included) is longer than this.
   *
   * @default - no alarm
   */
  readonly productionLeadTime?: Duration;
}
