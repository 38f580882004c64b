/** Compiling the workflow code a command replays against (`--workflows <entry>`). */
import { resolve } from 'node:path';
import type { WorkflowBundle } from '@reprise/runtime';
import { CliError } from '../../command.ts';

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
