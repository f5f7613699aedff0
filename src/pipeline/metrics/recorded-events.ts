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
 * An action of a stage started or ended: `pipeline`, `execution-id`, `stage`, `action`, `state`,
 * `type.category` (`Approval` for a manual approval) and `type.owner` (`Custom` for a custom action) of the page's "CodePipeline Action Execution
 * State Change" sample
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html).
 */
export type ActionExecutionStateChange = EventEnvelope<'CodePipeline Action Execution State Change', {
  readonly 'pipeline': string;
  readonly 'execution-id': string;
  readonly 'stage': string;
  readonly 'action': string;
  readonly 'state': ExecutionState;
  readonly 'type': { readonly category: string; readonly owner: string };
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

/**
 * An event as the log group holds it (EventBridge's whole event), cut to the fields above, or
 * undefined for one nothing reads: a build's IN_PROGRESS (its end repeats its start time and compute
 * type) and any other event. A month of a busy pipeline's events is a few hundred megabytes whole
 * (a build's event carries its phases, logs, source and environment); what is kept of each is a few
 * hundred bytes, so that the function's memory holds a month at any pace.
 */
export function recordedEvent(event: any): DeliveryEvent | undefined {
  const d = event?.detail ?? {};
  const kept = (detail: object) => ({ 'time': event.time, 'detail-type': event['detail-type'], detail }) as DeliveryEvent;
  // What the three CodePipeline events share: the run, and its state or its stage's or action's.
  const run = { 'pipeline': d.pipeline, 'execution-id': d['execution-id'], 'state': d.state };
  switch (event?.['detail-type']) {
    case 'CodePipeline Pipeline Execution State Change': {
      const trigger = d['execution-trigger'];
      return kept({ ...run, ...trigger ? { 'execution-trigger': { 'trigger-type': trigger['trigger-type'], 'trigger-detail': trigger['trigger-detail'] } } : {} });
    }
    case 'CodePipeline Stage Execution State Change':
      return kept({ ...run, stage: d.stage });
    case 'CodePipeline Action Execution State Change':
      return kept({ ...run, stage: d.stage, action: d.action, type: { category: d.type?.category, owner: d.type?.owner } });
    case 'CodeBuild Build State Change': {
      if (d['build-status'] === 'IN_PROGRESS') return undefined;
      const info = d['additional-information'] ?? {};
      return kept({
        'build-status': d['build-status'],
        'build-id': d['build-id'],
        'additional-information': { 'environment': { 'compute-type': info.environment?.['compute-type'] }, 'build-start-time': info['build-start-time'] },
      });
    }
    default:
      return undefined;
  }
}
