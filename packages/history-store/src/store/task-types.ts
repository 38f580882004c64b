/**
 * The work the store hands out: workflow and activity tasks, their claims and leases, and what a
 * worker reports when it completes them. Part of the `HistoryStore` contract (types.ts).
 */
import type { HistoryEvent, NewEvent } from '../events/events.ts';
import type { FailureInfo } from '../events/failure.ts';
import type { RunRef, StartWorkflowResult } from './run-types.ts';

/** A lease on a task: the token fences out a holder whose lease expired and was taken over. */
export interface Lease {
  owner: string;
  token: string;
  expiresAt: number;
}

/** Options shared by the claim calls. */
export interface ClaimOptions {
  taskQueue: string;
  /** Worker identity, recorded in events. */
  owner: string;
  leaseMs: number;
  /** Most tasks to claim in one call (default 1). */
  max?: number;
}

/** A workflow task handed to a worker. */
export interface WorkflowTask extends RunRef {
  taskId: string;
  taskQueue: string;
  workflowType: string;
  lease: Lease;
  /** Id the worker's `WorkflowTaskStarted` event must take: the run's next event id at claim time. */
  startedEventId: number;
  /** Id of the `WorkflowTaskScheduled` event this task answers. */
  scheduledEventId: number;
  /** Claim time: becomes the `WorkflowTaskStarted` time, and so `Date.now()` in the workflow. */
  startedTime: number;
  /**
   * History events, from `historyFrom` (see {@link WorkflowClaimOptions.knownHistory}) or from 1, up to
   * the end of the history at claim time.
   */
  history: HistoryEvent[];
  /** First event id in `history`. */
  historyFrom: number;
  /** Queries waiting to be answered against this run's state (answered with the completion). */
  queries: PendingQuery[];
  /** Updates waiting for admission (validated and accepted or rejected with the completion). */
  updates: PendingUpdate[];
  /** Consecutive failures of this run's workflow task so far (0 on a healthy run). */
  failedAttempts: number;
  /**
   * True when the task exists only to answer `queries` (the run had no workflow task, or is closed):
   * the worker replays, answers, and completes with `events: []`; nothing is appended to history.
   * `scheduledEventId` is 0.
   */
  queryOnly?: boolean;
}

/** Extra options for claiming workflow tasks. */
export interface WorkflowClaimOptions extends ClaimOptions {
  /**
   * Runs the worker holds in its cache, with how many events it already has. A claimed task for such a
   * run carries only the events after those (`historyFrom` = known + 1).
   */
  knownHistory?: ReadonlyMap<string, number>;
}

/** A query waiting for an answer. */
export interface PendingQuery {
  queryId: string;
  name: string;
  args: unknown[];
}

/** An update waiting for admission. */
export interface PendingUpdate {
  updateId: string;
  name: string;
  args: unknown[];
}

/** What a worker reports when a workflow task succeeded. */
export interface WorkflowTaskCompletion {
  /**
   * Events to append, starting with `WorkflowTaskStarted` (id = task.startedEventId) and
   * `WorkflowTaskCompleted`, then one event per command. Ids and times are given by the store.
   */
  events: NewEvent[];
  /** Answers to `task.queries`. */
  queryResults?: { queryId: string; result?: unknown; failure?: FailureInfo }[];
  /** Updates rejected by their validator (accepted ones appear as events). */
  rejectedUpdates?: { updateId: string; failure: FailureInfo }[];
  /** Build id of the code that produced the completion. */
  buildId: string;
}

/** What a worker reports when a workflow task failed. Nothing is appended to history. */
export interface WorkflowTaskFailure {
  /** e.g. `Nondeterminism`, `UnhandledError`, `WorkflowTaskTimeout`, `SandboxCrashed`. */
  cause: string;
  failure: FailureInfo;
  buildId?: string;
  /** When the task may be retried (default: the store's backoff for failed workflow tasks). */
  retryAt?: number;
}

/** An activity task handed to a worker. */
export interface ActivityTask extends RunRef {
  taskId: string;
  taskQueue: string;
  workflowType: string;
  lease: Lease;
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  input: unknown[];
  /** 1 on the first attempt. */
  attempt: number;
  scheduledTime: number;
  /** Deadline of this attempt (startToClose), ms since the epoch, if any. */
  attemptDeadline?: number;
  heartbeatTimeoutMs?: number;
  /** Details of the last heartbeat of an earlier attempt (for resuming progress). */
  heartbeatDetails?: unknown;
  /** The failure of the previous attempt. */
  lastFailure?: FailureInfo;
  cancelRequested: boolean;
}

/** How an activity attempt ended. */
export type ActivityOutcome =
  | { status: 'completed'; result: unknown }
  | { status: 'failed'; failure: FailureInfo }
  | { status: 'cancelled'; details?: unknown[] };

/** What {@link HistoryStore.completeActivityTask} did. */
export type ActivityCompletionResult =
  | { recorded: true }
  /** The failure is retried: nothing recorded, the task comes back at `retryAt` with attempt + 1. */
  | { recorded: false; retryAt: number; nextAttempt: number };

/**
 * Eager dispatch of activities: which of the activity tasks a workflow task completion schedules the
 * completing worker takes at once (see {@link HistoryStore.completeWorkflowTaskAndClaim}).
 */
export interface EagerActivityClaim {
  /** Worker identity, recorded in events. */
  owner: string;
  leaseMs: number;
  /** Most activity tasks to take: the worker's free activity slots (0 takes none). */
  max: number;
  /** Only activities scheduled on these queues are taken (the queues the worker polls). */
  taskQueues: readonly string[];
}

/**
 * Eager dispatch of a workflow task: the run's next workflow task, taken by the worker that completes
 * one of its activities (see {@link HistoryStore.completeActivityTaskAndClaim}). `taskQueue` is the
 * workflow task queue the worker serves; `knownHistory` works as in a claim.
 */
export type EagerWorkflowClaim = Omit<WorkflowClaimOptions, 'max'>;

/** Result of {@link HistoryStore.completeActivityTaskAndClaim}. */
export type ActivityCompletionAndClaim = ActivityCompletionResult & {
  /** The run's workflow task, leased to the caller, when the outcome scheduled one it may take. */
  workflowTask?: WorkflowTask;
};

/** What the `run` callback of {@link HistoryStore.completeActivityTaskAndRun} returns for the task. */
export interface FoldedCompletion {
  completion: WorkflowTaskCompletion;
  /** Lease the activities the completion schedules to this claimer (eager dispatch), as `completeWorkflowTaskAndClaim`. */
  activities?: EagerActivityClaim;
}

/** Result of {@link HistoryStore.startWorkflowAndRun}: the start, and its first task as in a fold. */
export type StartWorkflowAndRunResult = StartWorkflowResult & Pick<ActivityCompletionAndRun, 'completed'>;

/** Result of {@link HistoryStore.completeActivityTaskAndRun}. */
export type ActivityCompletionAndRun = ActivityCompletionAndClaim & {
  /**
   * Present when the workflow task's completion was applied in the same transaction: the activities
   * it leased to the caller, or the conflict that kept the run open (as `RunConflictError` reports).
   */
  completed?: { activityTasks: ActivityTask[]; conflict?: string };
};
