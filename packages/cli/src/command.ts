/** The shape every `reprise` subcommand module exports, and the error type commands throw. */

/** Where a command writes. Tests pass buffers; the binary passes the process streams. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal (progress lines, colours). */
  isTTY: boolean;
  /** Working directory for relative paths and the default embedded store (`.reprise/`). */
  cwd: string;
  env: Record<string, string | undefined>;
}

/** A `reprise` subcommand. */
export interface CliCommand {
  /** Words that select it, e.g. `['workflow', 'start']`. */
  path: string[];
  summary: string;
  /** Usage text shown by `--help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/**
 * An expected failure: printed as one line plus a hint, never as a stack trace.
 * `exitCode` defaults to 1; bad usage or bad input uses 2.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(message: string, hint?: string, exitCode = 1) {
    super(message);
    this.hint = hint;
    this.exitCode = exitCode;
  }
}
