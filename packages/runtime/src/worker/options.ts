/**
 * Worker options, their defaults, and the checks that turn a bad option into one clear error.
 */
import { hostname } from 'node:os';
import type { HistoryStore } from '@reprise/history-store';
import type { ActivityImplementations } from '../activity/runner.ts';
import { RepriseError } from '../errors.ts';
import type { Logger } from './logger.ts';

/** Options of {@link Worker.create}. */
export interface WorkerOptions {
  /** The workflows entry file, compiled into one sandbox bundle at start. */
  workflowsPath?: string;
  /** Activity implementations by type name (usually `import * as activities from './activities.ts'`). */
  activities?: ActivityImplementations;
  /** The queue this worker serves, for workflow and activity tasks. */
  taskQueue: string;
  store: HistoryStore;
  /** Recorded in events and leases (default `<host>:<pid>`). */
  identity?: string;
  /**
   * Workflow tasks held at once (default 64). A task holds its slot through the completion's round
   * trip to the store, not only while its code runs (activations themselves run one at a time per
   * sandbox), so the limit is sized for the store's latency, not for the cores.
   */
  maxConcurrentWorkflowTasks?: number;
  /** Activity attempts run at once (default 100). */
  maxConcurrentActivities?: number;
  /** Live runs kept in memory between workflow tasks (default 1,000); evicted runs replay when they wake. */
  maxCachedRuns?: number;
  /**
   * A run that goes to sleep on a timer at least this far away (ms), with nothing else pending, is
   * evicted from the cache: its sandbox instance is disposed and it replays from history when it
   * wakes, so sleeping runs hold no sandbox memory (default 5,000; `0` evicts every sleeping run,
   * `Infinity` keeps them cached, subject to `maxCachedRuns`).
   */
  evictSleepingRunsAfterMs?: number;
  /**
   * Fold an activity's outcome and the workflow task it schedules into one store transaction while
   * fewer than this many workflow tasks are in flight (default 4; `0` never folds). Alone, a fold
   * saves a commit and a round trip per activity; under load, separate transactions share commits
   * better (group commit), so the worker stops folding.
   */
  foldBelowInFlight?: number;
  /** Where sandboxes run: a supervised child process, or this process (default: the sandbox's default). */
  isolation?: 'process' | 'inline';
  /** Lease of a claimed workflow task (default 10 s). */
  workflowTaskLeaseMs?: number;
  /**
   * Lease of a claimed activity attempt (default 10 s), renewed while the activity runs. After a crash,
   * another worker takes the attempt over once the lease expires.
   */
  activityLeaseMs?: number;
  /** Longest wait between empty polls when no notification arrives (default 1 s). */
  pollIntervalMs?: number;
  /**
   * Longest sleep of the timer loop when nothing of its own is due (default 1 s): how soon timers
   * and lease expiries created by other processes (a crashed worker's) are seen without a
   * notification. Each wake costs one `nextDueTime` query.
   */
  timerRecheckMs?: number;
  /** How long `shutdown()` lets running activities finish before abandoning them (default 10 s). */
  shutdownGraceMs?: number;
  /** Mark activations `continueAsNewSuggested` from this history length on (default 10,000). */
  continueAsNewSuggestedAt?: number;
  /** Where structured logs go (default: JSON lines on stderr, `info` and up). */
  logger?: Logger;
  /** Set false for an activity-only worker (no workflows bundle needed). */
  enableWorkflows?: boolean;
  /**
   * Called at named points of task processing, for fault tests that crash or pause a worker at an
   * exact place (e.g. `process.kill(process.pid, 'SIGKILL')` the third time a point is reached).
   */
  faultPoint?: FaultPointHook;
}

/** Named places in task processing where a fault test can intervene. */
export type FaultPoint =
  /** The sandbox produced the completion; nothing is written yet. */
  | 'workflowTask:beforeComplete'
  /** The completion committed; its new activities and timers exist, nobody started them. */
  | 'workflowTask:afterComplete'
  /** An activity attempt ended; its outcome is not reported yet. */
  | 'activity:beforeReport';

/** See {@link WorkerOptions.faultPoint}. */
export type FaultPointHook = (
  point: FaultPoint,
  where: { workflowId: string; runId: string },
) => void | Promise<void>;

/** Options with every default filled in. */
export interface ResolvedWorkerOptions {
  taskQueue: string;
  identity: string;
  maxConcurrentWorkflowTasks: number;
  maxConcurrentActivities: number;
  maxCachedRuns: number;
  foldBelowInFlight: number;
  evictSleepingRunsAfterMs: number;
  workflowTaskLeaseMs: number;
  activityLeaseMs: number;
  pollIntervalMs: number;
  timerRecheckMs: number;
  shutdownGraceMs: number;
  continueAsNewSuggestedAt: number;
}

/** Thrown by {@link Worker.create} for options it cannot work with. */
export class WorkerOptionsError extends RepriseError {
  constructor(message: string) {
    super('INVALID_WORKER_OPTIONS', message);
  }
}

/** Fills in defaults and checks values. @throws WorkerOptionsError */
export function resolveOptions(o: WorkerOptions): ResolvedWorkerOptions {
  if (!o.store)
    throw new WorkerOptionsError('Worker.create: `store` is required (openStore({ url }) or a memory store)');
  if (typeof o.taskQueue !== 'string' || o.taskQueue === '')
    throw new WorkerOptionsError('Worker.create: `taskQueue` must be a non-empty string');
  if (o.enableWorkflows !== false && !o.workflowsPath)
    throw new WorkerOptionsError(
      'Worker.create: `workflowsPath` is required (the workflows entry file), or pass enableWorkflows: false for an activity-only worker',
    );
  const r: ResolvedWorkerOptions = {
    taskQueue: o.taskQueue,
    identity: o.identity ?? `${hostname()}:${process.pid}`,
    maxConcurrentWorkflowTasks: positive('maxConcurrentWorkflowTasks', o.maxConcurrentWorkflowTasks, 64),
    maxConcurrentActivities: positive('maxConcurrentActivities', o.maxConcurrentActivities, 100),
    maxCachedRuns: nonNegative('maxCachedRuns', o.maxCachedRuns, 1000),
    foldBelowInFlight: nonNegative('foldBelowInFlight', o.foldBelowInFlight, 4),
    evictSleepingRunsAfterMs: threshold('evictSleepingRunsAfterMs', o.evictSleepingRunsAfterMs, 5000),
    workflowTaskLeaseMs: positive('workflowTaskLeaseMs', o.workflowTaskLeaseMs, 10_000),
    activityLeaseMs: positive('activityLeaseMs', o.activityLeaseMs, 10_000),
    pollIntervalMs: positive('pollIntervalMs', o.pollIntervalMs, 1000),
    timerRecheckMs: positive('timerRecheckMs', o.timerRecheckMs, 1000),
    shutdownGraceMs: nonNegative('shutdownGraceMs', o.shutdownGraceMs, 10_000),
    continueAsNewSuggestedAt: positive('continueAsNewSuggestedAt', o.continueAsNewSuggestedAt, 10_000),
  };
  return r;
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v <= 0)
    throw new WorkerOptionsError(`Worker.create: \`${name}\` must be a positive number, got ${v}`);
  return v;
}

/** Zero or more, `Infinity` allowed (a threshold that is never reached). */
function threshold(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (Number.isNaN(v) || v < 0)
    throw new WorkerOptionsError(`Worker.create: \`${name}\` must be zero or more (or Infinity), got ${v}`);
  return v;
}

function nonNegative(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0)
    throw new WorkerOptionsError(`Worker.create: \`${name}\` must be zero or more, got ${v}`);
  return v;
}
