import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The lanes whose runs are recorded, and their builds' projects. */
export interface DeliveryEventsProps {
  /** The pipelines of the lanes that deliver to the tiers (the main pipeline and the hotfix lane). */
  readonly pipelines: codepipeline.IPipeline[];
  /** The prefix of the names of the lanes' job projects (`jobProjectPrefix`). */
  readonly projectPrefix: string;
  /** The names of the lanes' other projects (CDK Pipelines' synth and self-update). */
  readonly otherProjects: string[];
  /** The key the log group is encrypted with (the pipeline's build logs'). */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The record of how the pipelines deliver: every state change CodePipeline emits for the lanes'
 * pipeline runs, stages and actions (started, succeeded, failed, superseded, a rollback's
 * trigger...), and CodeBuild's for their builds (each build's compute type and start time), in one
 * log group of the tooling account, kept a year like the build logs. Nothing is computed here:
 * the record is what lead time, deployment frequency, failures and cost per commit are measured
 * from, and it can be read with CloudWatch Logs Insights as it is.
 *
 * The events and their fields are EventBridge's "CodePipeline Pipeline/Stage/Action Execution State
 * Change" and "CodeBuild Build State Change"
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html,
 * https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications.html).
 */
export class DeliveryEvents extends Construct {
  /** The CodePipeline event types recorded, as EventBridge's `detail-type` names them. */
  public static readonly PIPELINE_EVENTS = [
    'CodePipeline Pipeline Execution State Change',
    'CodePipeline Stage Execution State Change',
    'CodePipeline Action Execution State Change',
  ];

  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DeliveryEventsProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Log', {
      encryptionKey: props.encryptionKey,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // EventBridge writes into a log group that lets it (its resource policy), with the statement
    // aws-cdk-lib's `CloudWatchLogGroup` target writes (aws-events-targets/lib/log-group.ts). Written
    // by hand because that target writes the policy through a custom resource (a Lambda function
    // that may put any resource policy), where CloudFormation's AWS::Logs::ResourcePolicy does it.
    new logs.ResourcePolicy(this, 'EventBridgeWrites', {
      policyStatements: [new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      })],
    });
    const target = this.target();
    new events.Rule(this, 'PipelineRuns', {
      description: 'Records every state change of the pipelines\' runs, stages and actions',
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: DeliveryEvents.PIPELINE_EVENTS,
        detail: { pipeline: props.pipelines.map(p => p.pipelineName) },
      },
      targets: [target],
    });
    new events.Rule(this, 'Builds', {
      description: 'Records every state change of the pipelines\' builds',
      eventPattern: {
        source: ['aws.codebuild'],
        detailType: ['CodeBuild Build State Change'],
        detail: { 'project-name': [{ prefix: props.projectPrefix }, ...props.otherProjects] as any[] },
      },
      targets: [target],
    });
  }

  /** The log group as an EventBridge target: its ARN without the `:*` of `logGroupArn`, as EventBridge takes it. */
  private target(): events.IRuleTarget {
    const arn = Stack.of(this).formatArn({
      service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return { bind: () => ({ arn }) };
  }
}
