/**
 * The `HistoryStore` contract: everything workers, clients and tools need from storage. Every
 * implementation (memory, PGlite, Postgres) passes the same conformance suite. The data it speaks in
 * lives in run-types.ts (runs) and task-types.ts (tasks, claims, completions), re-exported here.
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

import type { HistoryEvent } from '../events/events.ts';
import type { History } from '../file/types.ts';
import type {
  Clock,
  CloseWatch,
  ListRunsFilter,
  RetentionOptions,
  RunInfo,
  RunPage,
  RunRef,
  StartWorkflowRequest,
  StartWorkflowResult,
} from './run-types.ts';
import type {
  ActivityCompletionAndClaim,
  ActivityCompletionAndRun,
  ActivityCompletionResult,
  ActivityOutcome,
  ActivityTask,
  ClaimOptions,
  EagerActivityClaim,
  EagerWorkflowClaim,
  FoldedCompletion,
  StartWorkflowAndRunResult,
  WorkflowClaimOptions,
  WorkflowTask,
  WorkflowTaskCompletion,
  WorkflowTaskFailure,
} from './task-types.ts';

export type {
  Clock,
  CloseWatch,
  ListRunsFilter,
  RetentionOptions,
  RunInfo,
  RunPage,
  RunRef,
  RunStatus,
  StartWorkflowRequest,
  StartWorkflowResult,
  WorkflowIdReusePolicy,
} from './run-types.ts';
export type {
  ActivityCompletionAndClaim,
  ActivityCompletionAndRun,
  ActivityCompletionResult,
  ActivityOutcome,
  ActivityTask,
  ClaimOptions,
  EagerActivityClaim,
  EagerWorkflowClaim,
  FoldedCompletion,
  Lease,
  PendingQuery,
  PendingUpdate,
  StartWorkflowAndRunResult,
  WorkflowClaimOptions,
  WorkflowTask,
  WorkflowTaskCompletion,
  WorkflowTaskFailure,
} from './task-types.ts';

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
  /**
   * Optional (eager start with the first task folded in): starts the run like `startWorkflow`, leases
   * its first workflow task to `claim` in the same transaction, passes it to `run`, and applies the
   * completion `run` returns before the one commit, exactly as `completeActivityTaskAndRun` does for
   * an activity's outcome (same contract for `run`).
   */
  startWorkflowAndRun?(
    req: StartWorkflowRequest,
    claim: EagerWorkflowClaim,
    run: (workflowTask: WorkflowTask) => Promise<FoldedCompletion | undefined>,
  ): Promise<StartWorkflowAndRunResult>;
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
  /**
   * Optional: begins watching for closes of runs of `workflowId` before the caller creates the run
   * it will wait for (as `Client.execute` does right before starting it). No close of that run can
   * have happened before the watch began, so waiting through it reads nothing until a close is
   * announced; a close committed in this process hands its closing event over with the wake-up, so
   * then nothing is read at all. `signal` aborts the watch and its wait.
   */
  watchClose?(workflowId: string, signal?: AbortSignal): CloseWatch;

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
  /**
   * Optional (one transaction for an activity outcome and the workflow task it schedules). As
   * `completeActivityTaskAndClaim`, and then, inside the same transaction, passes the leased workflow
   * task to `run`; the completion `run` returns is applied as by `completeWorkflowTaskAndClaim`, and
   * everything commits once. `run` must not call the store (the transaction holds the run's rows):
   * to do anything else it returns undefined, and the task is returned leased and uncompleted. `run`
   * is called again when the transaction is retried; each call gets a new lease.
   * @throws StaleLeaseError
   */
  completeActivityTaskAndRun?(
    task: ActivityTask,
    outcome: ActivityOutcome,
    claim: EagerWorkflowClaim,
    run: (workflowTask: WorkflowTask) => Promise<FoldedCompletion | undefined>,
  ): Promise<ActivityCompletionAndRun>;

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
