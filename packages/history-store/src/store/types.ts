/**
 * The `HistoryStore` contract: everything workers, clients and tools need from storage. Every
 * implementation (memory, PGlite, Postgres) passes the same conformance suite.
 *
 * Semantics every implementation keeps:
 * - Each change to a run (events, tasks, status) commits atomically. Workflow task completions are
 *   guarded by the expected next event id and the task's lease token; a stale lease or a run that
 *   moved on is rejected with a typed error and nothing is written.
 * - A claimed workflow task appends nothing. Its `WorkflowTaskStarted` event is written by the
 *   completion, together with `WorkflowTaskCompleted` and the events of the commands, so a task that
 *   fails (for example on nondeterminism) leaves the history untouched.
 * - Events for a run that arrive while one of its workflow tasks is leased (signals, activity results,
 *   timer firings, child results, cancel requests) are buffered and appended after that task's
 *   completion, followed by a new `WorkflowTaskScheduled`. Otherwise they are appended at once, and a
 *   `WorkflowTaskScheduled` follows unless one is already pending.
 * - All times come from the store's clock (injectable, so a test environment can skip time).
 */

import type { HistoryEvent, NewEvent } from '../events/events.ts';
import type { FailureInfo } from '../events/failure.ts';
import type { History } from '../file/types.ts';

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
}

/** Result of {@link HistoryStore.startWorkflow}. */
export interface StartWorkflowResult {
  runId: string;
  /** False when signal-with-start found the workflow already running and only signalled it. */
  started: boolean;
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

/** Retention: which closed runs to delete. */
export interface RetentionOptions {
  closedBefore: number;
  /** Runs deleted per transaction (default 500). */
  batchSize?: number;
}

/**
 * Durable storage of runs, histories and task queues. See the module comment for the semantics
 * every implementation keeps.
 */
export interface HistoryStore {
  /** Creates schema objects if needed (idempotent, safe to run concurrently). */
  init(): Promise<void>;
  close(): Promise<void>;
  readonly clock: Clock;

  // Runs
  startWorkflow(req: StartWorkflowRequest): Promise<StartWorkflowResult>;
  /** Latest run of the workflow id when `runId` is omitted. */
  describeRun(workflowId: string, runId?: string): Promise<RunInfo | undefined>;
  listRuns(filter?: ListRunsFilter): Promise<RunPage>;
  /** Events from `fromEventId` (default 1) on. Latest run when `runId` is omitted. */
  readHistory(workflowId: string, runId?: string, fromEventId?: number): Promise<HistoryEvent[]>;
  signalWorkflow(
    target: { workflowId: string; runId?: string },
    signal: { name: string; input: unknown[]; identity?: string; requestId?: string },
  ): Promise<void>;
  requestCancelWorkflow(target: { workflowId: string; runId?: string }, reason?: string): Promise<void>;
  terminateWorkflow(target: { workflowId: string; runId?: string }, reason?: string): Promise<void>;
  /** Resolves with the closing event once the run closes (or at once if closed). */
  waitForClose(ref: RunRef, signal?: AbortSignal): Promise<HistoryEvent>;

  // Workflow tasks
  claimWorkflowTasks(opts: WorkflowClaimOptions): Promise<WorkflowTask[]>;
  /** @throws StaleLeaseError, RunConflictError */
  completeWorkflowTask(task: WorkflowTask, completion: WorkflowTaskCompletion): Promise<void>;
  /** @throws StaleLeaseError */
  failWorkflowTask(task: WorkflowTask, failure: WorkflowTaskFailure): Promise<void>;
  /**
   * Optional (eager activity dispatch; stores without it leave it undefined). Completes the task like
   * `completeWorkflowTask` and, in the same transaction, leases to `claim.owner` up to `claim.max` of
   * the activity tasks this completion scheduled on `claim.taskQueues`, returning them as a claim
   * would. The others stay on their queues. Saves a claim transaction per activity and its pickup
   * latency; a worker uses it only when it has free activity slots.
   * @throws StaleLeaseError, RunConflictError (then nothing is leased)
   */
  completeWorkflowTaskAndClaim?(
    task: WorkflowTask,
    completion: WorkflowTaskCompletion,
    claim: EagerActivityClaim,
  ): Promise<ActivityTask[]>;

  // Queries and updates (answered by workers, waited on by clients)
  /** Queues a query for the run's next workflow task and waits for the answer. */
  query(
    ref: { workflowId: string; runId?: string },
    name: string,
    args: unknown[],
    signal?: AbortSignal,
  ): Promise<unknown>;
  /** Queues an update and waits until it is rejected, or accepted and completed. */
  update(
    ref: { workflowId: string; runId?: string },
    updateId: string,
    name: string,
    args: unknown[],
    signal?: AbortSignal,
  ): Promise<unknown>;

  // Activity tasks
  claimActivityTasks(opts: ClaimOptions): Promise<ActivityTask[]>;
  /** Extends the lease and stores details. Tells the activity whether cancellation was requested. @throws StaleLeaseError */
  heartbeatActivityTask(task: ActivityTask, details?: unknown): Promise<{ cancelRequested: boolean }>;
  /** Records the outcome, or schedules a retry per the activity's retry policy. @throws StaleLeaseError */
  completeActivityTask(task: ActivityTask, outcome: ActivityOutcome): Promise<ActivityCompletionResult>;
  /**
   * Optional (eager workflow task dispatch; stores without it leave it undefined). Completes the
   * activity like `completeActivityTask` and, in the same transaction, when the outcome scheduled the
   * run's workflow task on `claim.taskQueue` and it is claimable now, leases it to `claim.owner` and
   * returns it (with its history, from `claim.knownHistory` as in a claim). The worker that ran the
   * activity usually holds the run in its cache, so the next step runs there without a claim.
   * @throws StaleLeaseError
   */
  completeActivityTaskAndClaim?(
    task: ActivityTask,
    outcome: ActivityOutcome,
    claim: EagerWorkflowClaim,
  ): Promise<ActivityCompletionAndClaim>;

  // Time
  /**
   * Fires due durable timers and enforces due deadlines (activity timeouts and retries of expired
   * attempts, run timeouts). Returns how many were processed; safe to call from many workers at once.
   */
  processDueTimers(max?: number): Promise<number>;
  /** Earliest time at which `processDueTimers` has work, if any (for sleeping pollers and time skipping). */
  nextDueTime(): Promise<number | undefined>;
  /**
   * Resolves when new work may be available on the queue (LISTEN/NOTIFY or in-process events), or after
   * `timeoutMs`. Pollers call it between empty claims.
   */
  waitForWork(taskQueue: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;

  // Maintenance
  /** Deletes closed runs older than the cut-off, in batches. Returns how many runs were deleted. */
  deleteClosedRuns(opts: RetentionOptions): Promise<number>;

  // Import
  /**
   * Writes a recorded, closed history as a run, exactly as recorded (run id, event ids, times,
   * payloads; the header's build id), in one transaction, so exporting it again gives the same file.
   * Creates no tasks. Refuses, writing nothing, when the run exists (never overwrites), when the
   * workflow id has a running run, or when the history is open or malformed. Optional: stores
   * that cannot import leave it out.
   * @throws WorkflowAlreadyStartedError, InvalidRequestError
   */
  importHistory?(history: History): Promise<RunInfo>;
}
