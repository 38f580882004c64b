/**
 * The state of one run inside the sandbox: the commands of the current activation, sequence numbers,
 * pending operations, handlers, conditions and the run's deterministic environment ({@link RunEnv}).
 * Workflow API calls reach it through `activeRun()`; the run instance drives it.
 *
 * Sandbox-safe: no Node imports.
 */
import type { Job, WorkflowInfoInit } from '../protocol/activation.ts';
import type { RunEnv } from '../protocol/bundle.ts';
import type { Command, LogRecord, QueryResult } from '../protocol/completion.ts';
import type { FailureInfo } from '../protocol/failure.ts';
import { CancellationScope } from './api/cancellation.ts';
import { errorToFailure, isCancellation, isFailure } from './api/failures.ts';
import { formatLogArgs } from './log-format.ts';
import { Sfc32 } from './random.ts';

/** Kinds of command that carry a per-kind sequence number. */
export type SeqKind = 'timer' | 'activity' | 'child' | 'signalExternal' | 'cancelExternal';

/** The settle functions of a pending operation. */
export interface Pending<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

/** A blocked `condition()`. */
export interface BlockedCondition {
  fn: () => boolean;
  resolve(): void;
  reject(err: unknown): void;
}

/** Signal, query and update handlers by name. */
export interface UpdateHandler {
  handler: (...args: never[]) => unknown;
  validator: ((...args: never[]) => void) | undefined;
}

/** Thrown by `continueAsNew()`: unwinds the workflow; the run turns it into the command. */
export class ContinueAsNewRequest extends Error {
  readonly command: Extract<Command, { kind: 'continueAsNew' }>;
  constructor(command: Extract<Command, { kind: 'continueAsNew' }>) {
    super(`continue as new (${command.workflowType})`);
    this.name = 'ContinueAsNew';
    this.command = command;
  }
}

/** A task failure: the activation failed, nothing is recorded, and the workflow task is retried. */
export type TaskFailure = FailureInfo & { code: string };

/** Per-run state and the run's {@link RunEnv}. */
export class Run implements RunEnv {
  // Facts of the current activation.
  timestamp = 0;
  isReplaying = false;
  historyLength = 0;
  continueAsNewSuggested = false;
  captureLocations = false;
  info: WorkflowInfoInit | undefined;
  rng: Sfc32 = new Sfc32([]);

  // Output of the current activation.
  commands: Command[] = [];
  queryResults: QueryResult[] = [];
  logs: LogRecord[] = [];
  taskFailure: TaskFailure | undefined;

  /** Set once a terminal command was emitted: later commands are dropped. */
  completed = false;
  /** Set by a `cancelWorkflow` job: a cancellation escaping the workflow cancels the run. */
  cancelRequested = false;
  /** Why the run must not change right now (inside a query handler or update validator). */
  readOnlyReason: string | undefined;

  readonly rootScope: CancellationScope = new CancellationScope({ parent: null });
  currentScope: CancellationScope = this.rootScope;

  readonly #seqs: Record<SeqKind, number> = {
    timer: 1,
    activity: 1,
    child: 1,
    signalExternal: 1,
    cancelExternal: 1,
  };
  readonly timers = new Map<number, () => void>();
  /** Timers and activities the current activation resolves (their cancellation is moot). */
  readonly firingTimers = new Set<number>();
  readonly resolvingActivities = new Set<number>();
  readonly activities = new Map<number, Pending<unknown> & { activityType: string; activityId: string }>();
  readonly childStarts = new Map<number, Pending<string>>();
  readonly childResults = new Map<number, Pending<unknown> & { workflowType: string; workflowId: string }>();
  readonly externalSignals = new Map<number, Pending<void>>();
  readonly externalCancels = new Map<number, Pending<void>>();
  readonly conditions = new Map<number, BlockedCondition>();
  #conditionSeq = 1;

  readonly signalHandlers = new Map<string, (...args: never[]) => unknown>();
  readonly bufferedSignals: { name: string; args: unknown[] }[] = [];
  /** Updates whose handler is not set yet; rejected if still unhandled when the activation ends. */
  bufferedUpdates: Extract<Job, { kind: 'update' }>[] = [];
  readonly queryHandlers = new Map<string, (...args: never[]) => unknown>();
  readonly updateHandlers = new Map<string, UpdateHandler>();

  /** Patch ids and versions the history recorded (from notify jobs), for the versioning calls. */
  readonly patches = new Set<string>();
  readonly versions = new Map<string, number>();

  /** Next sequence number of a command kind (1, 2, 3 ... per kind, in call order). */
  nextSeq(kind: SeqKind): number {
    return this.#seqs[kind]++;
  }

  /** True when `seq` was handed out for `kind` (a late resolution of a cancelled operation). */
  wasIssued(kind: SeqKind, seq: number): boolean {
    return seq > 0 && seq < this.#seqs[kind];
  }

  /** Appends a command of this activation (dropped after the workflow completed). */
  emit(command: Command): void {
    if (this.readOnlyReason !== undefined) {
      // The API calls check this first with a better message; this catches every other path.
      throw new Error(
        `${command.kind} cannot be emitted from ${this.readOnlyReason}: it must not change the run`,
      );
    }
    if (this.completed || this.taskFailure !== undefined) return;
    if (this.captureLocations && command.stack === undefined) command.stack = captureStack();
    this.commands.push(command);
  }

  /** Emits a terminal command (complete, fail, cancel, continue-as-new); later commands are dropped. */
  emitTerminal(command: Command): void {
    this.emit(command);
    this.completed = true;
  }

  /** Starts a durable timer; `onFire` runs when it fires. Returns its sequence number. */
  startTimer(ms: number, onFire: () => void): number {
    const seq = this.nextSeq('timer');
    this.emit({ kind: 'startTimer', seq, durationMs: ms });
    this.timers.set(seq, onFire);
    return seq;
  }

  /**
   * Cancels a pending timer (emitting `cancelTimer`). False when it already fired or was cancelled.
   * A timer whose `fireTimer` job is in the current activation has fired in history already: it is
   * dropped without a command, as it would be on every replay of the same activation.
   */
  cancelTimer(seq: number): boolean {
    if (!this.timers.delete(seq)) return false;
    if (!this.firingTimers.has(seq)) this.emit({ kind: 'cancelTimer', seq });
    return true;
  }

  /**
   * A promise for an operation attached to `scope`. The user-facing promise restores `scope` as the
   * current scope just before the awaiting code resumes, so work started after an `await` stays in
   * the scope it was started from (there is no async context inside the sandbox).
   */
  operation<T>(scope: CancellationScope): Pending<T> & { promise: Promise<T> } {
    let resolve!: (value: T) => void;
    let reject!: (err: unknown) => void;
    const inner = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const promise = inner.then(
      (value) => {
        this.currentScope = scope;
        return value;
      },
      (err: unknown) => {
        this.currentScope = scope;
        throw err;
      },
    );
    return { promise, resolve, reject };
  }

  /** Blocks until the next activation's condition check finds `fn()` true. Returns its key. */
  addCondition(condition: BlockedCondition): number {
    const key = this.#conditionSeq++;
    this.conditions.set(key, condition);
    return key;
  }

  /**
   * Resolves the conditions whose predicate is now true (in creation order). Returns true when at
   * least one unblocked, so the host must let the woken code run before concluding.
   */
  checkConditions(): boolean {
    let unblocked = false;
    for (const [key, condition] of this.conditions) {
      let ready: boolean;
      try {
        ready = condition.fn();
      } catch (err) {
        this.conditions.delete(key);
        condition.reject(err);
        unblocked = true;
        continue;
      }
      if (ready) {
        this.conditions.delete(key);
        condition.resolve();
        unblocked = true;
      }
    }
    return unblocked;
  }

  /**
   * Decides what an error escaping workflow code (the workflow function or a handler) means:
   * continue-as-new, cancellation of the run, a workflow failure, or a task failure (a bug).
   */
  handleError(err: unknown): void {
    if (this.completed || this.taskFailure !== undefined) return;
    if (err instanceof ContinueAsNewRequest) {
      this.emitTerminal(err.command);
    } else if (this.cancelRequested && isCancellation(err)) {
      this.emitTerminal({ kind: 'cancelWorkflow' });
    } else if (isDeterminismViolation(err)) {
      this.failTask('DETERMINISM_VIOLATION', err);
    } else if (isFailure(err)) {
      this.emitTerminal({ kind: 'failWorkflow', failure: errorToFailure(err) });
    } else {
      this.failTask('WORKFLOW_CODE_ERROR', err);
    }
  }

  /** Fails the workflow task: the completion carries no commands and the task is retried. */
  failTask(code: string, err: unknown): void {
    if (this.taskFailure !== undefined) return;
    this.taskFailure = { ...errorToFailure(err), code };
  }

  // RunEnv: what the deterministic globals delegate to.

  now(): number {
    return this.timestamp;
  }

  random(): number {
    if (this.readOnlyReason !== undefined) {
      throw new Error(
        `Math.random() cannot be called from ${this.readOnlyReason}: it advances the run's random sequence ` +
          'and replay would diverge; draw random numbers in the workflow itself',
      );
    }
    return this.rng.next();
  }

  setTimeout(callback: (...args: unknown[]) => void, ms: number, args: unknown[]): number {
    if (this.readOnlyReason !== undefined) {
      throw new Error(`setTimeout() cannot be called from ${this.readOnlyReason}: it would start a timer`);
    }
    const delay = Number.isFinite(ms) && ms > 0 ? Math.round(ms) : 0;
    return this.startTimer(delay, () => {
      try {
        callback(...args);
      } catch (err) {
        this.handleError(err);
      }
    });
  }

  clearTimeout(handle: number): void {
    if (this.readOnlyReason !== undefined) {
      throw new Error(`clearTimeout() cannot be called from ${this.readOnlyReason}: it would cancel a timer`);
    }
    this.cancelTimer(handle);
  }

  log(level: LogRecord['level'], args: unknown[]): void {
    if (this.isReplaying) return;
    this.logs.push({ level, message: formatLogArgs(args), timestamp: this.timestamp });
  }

  /** Writes a structured log record (the `log` API): message plus attributes. */
  logRecord(
    level: LogRecord['level'],
    message: string,
    attributes: Record<string, unknown> | undefined,
  ): void {
    if (this.isReplaying) return;
    const record: LogRecord = { level, message, timestamp: this.timestamp };
    if (attributes !== undefined) record.attributes = attributes;
    this.logs.push(record);
  }
}

/** A determinism violation raised by the sandbox's globals (checked by name and code, not class). */
function isDeterminismViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'DeterminismViolationError' || e.code === 'DETERMINISM_VIOLATION';
}

function captureStack(): string {
  // The prelude raises Error.stackTraceLimit before lockdown (it is read-only afterwards), so the
  // runtime frames on top still leave the workflow's own frames in the trace.
  return new Error().stack ?? '';
}
