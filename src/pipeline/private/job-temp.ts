/**
 * Where a job's commands keep their working files: the system's temporary folder, `$TMPDIR` where
 * it is set. A CodeBuild build has a container of its own; the tests run the same commands side by
 * side on one machine, each with a TMPDIR of its own, so that no run overwrites another's files.
 */
export const JOB_TMP = '${TMPDIR:-/tmp}';
