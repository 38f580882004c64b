/**
 * Flag parsing for the subcommands: `node:util` parseArgs, with every mistake turned into a
 * {@link CliError} (exit code 2) that names the flag and shows the usage.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { RunStatus } from '@reprise/history-store';
import { CliError } from '../../command.ts';

/** A command's flag table, as `node:util` parseArgs takes it. */
export type Options = NonNullable<ParseArgsConfig['options']>;

/** The `--db` flag every store-using command takes. */
export const dbOption = {
  db: { type: 'string' },
} as const satisfies Options;

/** Every status a run can have, in the order `--help` texts list them. */
export const RUN_STATUSES: readonly RunStatus[] = [
  'running',
  'completed',
  'failed',
  'canceled',
  'terminated',
  'timedOut',
  'continuedAsNew',
];

/** True when `s` is one of {@link RUN_STATUSES}. */
export function isRunStatus(s: string): s is RunStatus {
  return RUN_STATUSES.includes(s as RunStatus);
}

/** Bad usage: the mistake in one line, the usage as the hint, exit code 2. */
export function usageError(message: string, usage: string): CliError {
  return new CliError(message, `usage: ${usage}`, 2);
}

/** Parses `argv` against `options`; positional arguments are allowed. */
export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''), usage);
  }
}

/** The positional at `index`, or a usage error naming it. */
export function positional(positionals: string[], index: number, name: string, usage: string): string {
  const v = positionals[index];
  if (v === undefined || v === '') throw usageError(`missing <${name}>`, usage);
  return v;
}

/**
 * The value of a flag the command cannot run without, or a usage error `missing <what>`
 * (`what` as the usage line writes it, e.g. `--workflows <entry>`). An empty value counts as missing.
 */
export function requireFlag(value: string | undefined, what: string, usage: string): string {
  if (!value) throw usageError(`missing ${what}`, usage);
  return value;
}

/** Parses a `--args` JSON value: an array is the argument list, anything else is one argument. */
export function parseJsonArgs(text: string | undefined, flag = '--args'): unknown[] {
  if (text === undefined) return [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CliError(
      `${flag} is not valid JSON: ${(err as Error).message}`,
      `quote it for the shell, e.g. ${flag} '[{"id":1}]' (an array is the argument list)`,
      2,
    );
  }
  return Array.isArray(v) ? v : [v];
}

/** Parses a positive integer flag. */
export function parseIntFlag(value: string | undefined, flag: string, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new CliError(`${flag} must be a positive integer, got '${value}'`, undefined, 2);
  return n;
}
