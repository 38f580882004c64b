/**
 * `proxyActivities`: typed stubs that schedule activities. Each call becomes a `scheduleActivity`
 * command; the activity runs on a worker and its result (or failure, after its retries) resolves
 * the call's promise.
 *
 * Sandbox-safe: no Node imports.
 */
import type { ActivityOptionsMs } from '../../protocol/completion.ts';
import { type Duration, parseDuration } from '../../protocol/duration.ts';
import { mutableRun } from '../current.ts';
import { ActivityFailure } from './failures.ts';

/** Retry policy of an activity. Durations take milliseconds or strings like `'30s'`. */
export interface RetryPolicy {
  /** Delay before the first retry (default 1s). */
  initialInterval?: Duration;
  /** Growth of the delay per retry (default 2, at least 1). */
  backoffCoefficient?: number;
  /** Cap on the delay (default 100 × initialInterval). */
  maximumInterval?: Duration;
  /** Attempts in total, first included; 0 means unlimited (the default). */
  maximumAttempts?: number;
  /** Failure types (an `ApplicationFailure`'s type or an error's class name) that are never retried. */
  nonRetryableErrorTypes?: string[];
}

/** Options of the activities created by {@link proxyActivities}. */
export interface ActivityOptions {
  /** Longest time one attempt may run. Either this or `scheduleToCloseTimeout` is required. */
  startToCloseTimeout?: Duration;
  /** Longest time for all attempts together, retries included. */
  scheduleToCloseTimeout?: Duration;
  /** Longest time an attempt may wait in the task queue before a worker starts it. */
  scheduleToStartTimeout?: Duration;
  /** The attempt fails when it has not heartbeated for this long. */
  heartbeatTimeout?: Duration;
  /** Task queue of the workers that run it (default: the workflow's). */
  taskQueue?: string;
  retry?: RetryPolicy;
  /**
   * What cancelling the activity's scope does: `tryCancel` (default) requests cancellation and
   * rejects at once; `waitCancellationCompleted` waits until the activity acknowledges; `abandon`
   * rejects at once and does not tell the activity.
   */
  cancellationType?: ActivityOptionsMs['cancellationType'];
  /** The activity id (default: the call's sequence number). Must be unique within the run. */
  activityId?: string;
}

/** Activity functions as the workflow sees them: same arguments, a promise of the result. */
export type ActivityInterfaceFor<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/**
 * Returns typed stubs for the activities of `T` (an interface or `typeof import('./activities')`,
 * imported with `import type` so no activity code enters the workflow bundle).
 * @throws TypeError when neither `startToCloseTimeout` nor `scheduleToCloseTimeout` is set, or an
 * option is invalid.
 * @example
 * const { chargePayment } = proxyActivities<typeof activities>({
 *   startToCloseTimeout: '1 minute',
 *   retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['CardDeclined'] },
 * });
 */
export function proxyActivities<T = Record<string, (...args: never[]) => unknown>>(
  options: ActivityOptions,
): ActivityInterfaceFor<T> {
  const resolved = resolveActivityOptions(options);
  const activityId = options.activityId;
  return new Proxy({} as ActivityInterfaceFor<T>, {
    get(_, name) {
      // Not an activity: keeps the proxy from looking like a promise or failing on inspection.
      if (typeof name !== 'string' || name === 'then') return undefined;
      return (...args: unknown[]) => scheduleActivity(name, args, resolved, activityId);
    },
  });
}

function scheduleActivity(
  activityType: string,
  args: unknown[],
  options: ActivityOptionsMs,
  fixedId: string | undefined,
): Promise<unknown> {
  const run = mutableRun(activityType);
  const scope = run.currentScope;
  if (scope.consideredCancelled) return Promise.reject(scope.cancellationReason);
  const seq = run.nextSeq('activity');
  const activityId = fixedId ?? String(seq);
  const op = run.operation<unknown>(scope);
  run.emit({ kind: 'scheduleActivity', seq, activityId, activityType, args, options });
  const detach = scope.onCancel((reason) => {
    const type = options.cancellationType ?? 'tryCancel';
    // An activity whose result is in this activation already ended in history: nothing to cancel.
    if (type !== 'abandon' && !run.resolvingActivities.has(seq))
      run.emit({ kind: 'requestCancelActivity', seq });
    // tryCancel and abandon reject now; waitCancellationCompleted waits for the resolution job.
    if (type !== 'waitCancellationCompleted') {
      run.activities.delete(seq);
      op.reject(
        new ActivityFailure(
          `activity ${activityType} (id ${activityId}) was cancelled`,
          activityType,
          activityId,
          'cancelRequested',
          reason,
        ),
      );
    }
  });
  run.activities.set(seq, {
    activityType,
    activityId,
    resolve: (value) => {
      detach();
      op.resolve(value);
    },
    reject: (err) => {
      detach();
      op.reject(err);
    },
  });
  return op.promise;
}

/** Validates activity options and converts every duration to milliseconds. */
export function resolveActivityOptions(options: ActivityOptions): ActivityOptionsMs {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'proxyActivities: expected an options object, e.g. { startToCloseTimeout: "1 minute" }',
    );
  }
  if (options.startToCloseTimeout === undefined && options.scheduleToCloseTimeout === undefined) {
    throw new TypeError(
      'proxyActivities: set startToCloseTimeout or scheduleToCloseTimeout, e.g. ' +
        "proxyActivities({ startToCloseTimeout: '1 minute' }); without one a lost attempt would never time out",
    );
  }
  const out: ActivityOptionsMs = {};
  const ms = (value: Duration | undefined, what: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = parseDuration(value, `proxyActivities ${what}`);
    if (n === 0) throw new TypeError(`proxyActivities ${what}: must be greater than 0`);
    return n;
  };
  const set = (key: keyof ActivityOptionsMs & `${string}Ms`, value: number | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('startToCloseTimeoutMs', ms(options.startToCloseTimeout, 'startToCloseTimeout'));
  set('scheduleToCloseTimeoutMs', ms(options.scheduleToCloseTimeout, 'scheduleToCloseTimeout'));
  set('scheduleToStartTimeoutMs', ms(options.scheduleToStartTimeout, 'scheduleToStartTimeout'));
  set('heartbeatTimeoutMs', ms(options.heartbeatTimeout, 'heartbeatTimeout'));
  if (options.taskQueue !== undefined) out.taskQueue = options.taskQueue;
  if (options.cancellationType !== undefined) {
    if (!['tryCancel', 'waitCancellationCompleted', 'abandon'].includes(options.cancellationType)) {
      throw new TypeError(
        `proxyActivities cancellationType: expected 'tryCancel', 'waitCancellationCompleted' or 'abandon', got ${JSON.stringify(options.cancellationType)}`,
      );
    }
    out.cancellationType = options.cancellationType;
  }
  if (options.retry !== undefined) out.retry = resolveRetry(options.retry);
  return out;
}

function resolveRetry(retry: RetryPolicy): NonNullable<ActivityOptionsMs['retry']> {
  const out: NonNullable<ActivityOptionsMs['retry']> = {};
  if (retry.initialInterval !== undefined) {
    out.initialIntervalMs = parseDuration(retry.initialInterval, 'retry.initialInterval');
  }
  if (retry.maximumInterval !== undefined) {
    out.maximumIntervalMs = parseDuration(retry.maximumInterval, 'retry.maximumInterval');
    if (out.initialIntervalMs !== undefined && out.maximumIntervalMs < out.initialIntervalMs) {
      throw new TypeError('retry.maximumInterval: must not be shorter than retry.initialInterval');
    }
  }
  if (retry.backoffCoefficient !== undefined) {
    if (!Number.isFinite(retry.backoffCoefficient) || retry.backoffCoefficient < 1) {
      throw new TypeError(
        `retry.backoffCoefficient: expected a number >= 1, got ${retry.backoffCoefficient}`,
      );
    }
    out.backoffCoefficient = retry.backoffCoefficient;
  }
  if (retry.maximumAttempts !== undefined) {
    if (!Number.isInteger(retry.maximumAttempts) || retry.maximumAttempts < 0) {
      throw new TypeError(
        `retry.maximumAttempts: expected a whole number >= 0 (0 = unlimited), got ${retry.maximumAttempts}`,
      );
    }
    out.maximumAttempts = retry.maximumAttempts;
  }
  if (retry.nonRetryableErrorTypes !== undefined) {
    if (
      !Array.isArray(retry.nonRetryableErrorTypes) ||
      retry.nonRetryableErrorTypes.some((t) => typeof t !== 'string')
    ) {
      throw new TypeError('retry.nonRetryableErrorTypes: expected an array of type names (strings)');
    }
    out.nonRetryableErrorTypes = [...retry.nonRetryableErrorTypes];
  }
  return out;
}
