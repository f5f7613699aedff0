import { JOB_TMP } from './private/job-temp';

/**
 * Shell for the steps of a build: each in a subshell of its own, so that what one changes (the
 * directory, variables, credentials, shell options) reaches neither the deploy nor another step.
 * Steps side by side (tests of different kinds, a stack no test needs, the CDK CLI's install) run
 * in the background, the way CodeBuild documents background tasks (ignoring hang-ups, as `nohup`
 * does, so they outlive the phase that started them): each leaves its output in `<task>.log`, its
 * process id in `<task>.pid` and, once done, its exit status in `<task>.rc` under this directory,
 * so a later command waits for it (`await_beside`, src/pipeline/jobs/beside.sh, which reads the
 * same directory) without being a child of the same shell.
 */
const BESIDE_DIR = `${JOB_TMP}/beside`;

/**
 * The commands as one subshell that runs them in order and stops at the first that fails, with its
 * exit status, as a build does with its own commands.
 */
export function inSubshell(commands: string[]): string {
  return `( ${commands.map(c => `${c}\n__status=$?; [ "$__status" -eq 0 ] || exit "$__status"`).join('\n')}\n)`;
}

/** A command that starts `commands` in the background as task `task` (a name used once per build phase). */
export function startBeside(task: string, commands: string[]): string {
  const [log, pid, rc] = ['log', 'pid', 'rc'].map(ext => `${BESIDE_DIR}/${task}.${ext}`);
  return `mkdir -p ${BESIDE_DIR} && rm -f ${rc} && { ( trap "" HUP; ${inSubshell(commands)}; echo $? > ${rc}.tmp && mv ${rc}.tmp ${rc} ) > ${log} 2>&1 & }; `
    + `echo $! > ${pid}; echo "${task}: started in the background"`;
}

/**
 * A command that waits for every task (`[task, title]`, titles in double quotes' syntax), prints
 * each one's output in this order, and fails if one of them failed, once the build has read
 * `await_beside` (src/pipeline/jobs/beside.sh).
 */
export function awaitBeside(tasks: Array<[string, string]>): string {
  return `failed=0; ${tasks.map(([task, title]) => `await_beside ${task} "${title}" || failed=1; `).join('')}[ "$failed" -eq 0 ]`;
}
