/**
 * Runs one claimed activity task on the host: binds the {@link ActivityContext}, enforces the
 * start-to-close and heartbeat timeouts, delivers cancellation through the context's abort signal,
 * and reports the outcome to the store. Retries and backoff are the store's decision (it reads the
 * retry policy recorded in history); the runner only classifies the failure.
 *
 * Host-only.
 */
import type { ActivityOutcome, ActivityTask, HistoryStore } from '@reprise/history-store';
import type { Logger } from '../worker/logger.ts';
import { ActivityCancelledError, ActivityContext, type ActivityInfo } from './context.ts';
import { timeoutFailure, toFailureInfo } from './failure.ts';
import { HeartbeatPump, type StopReason } from './heartbeat.ts';

/** An activity implementation: any async function of plain-data arguments. */
// biome-ignore lint/suspicious/noExplicitAny: activity signatures are the user's own.
export type ActivityFunction = (...args: any[]) => unknown;

/** Activity implementations by type name (an activities module's exports). */
export type ActivityImplementations = Record<string, ActivityFunction>;

/** Options of {@link runActivityTask}. */
export interface RunActivityOptions {
  store: Pick<HistoryStore, 'heartbeatActivityTask' | 'completeActivityTask' | 'clock'>;
  activities: ActivityImplementations;
  leaseMs: number;
  logger: Logger;
  /** Aborted when the worker shuts down past its grace period: the attempt is abandoned, not failed. */
  shutdownSignal?: AbortSignal;
  /** Called after the attempt ended, before its outcome is reported (fault tests). */
  beforeReport?: () => void | Promise<void>;
}

/** What happened to one attempt, for the worker's logs and tests. */
export type AttemptResult =
  | { reported: true; outcome: ActivityOutcome; retryAt?: number }
  /** Nothing was reported: the lease was lost or the worker shut down; the store hands the task on. */
  | { reported: false; reason: 'leaseLost' | 'workerShutdown' | 'reportFailed' };

/** Runs one activity attempt to its end and reports the outcome. Never throws. */
export async function runActivityTask(task: ActivityTask, o: RunActivityOptions): Promise<AttemptResult> {
  const fields = {
    workflowId: task.workflowId,
    runId: task.runId,
    activityId: task.activityId,
    activityType: task.activityType,
    attempt: task.attempt,
  };
  const outcome = await execute(task, o);
  if ('abandoned' in outcome) {
    o.logger.log('warn', 'activity attempt abandoned', { ...fields, reason: outcome.abandoned });
    return { reported: false, reason: outcome.abandoned };
  }
  try {
    await o.beforeReport?.();
    const res = await o.store.completeActivityTask(task, outcome);
    if (outcome.status === 'failed') {
      o.logger.log(
        res.recorded ? 'warn' : 'info',
        res.recorded ? 'activity failed' : 'activity attempt failed, will retry',
        {
          ...fields,
          error: outcome.failure.message,
          errorType: outcome.failure.type,
          ...(res.recorded ? {} : { retryAt: new Date(res.retryAt).toISOString() }),
        },
      );
    } else o.logger.log('debug', `activity ${outcome.status}`, fields);
    return res.recorded ? { reported: true, outcome } : { reported: true, outcome, retryAt: res.retryAt };
  } catch (err) {
    const stale = (err as { code?: unknown })?.code === 'STALE_LEASE';
    o.logger.log(
      stale ? 'warn' : 'error',
      stale ? 'activity completion rejected: lease lost' : 'activity completion failed',
      {
        ...fields,
        error: err,
      },
    );
    return { reported: false, reason: stale ? 'leaseLost' : 'reportFailed' };
  }
}

type Executed = ActivityOutcome | { abandoned: 'leaseLost' | 'workerShutdown' };

async function execute(task: ActivityTask, o: RunActivityOptions): Promise<Executed> {
  const impl = Object.hasOwn(o.activities, task.activityType) ? o.activities[task.activityType] : undefined;
  if (typeof impl !== 'function') {
    const known = Object.keys(o.activities).sort().join(', ') || '(none)';
    return {
      status: 'failed',
      failure: {
        message: `activity type '${task.activityType}' is not registered on this worker (registered: ${known}); register it in the worker's activities`,
        source: 'ApplicationFailure',
        type: 'ActivityNotRegistered',
      },
    };
  }
  if (task.cancelRequested) return { status: 'cancelled' };

  const controller = new AbortController();
  let stop: StopReason | 'startToClose' | 'workerShutdown' | undefined;
  let wake: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const halt = (reason: NonNullable<typeof stop>) => {
    if (stop) return;
    stop = reason;
    const why =
      reason === 'cancelled'
        ? 'cancelled'
        : reason === 'leaseLost'
          ? 'leaseLost'
          : reason === 'workerShutdown'
            ? 'workerShutdown'
            : 'timedOut';
    controller.abort(new ActivityCancelledError(why, `activity ${task.activityType} stopped: ${reason}`));
    wake?.();
  };

  const pump = new HeartbeatPump({
    store: o.store,
    task,
    leaseMs: o.leaseMs,
    logger: o.logger,
    onStop: halt,
  });
  const info: ActivityInfo = {
    workflowId: task.workflowId,
    runId: task.runId,
    workflowType: task.workflowType,
    taskQueue: task.taskQueue,
    activityId: task.activityId,
    activityType: task.activityType,
    attempt: task.attempt,
    scheduledTime: task.scheduledTime,
  };
  if (task.heartbeatDetails !== undefined) info.heartbeatDetails = task.heartbeatDetails;
  if (task.attemptDeadline !== undefined) info.attemptDeadline = task.attemptDeadline;
  if (task.heartbeatTimeoutMs !== undefined) info.heartbeatTimeoutMs = task.heartbeatTimeoutMs;
  const ctx = new ActivityContext(info, controller.signal, { heartbeat: (d) => pump.record(d) });

  let deadlineTimer: NodeJS.Timeout | undefined;
  if (task.attemptDeadline !== undefined) {
    const left = task.attemptDeadline - o.store.clock.now();
    deadlineTimer = setTimeout(() => halt('startToClose'), Math.max(0, left));
  }
  const onShutdown = () => halt('workerShutdown');
  o.shutdownSignal?.addEventListener('abort', onShutdown, { once: true });
  if (o.shutdownSignal?.aborted) onShutdown();

  pump.start();
  const running = (async () => ctx.run(() => impl(...task.input)))();
  let settled: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  // A stop that comes after the activity settled does not change its outcome.
  let stopAtSettle: typeof stop;
  try {
    // Cancellation waits for the activity to react (it may still complete); timeouts and a lost
    // lease do not: the attempt is over whatever the code does next.
    await Promise.race([
      running.then(
        (value) => {
          settled = { ok: true, value };
          stopAtSettle = stop;
        },
        (error: unknown) => {
          settled = { ok: false, error };
          stopAtSettle = stop;
        },
      ),
      stopped.then(() => (stop === 'cancelled' ? running.then(noop, noop) : undefined)),
    ]);
  } finally {
    clearTimeout(deadlineTimer);
    o.shutdownSignal?.removeEventListener('abort', onShutdown);
    await pump.stop();
  }
  running.catch(noop);

  const reason = settled ? stopAtSettle : stop;
  if (reason === 'leaseLost' || reason === 'workerShutdown') return { abandoned: reason };
  if (reason === 'startToClose')
    return { status: 'failed', failure: timeoutFailure('startToClose', task.activityType, undefined) };
  if (reason === 'heartbeatTimeout')
    return {
      status: 'failed',
      failure: timeoutFailure('heartbeat', task.activityType, task.heartbeatTimeoutMs),
    };
  if (settled?.ok) return { status: 'completed', result: settled.value };
  if (reason === 'cancelled') {
    const details = pump.details;
    return details === undefined ? { status: 'cancelled' } : { status: 'cancelled', details: [details] };
  }
  return { status: 'failed', failure: toFailureInfo(settled?.error) };
}

function noop(): void {}
