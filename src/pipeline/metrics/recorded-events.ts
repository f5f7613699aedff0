// The events the delivery metrics are computed from, as the tooling account's log group holds them
// (an EventBridge rule writes each event whole): only the fields four-keys.ts reads, each named as
// the page that documents it names it.

/**
 * EventBridge's envelope around every event, the fields read
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html).
 */
interface EventEnvelope<DetailType extends string, Detail> {
  readonly 'detail-type': DetailType;
  /** When the event happened, in ISO 8601 UTC (`2017-09-01T16:14:28Z`). */
  readonly 'time': string;
  readonly 'detail': Detail;
}

/**
 * The states CodePipeline reports for a pipeline execution, a stage or an action, all three together
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html).
 */
export type ExecutionState = 'STARTED' | 'SUCCEEDED' | 'RESUMED' | 'FAILED' | 'CANCELED' | 'SUPERSEDED' | 'STOPPING' | 'STOPPED' | 'ABANDONED';

/**
 * A pipeline execution started or ended: `pipeline`, `execution-id` and `state` of the page's
 * "CodePipeline Pipeline Execution State Change" sample
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html).
 */
export type PipelineExecutionStateChange = EventEnvelope<'CodePipeline Pipeline Execution State Change', {
  readonly 'pipeline': string;
  readonly 'execution-id': string;
  readonly 'state': ExecutionState;
  /**
   * What started the execution: `trigger-type` and `trigger-detail`, as AWS's EventBridge schema
   * registry has the event (`aws.codepipeline@CodePipelinePipelineExecutionStateChange`), with
   * CodePipeline's trigger types, `AutomatedRollback` and `ManualRollback` among them
   * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ExecutionTrigger.html).
   */
  readonly 'execution-trigger'?: { readonly 'trigger-type': string; readonly 'trigger-detail': string };
}>;

/**
 * A stage of an execution started or ended: `pipeline`, `execution-id`, `stage` and `state` of the
 * page's "CodePipeline Stage Execution State Change" sample
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html).
 */
export type StageExecutionStateChange = EventEnvelope<'CodePipeline Stage Execution State Change', {
  readonly 'pipeline': string;
  readonly 'execution-id': string;
  readonly 'stage': string;
  readonly 'state': ExecutionState;
}>;

/**
 * An action of a stage started or ended: `pipeline`, `execution-id`, `stage`, `action`, `state` and
 * `type.category` (`Approval` for a manual approval) of the page's "CodePipeline Action Execution
 * State Change" sample
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html).
 */
export type ActionExecutionStateChange = EventEnvelope<'CodePipeline Action Execution State Change', {
  readonly 'pipeline': string;
  readonly 'execution-id': string;
  readonly 'stage': string;
  readonly 'action': string;
  readonly 'state': ExecutionState;
  readonly 'type': { readonly category: string };
}>;

/**
 * A CodeBuild build changed state: `build-status` (`IN_PROGRESS`, then how it ended), `build-id`,
 * and in `additional-information` the `environment`'s `compute-type` and the `build-start-time`, in
 * the sample's form `Sep 1, 2017 4:12:29 PM`, of the "CodeBuild Build State Change" sample
 * (https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html, the
 * input format reference of https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications.html).
 */
export type BuildStateChange = EventEnvelope<'CodeBuild Build State Change', {
  readonly 'build-status': string;
  readonly 'build-id': string;
  readonly 'additional-information': {
    readonly 'environment': { readonly 'compute-type': string };
    readonly 'build-start-time': string;
  };
}>;

/** Any event the rule writes to the log group. */
export type DeliveryEvent = PipelineExecutionStateChange | StageExecutionStateChange | ActionExecutionStateChange | BuildStateChange;
