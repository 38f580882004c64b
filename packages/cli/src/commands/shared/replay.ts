/**
 * What the commands that replay histories against workflow code share (`replay`, `versions check`,
 * `history redact --workflows`): their flags, compiling the code, and the JUnit report.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { WorkflowBundle } from '@reprise/runtime';
import { CliError, type CliIO } from '../../command.ts';
import { dbOption, type Options } from './args.ts';

/** `--workflows <entry>` (the code to replay against), `--db` and `--junit <file>`. */
export const replayOptions = {
  ...dbOption,
  workflows: { type: 'string' },
  junit: { type: 'string' },
} as const satisfies Options;

/**
 * Compiles `entry` (relative to `cwd`). Code that does not compile is bad input: a {@link CliError}
 * with exit code 2 that names the entry and carries the compiler's message.
 */
export async function compileEntry(entry: string, cwd: string): Promise<WorkflowBundle> {
  // Loaded on use: the runtime (SWC, isolated-vm) is heavy, and most commands never compile.
  const { compileWorkflows } = await import('@reprise/runtime');
  return compileWorkflows({ workflowsPath: resolve(cwd, entry) }).catch((err: Error) => {
    throw new CliError(`cannot compile ${entry}: ${err.message}`, 'fix the workflow code and run again', 2);
  });
}

/** Writes the JUnit report `xml` to `file` (relative to the working directory) and says so on stdout. */
export async function writeJUnitReport(io: CliIO, file: string, xml: string): Promise<void> {
  await writeFile(resolve(io.cwd, file), xml);
  io.stdout(`JUnit report written to ${file}\n`);
}
