# shellcheck shell=bash source-path=SCRIPTDIR
# Sourced by a build whose action starts beside the actions of its stage it depends on, rather than
# after them (src/pipeline/awaited-actions.ts), and by a deploy build whose environment's tests
# start beside it.
#
# await_actions STAGE ACTION...: waits until each action has succeeded in this pipeline execution
# ($PIPELINE_NAME, $EXECUTION_ID), as CodePipeline lists its action executions, and fails, running
# nothing, as soon as one of them failed or was abandoned. Where an action ran more than once in the
# execution (a retry), its latest run counts.
#
# signal_ready: in a deploy build, once the stacks its environment's tests need are deployed, puts
# the empty object $READY_PREFIX/$EXECUTION_ID/$CODEBUILD_BATCH_BUILD_IDENTIFIER in the pipeline's
# artifact bucket ($READY_BUCKET): the build of the same environment (the same identifier) in the
# tests' batch may start, while this build deploys the stacks no test needs. Where the object cannot
# be written, the tests start once the deploy has succeeded.
#
# await_ready STAGE ACTION: in such a test build, waits until the deploy build of its environment
# (of action ACTION) has signalled in ACTION's latest run, or ACTION has succeeded in this
# execution, and fails, running nothing, as soon as ACTION failed or was abandoned. A signal older
# than the run (an earlier run's, before a retry of the stage in the same execution; or an object
# another job of the pipeline wrote before the deploy started) does not count.
#
# `aws codepipeline list-action-executions --filter pipelineExecutionId=...` and its
# `actionExecutionDetails[].{stageName,actionName,startTime,status}` (status InProgress, Abandoned,
# Succeeded or Failed):
# https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html and
# https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionExecutionDetail.html.
# With `--output text` the CLI applies `--query` to each page it reads, so the lines are sorted here
# (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-filter.html).
# `aws s3api put-object` without `--body` writes an empty object, and `aws s3api head-object` fails
# while the object does not exist (404, or 403 without s3:ListBucket) and otherwise has the object's
# `LastModified` (ISO 8601 with `--output text`):
# https://docs.aws.amazon.com/cli/latest/reference/s3api/put-object.html,
# https://docs.aws.amazon.com/cli/latest/reference/s3api/head-object.html and
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html.

# latest_run STAGE ACTION: the start time and the status of ACTION's latest run in this execution,
# separated by a tab; nothing before it starts.
latest_run() (
  set -o pipefail
  aws codepipeline list-action-executions --pipeline-name "$PIPELINE_NAME" --filter pipelineExecutionId="$EXECUTION_ID" \
    --query "actionExecutionDetails[?stageName=='$1' && actionName=='$2'].[startTime,status]" --output text | sort | tail -n 1
)

await_actions() {
  local stage="$1" action status
  shift
  for action in "$@"; do
    echo "Waiting for $action ($stage) to succeed in execution $EXECUTION_ID"
    while :; do
      status=$(set -o pipefail; latest_run "$stage" "$action" | cut -f 2) || return 1
      case "$status" in
        Succeeded) echo "$action succeeded"; break;;
        Failed|Abandoned) echo "$action: $status in this execution; nothing runs"; return 1;;
      esac
      sleep 10
    done
  done
}

signal_ready() {
  if aws s3api put-object --bucket "$READY_BUCKET" --key "$READY_PREFIX/$EXECUTION_ID/$CODEBUILD_BATCH_BUILD_IDENTIFIER" > /dev/null; then
    echo "The stacks the tests need are deployed: the tests may start"
  else
    echo "Could not tell the tests that the stacks they need are deployed: they start once this deploy has succeeded"
  fi
}

await_ready() {
  local stage="$1" action="$2" run started status signal
  echo "Waiting for $action ($stage) to deploy the stacks the tests need in execution $EXECUTION_ID"
  while :; do
    run=$(latest_run "$stage" "$action") || return 1
    started=$(cut -f 1 <<< "$run")
    status=$(cut -f 2 <<< "$run")
    case "$status" in
      Succeeded) echo "$action succeeded"; return 0;;
      Failed|Abandoned) echo "$action: $status in this execution; nothing runs"; return 1;;
    esac
    if [ -n "$started" ]; then
      if signal=$(aws s3api head-object --bucket "$READY_BUCKET" --key "$READY_PREFIX/$EXECUTION_ID/$CODEBUILD_BATCH_BUILD_IDENTIFIER" \
        --query LastModified --output text 2>&1); then
        if [ "$(date -d "$signal" +%s)" -ge "$(date -d "$started" +%s)" ]; then
          echo "$action deployed the stacks the tests need"; return 0
        fi
      elif [[ "$signal" != *"(404)"* ]]; then
        # Not "not yet": the signal cannot be read (the tests start once the deploy has succeeded).
        echo "$signal"
      fi
    fi
    sleep 10
  done
}
