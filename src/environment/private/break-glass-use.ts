import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BREAK_GLASS_SUFFIX } from '../access';

/** The namespace of the metric the break-glass filter counts into. */
export const BREAK_GLASS_NAMESPACE = 'CdkMultiEnv/BreakGlass';

/**
 * Every use of the app's break-glass roles of an account, from any region and through any STS
 * endpoint, raises an alarm. The environment's EventBridge rule hears an `AssumeRole` only in its
 * own region (CloudTrail delivers the event to EventBridge in the region of the STS endpoint that
 * served it; the global endpoint's land in us-east-1). A multi-region trail delivers every
 * region's events to its one log group, so a metric filter there counts an `AssumeRole` of any
 * break-glass role of the app in the account (`requestParameters.roleArn`), and any call made
 * with one of its sessions (`userIdentity.sessionContext.sessionIssuer.arn`: a console role
 * switch, say). The roles are told by their names, `<app>-<environment>-break-glass`, so that
 * one filter also covers the environments in other regions of the account. JSON filter patterns
 * with a leading or trailing `*` in a string value, as the CIS benchmark's own use them
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html), built
 * with aws-cdk-lib's `FilterPattern`.
 */
export function watchBreakGlassUse(scope: Construct, trailLogs: logs.ILogGroup, appName: string, alarmTopic: sns.ITopic): cloudwatch.Alarm {
  const stack = Stack.of(scope);
  const prefix = `arn:${stack.partition}:iam::${stack.account}:role/${appName}-*`;
  const suffix = `*${BREAK_GLASS_SUFFIX}`;
  const oneOfTheRoles = (field: string) => [logs.FilterPattern.stringValue(field, '=', prefix), logs.FilterPattern.stringValue(field, '=', suffix)];
  const filter = new logs.MetricFilter(scope, 'BreakGlassUse', {
    logGroup: trailLogs,
    filterPattern: logs.FilterPattern.any(
      logs.FilterPattern.all(logs.FilterPattern.stringValue('$.eventName', '=', 'AssumeRole'), ...oneOfTheRoles('$.requestParameters.roleArn')),
      logs.FilterPattern.all(...oneOfTheRoles('$.userIdentity.sessionContext.sessionIssuer.arn')),
    ),
    metricNamespace: BREAK_GLASS_NAMESPACE,
    metricName: appName,
    metricValue: '1',
  });
  const alarm = filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }).createAlarm(scope, 'BreakGlassUseAlarm', {
    alarmDescription: `${appName}: a break-glass role of the account was assumed or used, in any region`,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new actions.SnsAction(alarmTopic));
  return alarm;
}
