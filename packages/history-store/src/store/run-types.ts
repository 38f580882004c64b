/**
 * Runs as the store's callers see them: references, start requests, the visible state of a run,
 * listing and retention. Part of the `HistoryStore` contract (types.ts).
 */
import type { HistoryEvent } from '../events/events.ts';
import type { EagerWorkflowClaim, WorkflowTask } from './task-types.ts';

/** Lifecycle state of a run. */
export type RunStatus =
  | 'running'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'terminated'
  | 'timedOut'
  | 'continuedAsNew';

/** What to do when a workflow id is reused after its previous run closed. A running id is always rejected. */
export type WorkflowIdReusePolicy = 'allowDuplicate' | 'allowDuplicateFailedOnly' | 'rejectDuplicate';

/** A clock: milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

/** Identifies one run. */
export interface RunRef {
  workflowId: string;
  runId: string;
}

/** A request to start a new run. */
export interface StartWorkflowRequest {
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input: unknown[];
  /** Generated when absent. */
  runId?: string;
  /** Generated when absent. Four unsigned 32-bit words. */
  randomnessSeed?: number[];
  idReusePolicy?: WorkflowIdReusePolicy;
  workflowRunTimeoutMs?: number;
  workflowExecutionTimeoutMs?: number;
  identity?: string;
  /** For signal-with-start: delivered in the same transaction as the start (or to the running run). */
  signal?: { name: string; input: unknown[] };
  /**
   * Eager start: lease the new run's first workflow task to this claimer in the start transaction and
   * return it (see {@link StartWorkflowResult.workflowTask}); a worker in the same process then runs it
   * with no claim and no notification round trip.
   */
  eagerWorkflowTask?: EagerWorkflowClaim;
}

/** Result of {@link HistoryStore.startWorkflow}. */
export interface StartWorkflowResult {
  runId: string;
  /** False when signal-with-start found the workflow already running and only signalled it. */
  started: boolean;
  /** The run's first workflow task, leased to the `eagerWorkflowTask` claimer, when one was asked for. */
  workflowTask?: WorkflowTask;
}

/** A wait for a run's close that began before the run existed; see {@link HistoryStore.watchClose}. */
export interface CloseWatch {
  /**
   * Resolves with the closing event of `ref`, a run of the watched workflow id created after the
   * watch began. The first call skips the first read; later calls wait as `waitForClose` does.
   */
  wait(ref: RunRef): Promise<HistoryEvent>;
}

/** The visible state of a run (no separate visibility service: this comes from the runs table). */
export interface RunInfo extends RunRef {
  workflowType: string;
  taskQueue: string;
  status: RunStatus;
  startTime: number;
  closeTime?: number;
  historyLength: number;
  parent?: RunRef;
  /** Build id of the code that completed the latest workflow task. */
  buildId?: string;
  /**
   * Set while the run's workflow task keeps failing (nondeterminism, a bug in workflow code): the run
   * stays open and appends nothing until code that can replay it takes the task.
   */
  blocked?: { cause: string; message: string; since: number; attempts: number; buildId?: string };
}

/** Filters for {@link HistoryStore.listRuns}. */
export interface ListRunsFilter {
  workflowType?: string;
  status?: RunStatus | RunStatus[];
  taskQueue?: string;
  workflowId?: string;
  startedAfter?: number;
  startedBefore?: number;
  /** Only runs whose workflow task is failing. */
  blockedOnly?: boolean;
  /** Default 100. */
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

/** One page of runs, newest start first. */
export interface RunPage {
  runs: RunInfo[];
  nextCursor?: string;
}

/** Retention: which closed runs to delete. */
export interface RetentionOptions {
  closedBefore: number;
  /** Runs deleted per transaction (default 500). */
  batchSize?: number;
}
