import * as events from 'aws-cdk-lib/aws-events';
import { AlarmSeverity } from '../../tiers/tier-profile';

/** How an alarm of each severity evaluates, and the thresholds that differ by severity. */
interface SeveritySettings {
  /** Alarm when `datapointsToAlarm` of the last `evaluationPeriods` periods breach. */
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Errors of a Lambda function in five minutes. */
  readonly lambdaErrors: number;
  /** Packets the environment's NAT gateways drop in five minutes. */
  readonly natDroppedPackets: number;
}

/**
 * What each alarm severity means for an alarm: the one place that holds it. The tier profile picks
 * the severity. PAGE alarms at the first bad data point, so someone acts now; NOTIFY and
 * RECORD_ONLY wait for two of three, so a blip does not ask for anyone's attention.
 */
export const ALARM_SETTINGS: Record<AlarmSeverity, SeveritySettings> = {
  [AlarmSeverity.PAGE]: { evaluationPeriods: 1, datapointsToAlarm: 1, lambdaErrors: 1, natDroppedPackets: 100 },
  [AlarmSeverity.NOTIFY]: { evaluationPeriods: 3, datapointsToAlarm: 2, lambdaErrors: 5, natDroppedPackets: 1000 },
  [AlarmSeverity.RECORD_ONLY]: { evaluationPeriods: 3, datapointsToAlarm: 2, lambdaErrors: 5, natDroppedPackets: 1000 },
};

/** The EventBridge patterns of the events that need a person. */
export const EVENT_PATTERNS = {
  /** A backup, copy or restore job (a restore test's included) that did not complete. */
  backupJobFailed: {
    source: ['aws.backup'],
    detailType: ['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change'],
    detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
  } as events.EventPattern,
  /** GuardDuty's high severity band is 7.0 to 8.9, critical 9.0 and more. */
  guardDutyHighSeverity: {
    source: ['aws.guardduty'],
    detailType: ['GuardDuty Finding'],
    detail: { severity: events.Match.greaterThanOrEqual(7) },
  } as events.EventPattern,
  /** New, active critical findings only: an update of a finding already known does not notify again. */
  securityHubCritical: {
    source: ['aws.securityhub'],
    detailType: ['Security Hub Findings - Imported'],
    detail: {
      findings: {
        Severity: { Label: ['CRITICAL'] },
        Workflow: { Status: ['NEW'] },
        RecordState: ['ACTIVE'],
      },
    },
  } as events.EventPattern,
};
