# shellcheck shell=bash source-path=SCRIPTDIR
# Sourced by a wave's change review and by its deploys (src/pipeline/change-review-job.ts), once the
# build has read its plan: REVIEWED_STACKS (each stack as `name|region|review role ARN`) and, for the
# review, REVIEW_ENTRIES (`environment|name|template path in the cloud assembly`) and the listing's
# variables (orphans.sh).
JOBS_DIR="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=assume-role.sh
. "$JOBS_DIR/assume-role.sh"
# shellcheck source=orphans.sh
. "$JOBS_DIR/orphans.sh"
JOB_TMP="${TMPDIR:-/tmp}"

# The files the review leaves in its output: every file of the cloud assembly it read with its
# SHA-256, and the deployed templates' fingerprints (review.txt and summary.txt are the review
# script's; orphans-*.txt the listing's).
ASSEMBLY_FILE='assembly-files.txt'
DEPLOYED_FILE='deployed-templates.txt'

# assembly_files DIR: every file under DIR with its SHA-256, sorted by path (sha256sum's lines: 64 hex
# digits, two spaces, ./path): the templates, the asset manifests and every asset the deploy
# publishes from the assembly.
assembly_files() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

# record_digest DIR: the SHA-256 of the review's record in DIR (its output): the assembly's files, the
# deployed templates' fingerprints and the stacks listed for deletion. The approval shows it: the
# same digest means the same templates, assets, starting state and deletions.
record_digest() {
  local listed=()
  (cd "$1" && mapfile -t listed < <(find . -maxdepth 1 -name 'orphans-*.txt' | LC_ALL=C sort) \
    && cat "$ASSEMBLY_FILE" "$DEPLOYED_FILE" "${listed[@]}" | sha256sum | cut -c1-64)
}

# fingerprint FILE STACK...: one line per stack (`name|region|review role ARN`) into FILE: its name
# and the SHA-256 of its deployed template (of nothing, for a stack not deployed yet), read with the
# review role. With $KEEP_IN set, it also keeps each deployed template there, as <name>.json.
fingerprint() {
  local file="$1" s name region role t
  shift
  : > "$file"
  for s in "$@"; do
    IFS="|" read -r name region role <<< "$s"
    t=$(with_role "$role" aws cloudformation get-template --region "$region" --stack-name "$name" --query TemplateBody --output json 2>"$JOB_TMP/err.txt") \
      || grep -q "does not exist" "$JOB_TMP/err.txt" || { cat "$JOB_TMP/err.txt"; return 1; }
    echo "$name $(printf %s "$t" | sha256sum | cut -c1-64)" >> "$file"
    [ -z "$KEEP_IN" ] || [ -z "$t" ] || printf %s "$t" > "$KEEP_IN/$name.json"
  done
}

# drift_of NAME REGION ROLE: detects the drift of a deployed stack with its review role and writes its
# drifted resources into drift/NAME.json, or why it could not into drift/NAME.error; a stack not
# deployed yet has neither. Detection takes seconds to minutes per stack: the review runs it for every
# stack at once, and waits at most ten minutes for each.
drift_of() {
  local name="$1" region="$2" role="$3" id s
  id=$(with_role "$role" aws cloudformation detect-stack-drift --region "$region" --stack-name "$name" --query StackDriftDetectionId --output text 2>"$JOB_TMP/drift-$name.txt") \
    || { grep -q "does not exist" "$JOB_TMP/drift-$name.txt" || cp "$JOB_TMP/drift-$name.txt" "drift/$name.error"; return 0; }
  for _ in $(seq 120); do
    s=$(with_role "$role" aws cloudformation describe-stack-drift-detection-status --region "$region" --stack-drift-detection-id "$id" \
      --query DetectionStatus --output text) || break
    [ "$s" != DETECTION_IN_PROGRESS ] && break
    sleep 5
  done
  with_role "$role" aws cloudformation describe-stack-resource-drifts --region "$region" --stack-name "$name" --stack-resource-drift-status-filters MODIFIED DELETED \
    --output json > "drift/$name.json" 2>"drift/$name.error" && rm -f "drift/$name.error"
}

# review_change ASSEMBLY [REVIEW SCRIPT OPTION...]: the review, in the current directory (the job's
# output): every file of the cloud assembly at ASSEMBLY with its SHA-256; every stack's deployed
# template, kept, and fingerprinted; every deployed stack's drift, detected side by side; the stacks
# the environments no longer have, listed; then the review script, which writes review.txt and
# summary.txt. It exports the summary, the digest of the record, the execution and the link to its
# build, which the job's spec names as its exported variables.
review_change() {
  local assembly="$1" s e env name region role template entries=()
  shift
  assembly_files "$assembly" > "$ASSEMBLY_FILE" || return 1
  mkdir -p deployed && KEEP_IN=deployed fingerprint "$DEPLOYED_FILE" "${REVIEWED_STACKS[@]}" || return 1
  # Hand-made changes the deploy would undo: every stack's drift, detected side by side.
  mkdir -p drift || return 1
  for s in "${REVIEWED_STACKS[@]}"; do
    IFS="|" read -r name region role <<< "$s"
    drift_of "$name" "$region" "$role" &
  done
  wait
  list_orphans . || return 1
  # Each stack as the review script takes it: its environment, its name, its template and where the deployed one was kept.
  for e in "${REVIEW_ENTRIES[@]}"; do
    IFS="|" read -r env name template <<< "$e"
    entries+=("$env|$name|$assembly/$template|deployed/$name.json")
  done
  NODE_PATH="$REVIEW_TOOLS/node_modules" node "$JOBS_DIR/../review-script/index.js" . "$@" --drift drift --orphans . "${entries[@]}" || return 1
  REVIEW_SUMMARY="$(cat summary.txt)"
  REVIEW_DIGEST="$(record_digest .)"
  REVIEWED_IN="$EXECUTION_ID"
  REVIEW_URL="$CODEBUILD_BUILD_URL"
  export REVIEW_SUMMARY REVIEW_DIGEST REVIEWED_IN REVIEW_URL
  echo "Review digest: $REVIEW_DIGEST (the approval shows it; each deploy checks it before deploying)"
}

# check_reviewed REVIEWED ASSEMBLY: fails unless what a deploy is about to deploy is what was reviewed
# (REVIEWED: the review's output directory; ASSEMBLY: the deploy's cloud assembly; the variables
# REVIEW_DIGEST, REVIEWED_IN and EXECUTION_ID the deploy action passes): the review's record is the
# one whose digest the review exported, every file of the assembly is the one recorded, and the
# deployed template of each stack of REVIEWED_STACKS is still the one reviewed. A deploy in another
# pipeline execution than the review's is CodePipeline rolling the stage back to the last execution
# that succeeded, with that execution's assembly, review and variables
# (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html), over stacks this
# pipeline has changed since: its assembly is checked, its deployed templates are not.
check_reviewed() {
  local reviewed="$1" assembly="$2" different changed
  local stop="Nothing was deployed. Release the change again to review it anew."
  if [ -z "$REVIEW_DIGEST" ] || [ "$(record_digest "$reviewed")" != "$REVIEW_DIGEST" ]; then
    echo "The review's record in its output is not the one the review made (review digest ${REVIEW_DIGEST:-missing}): it was changed after the review."
    echo "$stop"; return 1
  fi
  assembly_files "$assembly" > "$JOB_TMP/assembly-files.txt"
  different=$({ grep -v -x -F -f "$reviewed/$ASSEMBLY_FILE" "$JOB_TMP/assembly-files.txt"; grep -v -x -F -f "$JOB_TMP/assembly-files.txt" "$reviewed/$ASSEMBLY_FILE"; } \
    | cut -c67- | LC_ALL=C sort -u | tr "\n" " ")
  if [ -n "$different" ]; then
    echo "These files of the cloud assembly are not the ones reviewed (review digest $REVIEW_DIGEST): $different"
    echo "$stop"; return 1
  fi
  if [ "$REVIEWED_IN" != "$EXECUTION_ID" ]; then
    echo "Rolling back to the templates reviewed in execution $REVIEWED_IN (review digest $REVIEW_DIGEST)"
    return 0
  fi
  fingerprint "$JOB_TMP/now-deployed.txt" "${REVIEWED_STACKS[@]}" || return 1
  changed=$(grep -v -x -F -f "$reviewed/$DEPLOYED_FILE" "$JOB_TMP/now-deployed.txt" || true)
  if [ -n "$changed" ]; then
    echo "These stacks changed after the review: $(echo "$changed" | cut -d" " -f1 | tr "\n" " ")"
    echo "$stop"; return 1
  fi
}
