import { codeBuildStateChange, codePipelineStateChange } from '../../support/aws-samples';

/**
 * The events the delivery metrics read, by test/support/aws-samples.ts's builders (each in the shape
 * of the sample AWS documents, held to AWS's EventBridge schema registry by
 * test/support/event-schemas.test.ts), at the times the tests give: an account and region of their
 * own, and pipelines and projects named by the tests.
 */
const WHERE = { account: '123456789012', region: 'eu-west-1' };

/** A "CodePipeline Pipeline Execution State Change", with the `execution-trigger` of a rollback's run where given. */
export function pipelineExecution(pipeline: string, executionId: string, state: string, time: string, triggerType?: string) {
  const trigger = triggerType ? { 'trigger-type': triggerType, 'trigger-detail': '' } : undefined;
  return codePipelineStateChange(WHERE, { pipeline, executionId, state, ...trigger ? { trigger } : {} }, time);
}

/** A "CodePipeline Stage Execution State Change". */
export function stageExecution(pipeline: string, executionId: string, stage: string, state: string, time: string) {
  return codePipelineStateChange(WHERE, { pipeline, executionId, state, stage }, time);
}

/** The action types the tests' stages have: the library's CodeBuild jobs, and manual approvals. */
export const ACTION_TYPE = {
  CODEBUILD: { owner: 'AWS', category: 'Build', provider: 'CodeBuild', version: 1 },
  APPROVAL: { owner: 'AWS', category: 'Approval', provider: 'Manual', version: 1 },
};

/** A "CodePipeline Action Execution State Change". */
export function actionExecution(pipeline: string, executionId: string, stage: string, action: string,
  type: typeof ACTION_TYPE.CODEBUILD, state: string, time: string) {
  return codePipelineStateChange(WHERE, { pipeline, executionId, state, stage, action, type }, time);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An ISO time in the form of the CodeBuild sample's `build-start-time` (`Sep 1, 2017 4:12:29 PM`,
 * https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html), in UTC:
 * the sample's start, 4:12:29 PM, is two minutes before its event's `time`, 2017-09-01T16:14:28Z.
 */
function codeBuildTime(iso: string): string {
  const t = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hour = t.getUTCHours() % 12 === 0 ? 12 : t.getUTCHours() % 12;
  return `${MONTHS[t.getUTCMonth()]} ${t.getUTCDate()}, ${t.getUTCFullYear()} ${hour}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} ${t.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/** The "CodeBuild Build State Change" of a build of `project` on `computeType` that started at `start`, at `time` with `status`. */
export function buildStateChange(project: string, status: string, computeType: string, start: string, time: string) {
  const resource = { Properties: { Environment: { Image: 'aws/codebuild/standard:7.0', ComputeType: computeType, Type: 'LINUX_CONTAINER' } } };
  return codeBuildStateChange(WHERE, resource, project, status, { start: codeBuildTime(start), time });
}
