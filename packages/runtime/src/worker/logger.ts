/**
 * Structured logs: one JSON object per line (`level`, `msg`, `time`, then fields such as
 * `workflowId`, `runId`, `taskQueue`). The sink is pluggable so applications can route lines to
 * their own logger; the default writes to stderr and drops `debug` lines.
 *
 * Host-only.
 */

/** Log severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Extra fields of a log line. */
export type LogFields = Record<string, unknown>;

/** The logger interface the worker, the activity runner and the client write to. */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * A logger that writes one JSON line per event through `write` (stderr by default) and drops lines
 * below `level`.
 */
export class JsonLogger implements Logger {
  readonly #write: (line: string) => void;
  readonly #min: number;
  readonly #base: LogFields;

  constructor(options: { level?: LogLevel; write?: (line: string) => void; fields?: LogFields } = {}) {
    this.#min = ORDER[options.level ?? 'info'];
    this.#write = options.write ?? ((line) => process.stderr.write(line));
    this.#base = options.fields ?? {};
  }

  log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (ORDER[level] < this.#min) return;
    const line = { level, msg, time: new Date().toISOString(), ...this.#base, ...fields };
    this.#write(`${JSON.stringify(line, replacer)}\n`);
  }
}

/** A logger that drops everything (for tests and benchmarks). */
export const silentLogger: Logger = { log() {} };

/** Errors serialise as their message and code instead of `{}`. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return code === undefined
      ? { name: value.name, message: value.message }
      : { name: value.name, code, message: value.message };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Adds fixed fields to every line written through `logger`. */
export function withFields(logger: Logger, fields: LogFields): Logger {
  return { log: (level, msg, extra) => logger.log(level, msg, extra ? { ...fields, ...extra } : fields) };
}
