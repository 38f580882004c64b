/**
 * Flag parsing for the subcommands: `node:util` parseArgs, with every mistake turned into a
 * {@link CliError} (exit code 2) that names the flag and shows the usage.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError } from '../../command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The `--db` flag every store-using command takes. */
export const dbOption = {
  db: { type: 'string' },
} as const satisfies Options;

/** Parses `argv` against `options`; positional arguments are allowed. */
export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''), `usage: ${usage}`, 2);
  }
}

/** The positional at `index`, or a usage error naming it. */
export function positional(positionals: string[], index: number, name: string, usage: string): string {
  const v = positionals[index];
  if (v === undefined || v === '') throw new CliError(`missing <${name}>`, `usage: ${usage}`, 2);
  return v;
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
