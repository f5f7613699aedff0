# shellcheck shell=bash source-path=SCRIPTDIR
# Sourced by a build that runs steps side by side (src/pipeline/side-by-side-shell.ts): each step
# started in the background leaves its output in <task>.log, its process id in <task>.pid and, once
# done, its exit status in <task>.rc under this directory.
BESIDE_DIR="${TMPDIR:-/tmp}/beside"

# await_beside TASK TITLE: waits for the task (or for its process to end without a status, as when it
# is killed), prints `== TITLE ==` and its output, and fails if the task failed.
await_beside() {
  local task="$1" title="$2"
  while [ ! -f "$BESIDE_DIR/$task.rc" ] && kill -0 "$(cat "$BESIDE_DIR/$task.pid")" 2>/dev/null; do sleep 1; done
  echo "== $title =="
  cat "$BESIDE_DIR/$task.log"
  [ -f "$BESIDE_DIR/$task.rc" ] || { echo "$title ended without an exit status (killed?)"; return 1; }
  [ "$(cat "$BESIDE_DIR/$task.rc")" = 0 ] || { echo "$title failed (exit status $(cat "$BESIDE_DIR/$task.rc"))"; return 1; }
}
