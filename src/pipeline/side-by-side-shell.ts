/**
 * Shell for the tasks a build runs side by side (tests of different kinds, a stack no test needs,
 * the CDK CLI's install). Each task runs in the background, the way CodeBuild documents background
 * tasks (ignoring hang-ups, as `nohup` does, so it outlives the phase that started it), and leaves
 * its output in `<task>.log` and its exit status in `<task>.rc` under this directory: a later
 * command waits for the status file, so it need not be a child of the same shell.
 */
const BESIDE_DIR = '/tmp/beside';

/**
 * A command that starts `commands` in the background as task `task`: in a subshell, which keeps the
 * build's variables and functions, one after another, stopping at the first that fails, as a build does.
 */
export function startBeside(task: string, commands: string[]): string {
  const chain = commands.map(c => `{ ${c}\n}`).join(' && ');
  return `mkdir -p ${BESIDE_DIR} && { ( trap "" HUP; ( ${chain} ); echo $? > ${BESIDE_DIR}/${task}.rc ) > ${BESIDE_DIR}/${task}.log 2>&1 & }; `
    + `echo "${task}: started in the background"`;
}

/**
 * A bash function the builds define before they wait: `await_beside TASK TITLE` waits for the task,
 * prints `== TITLE ==` and its output, and fails if the task failed.
 */
export const AWAIT_BESIDE = `await_beside() { while [ ! -f ${BESIDE_DIR}/$1.rc ]; do sleep 1; done; echo "== $2 =="; cat ${BESIDE_DIR}/$1.log; `
  + `[ "$(cat ${BESIDE_DIR}/$1.rc)" = 0 ] || { echo "$2 failed (exit status $(cat ${BESIDE_DIR}/$1.rc))"; return 1; }; }`;

/**
 * A command that waits for every task (`[task, title]`, titles in double quotes' syntax), prints
 * each one's output in this order, and fails if one of them failed.
 */
export function awaitBeside(tasks: Array<[string, string]>): string {
  return `failed=0; ${tasks.map(([task, title]) => `await_beside ${task} "${title}" || failed=1; `).join('')}[ "$failed" -eq 0 ]`;
}
