/** The shape every `reprise` subcommand module exports, and the error type commands throw. */

/** Where a command writes. Tests pass buffers; the binary passes the process streams. */
export interface CliIO {
  /** The command's output: results, tables, a worker's progress. */
  stdout: (text: string) => void;
  /** Errors and hints, and notes kept out of the output a script reads (`wrote … to <file>`). */
  stderr: (text: string) => void;
  /** True when stdout is a terminal (progress lines, colours). */
  isTTY: boolean;
  /** Working directory for relative paths and the default embedded store (`.reprise/`). */
  cwd: string;
  /** The environment the command reads (`DATABASE_URL`, `REPRISE_DEBUG`). */
  env: Record<string, string | undefined>;
}

/** A `reprise` subcommand. */
export interface CliCommand {
  /** Words that select it, e.g. `['workflow', 'start']`. */
  path: string[];
  /** One sentence: what the command does, printed first by `reprise <command> --help`. */
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
