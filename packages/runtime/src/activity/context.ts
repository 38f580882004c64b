/**
 * The activity context: what an activity implementation sees of its own execution. Activities call
 * {@link activityContext} (or `Context.current()`) from anywhere inside their call tree; the runner
 * binds the context with `AsyncLocalStorage`, so no parameter threading is needed.
 *
 * Host-only (activities run on the worker host, outside the sandbox).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { RepriseError } from '../errors.ts';

/** Facts about the activity attempt being executed. */
export interface ActivityInfo {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  activityId: string;
  activityType: string;
  /** 1 on the first attempt. */
  attempt: number;
  /** Details of the last heartbeat of an earlier attempt, to resume progress. */
  heartbeatDetails?: unknown;
  /** Deadline of this attempt (startToClose), ms since the epoch, if any. */
  attemptDeadline?: number;
  heartbeatTimeoutMs?: number;
  scheduledTime: number;
}

/** What the context needs from whoever runs the activity (the worker, or a test environment). */
export interface ActivityContextHost {
  /** Records heartbeat details; throttling and delivery are the host's concern. */
  heartbeat(details: unknown): void;
}

/** Thrown into an activity (through its abort signal's `reason`) when it is cancelled or timed out. */
export class ActivityCancelledError extends RepriseError {
  /** Why the activity was asked to stop. */
  readonly reason: 'cancelled' | 'timedOut' | 'workerShutdown' | 'leaseLost';
  constructor(reason: ActivityCancelledError['reason'], message: string) {
    super('ACTIVITY_CANCELLED', message);
    this.reason = reason;
  }
}

/**
 * The context of one activity attempt.
 * @example
 * ```ts
 * export async function download(url: string) {
 *   const ctx = activityContext();
 *   const start = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
 *   for (let i = start; i < 100; i++) {
 *     ctx.heartbeat(i); // progress survives a retry on another worker
 *     await fetchChunk(url, i, { signal: ctx.cancellationSignal });
 *   }
 * }
 * ```
 */
export class ActivityContext {
  readonly info: ActivityInfo;
  /** Aborted when the activity is cancelled, times out, or its worker shuts down. */
  readonly cancellationSignal: AbortSignal;
  readonly #host: ActivityContextHost;
  #cancelled: Promise<never> | undefined;

  constructor(info: ActivityInfo, signal: AbortSignal, host: ActivityContextHost) {
    this.info = info;
    this.cancellationSignal = signal;
    this.#host = host;
  }

  /** The context of the activity running in the current async call tree. @throws when called outside an activity. */
  static current(): ActivityContext {
    const ctx = storage.getStore();
    if (!ctx) {
      throw new RepriseError(
        'NOT_IN_ACTIVITY',
        'activityContext() was called outside an activity; call it from the activity function (or code it awaits)',
      );
    }
    return ctx;
  }

  /**
   * Reports progress. `details` are stored (throttled) and handed to the next attempt as
   * `info.heartbeatDetails`; each heartbeat also resets the heartbeat timeout and is how a
   * cancellation request reaches the activity.
   */
  heartbeat(details?: unknown): void {
    this.#host.heartbeat(details);
  }

  /** A promise that rejects with the cancellation reason when the activity is cancelled. */
  get cancelled(): Promise<never> {
    this.#cancelled ??= new Promise<never>((_, reject) => {
      const fail = () => reject(this.cancellationSignal.reason);
      if (this.cancellationSignal.aborted) fail();
      else this.cancellationSignal.addEventListener('abort', fail, { once: true });
    });
    // Nobody may be listening; avoid an unhandled rejection.
    this.#cancelled.catch(() => {});
    return this.#cancelled;
  }

  /** Sleeps `ms` milliseconds, rejecting early if the activity is cancelled. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const signal = this.cancellationSignal;
      if (signal.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs `fn` with this context as the current one. */
  run<T>(fn: () => T): T {
    return storage.run(this, fn);
  }
}

const storage = new AsyncLocalStorage<ActivityContext>();

/** The context of the activity running in the current async call tree. */
export function activityContext(): ActivityContext {
  return ActivityContext.current();
}
