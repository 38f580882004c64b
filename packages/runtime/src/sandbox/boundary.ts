/**
 * The one place where data crosses between the host and an isolate. Everything goes through V8's
 * structured-clone serializer (Date, bigint, Map, Set, typed arrays and `undefined` survive; functions,
 * symbols and proxies do not), in both directions; no `Reference` to a host object and no host error
 * ever enters the isolate. What comes out is checked ({@link checkCompletion}) before the host uses it,
 * and what the isolate throws arrives as a plain record made inside the deadline.
 */
import ivm from 'isolated-vm';
import type { Activation } from '../protocol/activation.ts';
import { BUNDLE_GLOBAL, RUN_ENV_GLOBAL } from '../protocol/bundle.ts';
import type { Completion } from '../protocol/completion.ts';
import { checkCompletion } from './completion-shape.ts';
import { DRIVER_SOURCE } from './driver-source.ts';
import { SandboxCopyError, SandboxProtocolError } from './errors.ts';

/** A value thrown by workflow or bundle code, described inside the isolate as plain strings. */
export interface ThrownRecord {
  name: string;
  message: string;
  code: string;
  stack: string;
}

/** How a call into the isolate failed, from the host's point of view. */
export type IsolateFailure = 'timeout' | 'memory' | 'copy' | 'other';

/** What a successful bundle load reports. */
export interface LoadResult {
  types: string[];
  frozen: number;
  buildId: string;
}

/** Sorts an error thrown by an isolated-vm call (a plain copy made by isolated-vm, never an isolate object). */
export function classifyIsolateError(error: unknown, isolate: ivm.Isolate): IsolateFailure {
  if (isolate.isDisposed) return 'memory';
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('Script execution timed out')) return 'timeout';
  if (message.includes('memory limit') || message.includes('Isolate was disposed')) return 'memory';
  if (message.includes('could not be cloned') || message === 'illegal access') return 'copy';
  return 'other';
}

/** The host's handles on one context's driver (see driver-source.ts). */
export class Boundary {
  readonly #activate: ivm.Reference<
    (runId: string, activation: unknown, fresh: boolean) => ThrownRecord | undefined
  >;
  readonly #conclude: ivm.Reference<(runId: string) => [0, unknown] | [1, ThrownRecord] | [2]>;
  readonly #drop: ivm.Reference<(runId: string) => void>;
  readonly #init: ivm.Reference<(env: string, bundle: string) => LoadResult>;
  readonly #recall: ivm.Reference<() => [0] | [1, unknown]>;
  /** The first rejection isolated-vm threw out of a call since {@link takeUnhandledRejection}. */
  #rejection: { reason: unknown } | undefined;

  /** Evaluates the driver in `context`; call before the bundle so it captures pristine intrinsics. */
  constructor(context: ivm.Context) {
    const driver = context.evalSync(DRIVER_SOURCE, { reference: true }) as ivm.Reference<
      Record<string, unknown>
    >;
    this.#activate = driver.getSync('activate', { reference: true }) as never;
    this.#conclude = driver.getSync('conclude', { reference: true }) as never;
    this.#drop = driver.getSync('drop', { reference: true }) as never;
    this.#init = driver.getSync('init', { reference: true }) as never;
    this.#recall = driver.getSync('recall', { reference: true }) as never;
    driver.release();
  }

  /** Checks the loaded bundle, reads its workflow types, and locks the context down. */
  init(timeoutMs: number): LoadResult {
    return this.#init.applySync(undefined, [RUN_ENV_GLOBAL, BUNDLE_GLOBAL], {
      timeout: timeoutMs,
      result: { copy: true },
    }) as LoadResult;
  }

  /**
   * Copies `activation` in and applies it; `fresh` instantiates the run first. Microtasks run before
   * it returns. isolated-vm copies the arguments (`arguments: { copy: true }`) before it enters the
   * isolate, which costs about half of a separate `ExternalCopy` handle per call.
   */
  activate(
    runId: string,
    activation: Activation,
    fresh: boolean,
    timeoutMs: number,
  ): ThrownRecord | undefined {
    try {
      return this.#activate.applySync(undefined, [runId, activation, fresh], {
        arguments: { copy: true },
        result: { copy: true },
        timeout: timeoutMs,
      }) as ThrownRecord | undefined;
    } catch (error) {
      throwIfUncopyable(runId, activation);
      throw error;
    }
  }

  /**
   * Calls `conclude()` and copies its answer out: a checked completion, `undefined` (call again), or
   * the record of what it threw. A completion that cannot be copied is the bundle's fault.
   */
  conclude(runId: string, timeoutMs: number): Completion | ThrownRecord | undefined {
    let answer: unknown;
    try {
      answer = this.#conclude.applySync(undefined, [runId], { result: { copy: true }, timeout: timeoutMs });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.includes('could not be cloned') || message === 'illegal access') {
        throw new SandboxProtocolError(
          runId,
          `the completion could not be copied out of the sandbox (${message === 'illegal access' ? 'it has a getter' : message}); completions must be plain data`,
        );
      }
      answer = this.recall(error, timeoutMs);
    }
    if (!Array.isArray(answer)) throw new SandboxProtocolError(runId, 'the driver answered with junk');
    if (answer[0] === 2) return undefined;
    if (answer[0] === 1) return answer[1] as ThrownRecord;
    return checkCompletion(answer[1], runId);
  }

  /**
   * What the last `activate`/`conclude` call answered, when `error` is what isolated-vm threw out of
   * it after it answered: a promise rejection that no handler had taken by the end of the call's
   * microtask checkpoint. Such a rejection is not a failure (a handler may come in a later workflow
   * task); it is noted for {@link takeUnhandledRejection}. Any other error is rethrown as it is.
   */
  recall(error: unknown, timeoutMs: number): unknown {
    // Ours: thrown before the isolate was called, so the driver's answer is an older call's.
    if (error instanceof SandboxCopyError || error instanceof SandboxProtocolError) throw error;
    const message = error instanceof Error ? error.message : '';
    if (/Script execution timed out|memory limit|Isolate (was|is) disposed/.test(message)) throw error;
    const kept = this.#recall.applySync(undefined, [], { result: { copy: true }, timeout: timeoutMs }) as
      | [0]
      | [1, unknown];
    if (kept[0] === 0) throw error;
    this.#rejection ??= { reason: error };
    return kept[1];
  }

  /** The first unhandled rejection noted by {@link recall} since the last call, if any; clears it. */
  takeUnhandledRejection(): { reason: unknown } | undefined {
    const rejection = this.#rejection;
    this.#rejection = undefined;
    return rejection;
  }

  /** Forgets a run's instance inside the isolate. */
  drop(runId: string): void {
    this.#drop.applySync(undefined, [runId], { timeout: 1000 });
  }
}

/**
 * Throws the SandboxCopyError for an activation that cannot be copied into an isolate. The argument
 * copy of `applySync` uses the same serializer as `ExternalCopy`, so after a failed call this tells a
 * copy failure (the isolate was never entered) from an error raised inside the call.
 */
function throwIfUncopyable(runId: string, activation: Activation): void {
  let copy: ivm.ExternalCopy<Activation>;
  try {
    copy = new ivm.ExternalCopy(activation);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SandboxCopyError(
      runId,
      message === 'illegal access' ? 'it contains a getter or an Error object' : message,
    );
  }
  copy.release();
}

/** True for a {@link ThrownRecord} (as opposed to a completion). */
export function isThrownRecord(value: Completion | ThrownRecord): value is ThrownRecord {
  return !('commands' in value);
}

/** The completion the host reports when workflow code threw out of `activate`/`conclude`. */
export function taskFailureCompletion(runId: string, thrown: ThrownRecord): Completion {
  const code =
    thrown.code !== ''
      ? thrown.code
      : thrown.name === 'DeterminismViolationError'
        ? 'DETERMINISM_VIOLATION'
        : 'WORKFLOW_TASK_FAILED';
  return {
    runId,
    commands: [],
    queryResults: [],
    logs: [],
    taskFailure: {
      message: `${thrown.name}: ${thrown.message}`,
      source: 'ApplicationFailure',
      type: thrown.name,
      ...(thrown.stack !== '' ? { stack: thrown.stack } : {}),
      code,
    },
  };
}
