import { Duration } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SlackChannelOptions } from './slack-channel';
import { acceptAlarmWithoutAction } from '../private/alarm-without-action';
import { onlyAwsServicesCreateGrants } from '../private/key-policies';

export interface PipelineNotificationsProps {
  readonly topic?: sns.ITopic;
  readonly slack?: SlackChannelOptions;
}

/**
 * The pipeline tells one topic when a run fails, when an approval waits, and when production has
 * been deployed, through EventBridge rules on CodePipeline's own events (no Lambda function). A
 * CloudWatch alarm counts failed runs, for dashboards and paging.
 */
export class PipelineNotifications extends Construct {
  public readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: PipelineNotificationsProps) {
    super(scope, id);
    this.topic = props.topic ?? new sns.Topic(this, 'Topic', { enforceSSL: true, masterKey: this.topicKey() });
    if (props.slack) {
      new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: `${this.node.addr.slice(0, 8)}-pipeline`,
        slackWorkspaceId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        notificationTopics: [this.topic],
      });
    }
  }

  /** A key of its own for the topic; the EventBridge targets let EventBridge use it (aws-events-targets' SnsTopic does). */
  private topicKey(): kms.IKey {
    const key = new kms.Key(this, 'TopicKey', { description: 'Encrypts the pipeline notifications', enableKeyRotation: true });
    key.addToResourcePolicy(onlyAwsServicesCreateGrants());
    return key;
  }

  /** Adds the rules for these pipelines, once their stages are known. */
  public watch(pipelines: codepipeline.IPipeline[], productionStages: string[]): void {
    const names = pipelines.map(p => p.pipelineName);
    const target = new targets.SnsTopic(this.topic);
    const failed = new events.Rule(this, 'RunFailed', {
      description: 'A pipeline run failed',
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        detail: { pipeline: names, state: ['FAILED'] },
      },
      targets: [target],
    });
    new events.Rule(this, 'ApprovalWaiting', {
      description: 'A pipeline approval is waiting',
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Action Execution State Change'],
        detail: { pipeline: names, state: ['STARTED'], type: { category: ['Approval'] } },
      },
      targets: [target],
    });
    if (productionStages.length > 0) {
      new events.Rule(this, 'ProductionDeployed', {
        description: 'Production has been deployed',
        eventPattern: {
          source: ['aws.codepipeline'],
          detailType: ['CodePipeline Stage Execution State Change'],
          detail: { pipeline: names, stage: productionStages, state: ['SUCCEEDED'] },
        },
        targets: [target],
      });
    }
    const runFailed = new cloudwatch.Alarm(this, 'RunFailedAlarm', {
      alarmDescription: 'A pipeline run failed in the last five minutes',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: failed.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    acceptAlarmWithoutAction(runFailed,
      `The EventBridge rule ${failed.node.id} notifies the pipeline's topic with the failed run itself; this alarm only counts failures for dashboards, so no one is told twice`);
  }
}
