import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { awaitBeside, inSubshell, startBeside } from '../../src/pipeline/side-by-side-shell';

/** The builds' `await_beside`, read from its file as a build reads it once fetched. */
const AWAIT_BESIDE = `. "${path.join(__dirname, '..', '..', 'src', 'pipeline', 'jobs', 'beside.sh')}"`;

/** Runs commands as CodeBuild does (one shell, each as it is; a failed command ends the build), in a fresh directory. */
function run(commands: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'side-by-side-'));
  fs.rmSync('/tmp/beside', { recursive: true, force: true });
  try {
    const script = commands.map(c => `${c} || exit $?`).join('\n');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-c', script], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, encoding: 'utf-8' });
    return { status: result.status, stdout: result.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync('/tmp/beside', { recursive: true, force: true });
  }
}

describe('a step in a subshell', () => {
  test('stops at its first failing command with that command\'s status, as a build does', () => {
    const { status, stdout } = run([inSubshell(['echo one', '(exit 3)', 'echo two'])]);
    expect(status).toBe(3);
    expect(stdout).toBe('one\n');
  });

  test('keeps what it changes to itself: directory, variables, shell options', () => {
    const { status, stdout } = run([inSubshell(['cd /', 'export LEAK=1', 'set -e']), 'echo "$(pwd) [${LEAK:-}]"', 'false || echo "no set -e"']);
    expect(status).toBe(0);
    expect(stdout).not.toMatch(/^\/ /m);
    expect(stdout).toContain(' []');
    expect(stdout).toContain('no set -e');
  });

  test('takes the commands a user writes: a comment alone, a trailing comment, a heredoc', () => {
    const { status, stdout } = run([inSubshell(['# nothing yet', 'echo a # a comment', 'cat <<EOF\nb\nEOF', '(exit 5)', 'echo never'])]);
    expect(status).toBe(5);
    expect(stdout).toBe('a\nb\n');
  });
});

describe('steps side by side', () => {
  test('run together, print their output in order, and fail the wait if one failed, once all have run', () => {
    const { status, stdout } = run([
      AWAIT_BESIDE,
      startBeside('slow', ['sleep 0.5', 'echo slow done']),
      startBeside('fails', ['echo failing', 'exit 2']),
      awaitBeside([['slow', 'Slow'], ['fails', 'Fails']]),
      'echo after',
    ]);
    expect(status).not.toBe(0);
    expect(stdout).toMatch(/== Slow ==\nslow done\n== Fails ==\nfailing\nFails failed \(exit status 2\)/);
    expect(stdout).not.toContain('after');
  });

  test('a task killed before it could leave its exit status fails the wait instead of hanging', () => {
    const { status, stdout } = run([
      AWAIT_BESIDE,
      startBeside('killed', ['sleep 30']),
      'kill -9 "$(cat /tmp/beside/killed.pid)"',
      awaitBeside([['killed', 'Killed']]),
    ]);
    expect(status).not.toBe(0);
    expect(stdout).toContain('Killed ended without an exit status (killed?)');
  });

  test('a task started again does not read the status its last run left', () => {
    const { status, stdout } = run([
      AWAIT_BESIDE,
      startBeside('twice', ['true']),
      awaitBeside([['twice', 'First']]),
      startBeside('twice', ['sleep 0.5', 'exit 4']),
      awaitBeside([['twice', 'Second']]),
    ]);
    expect(status).not.toBe(0);
    expect(stdout).toContain('Second failed (exit status 4)');
  });
});
