import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A bash function a build defines when its action starts beside the actions of its stage it
 * depends on, rather than after them: `await_actions STAGE ACTION...` waits until each action has
 * succeeded in this pipeline execution (`$PIPELINE_NAME`, `$EXECUTION_ID`), as CodePipeline lists
 * its action executions, and fails, running nothing, as soon as one of them failed or was abandoned.
 * Where an action ran more than once in the execution (a retry), its latest run counts. The build
 * has been provisioned and has run its install phase meanwhile, so the wait replaces CodeBuild's
 * provisioning rather than adding to it.
 *
 * `aws codepipeline list-action-executions --filter pipelineExecutionId=...` and its
 * `actionExecutionDetails[].{stageName,actionName,startTime,status}` (status `InProgress`,
 * `Abandoned`, `Succeeded` or `Failed`):
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html and
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionExecutionDetail.html.
 * Text output, sorted here: with `--output text` the CLI applies `--query` to each page it reads
 * (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-filter.html).
 */
export const AWAIT_ACTIONS = 'await_actions() { local stage="$1" a s; shift; for a in "$@"; do echo "Waiting for $a ($stage) to succeed in execution $EXECUTION_ID"; '
  + 'while :; do s=$(set -o pipefail; aws codepipeline list-action-executions --pipeline-name "$PIPELINE_NAME" --filter pipelineExecutionId="$EXECUTION_ID" '
  + '--query "actionExecutionDetails[?stageName==\'$stage\' && actionName==\'$a\'].[startTime,status]" --output text | sort | tail -n 1 | cut -f 2) || return 1; '
  + 'case "$s" in Succeeded) echo "$a succeeded"; break;; Failed|Abandoned) echo "$a: $s in this execution; nothing runs"; return 1;; esac; sleep 10; done; done; }';

/** The command that waits for `actions` of stage `stage` (action names, as CodePipeline lists them). */
export function awaitCommand(stage: string, actions: string[]): string {
  return `await_actions "${stage}" ${actions.map(a => `"${a}"`).join(' ')}`;
}

/** A build command that waits for actions: its stage and the actions, as `awaitCommand` writes them. */
export const AWAIT_COMMAND = /^await_actions "([^"]+)" ((?:"[^"]+" ?)+)$/;

/**
 * Permission to list a pipeline's action executions (`name`: its name, as given at synth: a job's
 * build spec that named the pipeline by reference would make the pipeline and the job's project
 * depend on each other). ListActionExecutions authorizes on the pipeline
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html).
 */
export function listActionExecutions(scope: Stack, name: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['codepipeline:ListActionExecutions'],
    resources: [scope.formatArn({ service: 'codepipeline', resource: name })],
  });
}
