# shellcheck shell=bash source-path=SCRIPTDIR
# Sourced by a build whose action starts beside the actions of its stage it depends on, rather than
# after them (src/pipeline/awaited-actions.ts).
#
# await_actions STAGE ACTION...: waits until each action has succeeded in this pipeline execution
# ($PIPELINE_NAME, $EXECUTION_ID), as CodePipeline lists its action executions, and fails, running
# nothing, as soon as one of them failed or was abandoned. Where an action ran more than once in the
# execution (a retry), its latest run counts.
#
# `aws codepipeline list-action-executions --filter pipelineExecutionId=...` and its
# `actionExecutionDetails[].{stageName,actionName,startTime,status}` (status InProgress, Abandoned,
# Succeeded or Failed):
# https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html and
# https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionExecutionDetail.html.
# With `--output text` the CLI applies `--query` to each page it reads, so the lines are sorted here
# (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-filter.html).
await_actions() {
  local stage="$1" action status
  shift
  for action in "$@"; do
    echo "Waiting for $action ($stage) to succeed in execution $EXECUTION_ID"
    while :; do
      status=$(set -o pipefail; aws codepipeline list-action-executions --pipeline-name "$PIPELINE_NAME" --filter pipelineExecutionId="$EXECUTION_ID" \
        --query "actionExecutionDetails[?stageName=='$stage' && actionName=='$action'].[startTime,status]" --output text | sort | tail -n 1 | cut -f 2) || return 1
      case "$status" in
        Succeeded) echo "$action succeeded"; break;;
        Failed|Abandoned) echo "$action: $status in this execution; nothing runs"; return 1;;
      esac
      sleep 10
    done
  done
}
