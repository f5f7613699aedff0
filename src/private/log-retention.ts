import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { suppressGuardRules } from './acknowledge';

/** Control Tower's proactive control CT.CLOUDWATCH.PR.2 asks log groups to keep their logs a year. */
const A_YEAR = 365;

/**
 * Records, on a log group the library creates with its tier's retention, that a retention of less
 * than a year is the tier's choice: Dev keeps logs a week, production a year (the tier profile's
 * `logRetention`, which the user overrides).
 */
export function acceptTierLogRetention(logGroup: logs.LogGroup, retention: logs.RetentionDays): void {
  if (Token.isUnresolved(retention) || retention === logs.RetentionDays.INFINITE || retention >= A_YEAR) return;
  suppressGuardRules(logGroup.node.defaultChild as logs.CfnLogGroup,
    `Kept ${retention} days, the retention of its environment's tier (the tier profile's logRetention): a year in production, `
    + 'less where a tier\'s logs are worth less than their cost; set the tier\'s logRetention (or the baseline\'s auditLogRetention) to keep them longer',
    'cloudwatch_log_group_retention_period_check');
}
