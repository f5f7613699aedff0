// The names the delivery metrics are published under: the function that publishes them
// (metrics-handler.ts) and the dashboard and alarms that read them share these. The namespace is the
// wiring's to choose (one per app, so that two apps of a tooling account do not mix their metrics):
// it gives the function the same one it reads.

/** Each metric's name; CloudWatch has no unit for hours, days or dollars, so the name carries it. */
export const DELIVERY_METRIC = {
  /** A tier's successful deploys per day of the window. */
  DEPLOYMENT_FREQUENCY: 'DeploymentsPerDay',
  /** A tier's median hours from an execution's start to its deploy of the tier. */
  LEAD_TIME: 'LeadTimeHours',
  /** Production's failed deployments, in percent of its deployments (unit Percent). */
  CHANGE_FAILURE_RATE: 'ChangeFailureRate',
  /** Production's median hours from a failure to the next successful production deploy. */
  TIME_TO_RESTORE: 'TimeToRestoreHours',
  /** USD of billed CodeBuild minutes and CodePipeline action minutes per pipeline execution started: per window, not per tier. */
  COST_PER_COMMIT: 'CostPerCommitUsd',
} as const;

/** The dimensions: the tier (all metrics but the cost per commit), and the window's length in days. */
export const DELIVERY_DIMENSION = {
  TIER: 'Tier',
  WINDOW: 'WindowDays',
} as const;

/** The windows each metric is computed over, in days (the `WindowDays` dimension's values). */
export const DELIVERY_WINDOWS_DAYS = [7, 30];

/** What each metric is computed from, in the delivery record's events: for a person reading (the reference app's summary). */
export const DELIVERY_METRIC_SOURCES: Record<string, string> = {
  [DELIVERY_METRIC.DEPLOYMENT_FREQUENCY]: 'stage SUCCEEDED events of the tier\'s stages, one deploy per run (rollbacks\' runs left out)',
  [DELIVERY_METRIC.LEAD_TIME]: 'pipeline STARTED of the run to its last SUCCEEDED stage of the tier (median)',
  [DELIVERY_METRIC.CHANGE_FAILURE_RATE]: 'production stages FAILED after a deploy job SUCCEEDED in the run, ManualRollback runs, hotfix-lane production deploys',
  [DELIVERY_METRIC.TIME_TO_RESTORE]: 'a production failure to the next run with every production stage SUCCEEDED, a rollback\'s included (median)',
  [DELIVERY_METRIC.COST_PER_COMMIT]: 'CodeBuild Build State Change events (build-start-time to time, compute-type) and action STARTED to its end '
    + '(approvals and custom actions left out), per pipeline STARTED',
};
