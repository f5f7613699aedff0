# shellcheck shell=bash source-path=SCRIPTDIR
# Sourced by the jobs that find the stacks an environment deployed earlier that the app no longer
# has (src/pipeline/orphan-cleanup.ts), with the orphan script beside this file's folder.
JOBS_DIR="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=assume-role.sh
. "$JOBS_DIR/assume-role.sh"
ORPHAN_SCRIPT="$JOBS_DIR/../orphan-script/index.js"

# search_orphans [APPROVED]: a deploy build's search, from its plan's ORPHAN_MODE, ORPHAN_SEARCH,
# ORPHAN_REGIONS and STACK_CLEANUP_ROLE_ARN: reads every stack of the environment's regions with its
# stack clean-up role, and finds the orphans (those listed in APPROVED, the list run before the
# approval, where there is one), into $TMPDIR/orphans. It finds the stacks tagged for the
# environment that the app does not have, so the stacks the deploy creates are never among them,
# and it may run while the deploy still runs.
search_orphans() {
  local tmp="${TMPDIR:-/tmp}" region approved=()
  [ -z "$1" ] || approved=(--approved "$1")
  echo "== StackCleanup of $ENVIRONMENT_NAME =="
  for region in "${ORPHAN_REGIONS[@]}"; do
    with_role "$STACK_CLEANUP_ROLE_ARN" aws cloudformation describe-stacks --region "$region" --output json > "$tmp/stacks-$region.json" || return 1
  done
  node "$ORPHAN_SCRIPT" "$ORPHAN_MODE" "$tmp/orphans" "$ORPHAN_SEARCH" "${approved[@]}" "$tmp"/stacks-*.json
}

# delete_orphans: once the deploy has succeeded, deletes the orphans the search allowed. CloudFormation
# deletes each stack with the role it was deployed with; the build does not wait for the deletion
# (the next run reports a failed one).
delete_orphans() {
  local name region
  while read -r name region; do
    echo "Deleting stack $name ($region)"
    with_role "$STACK_CLEANUP_ROLE_ARN" aws cloudformation delete-stack --region "$region" --stack-name "$name" || return 1
  done < "${TMPDIR:-/tmp}/orphans/orphans-$ENVIRONMENT_NAME.txt"
}

# list_orphans OUTDIR: lists, for an approval, the orphans of the environments of the plan (the same
# index in LIST_ENVIRONMENTS, LIST_ROLES, LIST_REGIONS and LIST_SEARCHES) into OUTDIR, reading the
# stacks with the environments' review roles (read-only).
list_orphans() {
  local out="$1" i environment region regions stacks
  for i in "${!LIST_ENVIRONMENTS[@]}"; do
    environment="${LIST_ENVIRONMENTS[i]}"
    stacks="${TMPDIR:-/tmp}/stacks/$environment"
    mkdir -p "$stacks"
    read -r -a regions <<< "${LIST_REGIONS[i]}"
    for region in "${regions[@]}"; do
      with_role "${LIST_ROLES[i]}" aws cloudformation describe-stacks --region "$region" --output json > "$stacks/$region.json" || return 1
    done
    node "$ORPHAN_SCRIPT" list "$out" "${LIST_SEARCHES[i]}" "$stacks"/*.json || return 1
  done
}
