import { CfnResource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { acknowledge, suppressGuardRules } from './acknowledge';

/**
 * Records why an alarm has no action, where each checker asking for one reads it: cdk-nag's
 * CloudWatchAlarmAction (NIST 800-53 rev 5, HIPAA Security) and Control Tower's
 * cloudwatch_alarm_action_check (CloudFormation Guard, in the alarm's template).
 */
export function acceptAlarmWithoutAction(alarm: cloudwatch.IAlarm, reason: string): void {
  acknowledge(alarm, reason, 'NIST.800.53.R5-CloudWatchAlarmAction', 'HIPAA.Security-CloudWatchAlarmAction');
  const resource = alarm.node.defaultChild;
  if (resource instanceof CfnResource) suppressGuardRules(resource, reason, 'cloudwatch_alarm_action_check');
}
