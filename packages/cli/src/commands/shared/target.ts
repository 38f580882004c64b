/**
 * The commands that act on one run (`reprise workflow describe <workflowId> [--run-id <id>]
 * [--db <url|dir>]` and the like): their shared flags, and the handle of the run they name.
 */
import type { Client, WorkflowHandle } from '@reprise/runtime';
import type { CliIO } from '../../command.ts';
import { dbOption, type Options, parse, positional } from './args.ts';
import { withClient } from './client.ts';

/** `--db` and `--run-id`: the flags of every command that names one run. */
export const targetOptions = {
  ...dbOption,
  'run-id': { type: 'string' },
} as const satisfies Options;

/** The run a command acts on: the latest run of `workflowId` unless `runId` names one. */
export interface RunTarget {
  workflowId: string;
  runId: string | undefined;
  /** The `--db` value; see `storeLocation` for how it is resolved. */
  db: string | undefined;
}

/**
 * Parses `<workflowId> [--run-id <id>] [--db <url|dir>]` plus the command's own `options`.
 * Returns the flag values, every positional (later ones are the command's own arguments) and the run.
 */
export function parseTarget<O extends Options>(argv: string[], options: O, usage: string) {
  const { values, positionals } = parse(argv, { ...targetOptions, ...options }, usage);
  const workflowId = positional(positionals, 0, 'workflowId', usage);
  // Inside this generic function TypeScript cannot see the target flags in `values`; callers can.
  const flags = values as { 'run-id'?: string; db?: string };
  const target: RunTarget = { workflowId, runId: flags['run-id'], db: flags.db };
  return { values, positionals, target };
}

/**
 * Opens the store, gives `fn` the handle of the target run (and the client, for its store), and
 * closes the store; client errors become one-line CLI errors as in `withClient`.
 */
export function withTarget<T>(
  target: RunTarget,
  io: CliIO,
  fn: (handle: WorkflowHandle, client: Client) => Promise<T>,
): Promise<T> {
  return withClient(target.db, io, (client) => fn(client.getHandle(target.workflowId, target.runId), client));
}
