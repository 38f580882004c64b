/**
 * The `reprise` command run in-process for tests: {@link main} with buffer IO instead of the process
 * streams, so a test asserts on exactly what a user would see and on the exit code.
 */
import type { CliIO } from '../command.ts';
import { main } from '../main.ts';

/** What one in-process `reprise` run printed, and its exit code. */
export interface CliRun {
  exit: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `reprise <argv>` in `cwd` and captures its output. Not a terminal and no environment, so
 * `DATABASE_URL` or `REPRISE_DEBUG` on the test machine cannot change what the command does.
 *
 * @example
 * const cli = (...argv: string[]) => runCli(argv, repoRoot);
 * expect((await cli('replay', '--workflows', entry, 'fixtures/histories')).exit).toBe(0);
 */
export async function runCli(argv: string[], cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTTY: false,
    cwd,
    env: {},
  };
  const exit = await main(argv, io);
  return { exit, stdout, stderr };
}
