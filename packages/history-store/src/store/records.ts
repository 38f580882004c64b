/**
 * The rows every backend stores and the transaction interface the shared run-state logic runs on.
 * Memory and Postgres implement {@link StoreTx}; the logic in this folder decides what a change does.
 */
import type { HistoryEvent, NewEvent } from '../events/events.ts';
import type { FailureInfo, RetryPolicy } from '../events/failure.ts';
import type { Notifier } from './notifier.ts';
import type { Lease, RunInfo, RunRef, RunStatus } from './types.ts';

/** What the run knows about its parent (set on child runs). */
export interface ParentLink extends RunRef {
  initiatedEventId: number;
  /** Id of `ChildWorkflowExecutionStarted` in the parent's history. */
  startedEventId: number;
  parentClosePolicy: 'terminate' | 'requestCancel' | 'abandon';
}

/** State of a run's workflow task. */
export type WorkflowTaskState = 'none' | 'scheduled' | 'leased';

/** One run, as stored. */
export interface RunRecord extends RunRef {
  workflowType: string;
  taskQueue: string;
  status: RunStatus;
  nextEventId: number;
  startTime: number;
  closeTime?: number;
  firstExecutionRunId: string;
  parent?: ParentLink;
  wfTask: WorkflowTaskState;
  /** Id of the pending workflow task row, when `wfTask` is not `none`. */
  wfTaskId?: string;
  /** 0 when the pending workflow task only answers queries. */
  wfTaskScheduledEventId: number;
  failedAttempts: number;
  blocked?: NonNullable<RunInfo['blocked']>;
  buildId?: string;
  /** Events waiting for the leased workflow task to complete. */
  bufferedCount: number;
  /** Queries and updates not yet handed to a workflow task. */
  pendingRequests: number;
  cancelRequested: boolean;
  workflowRunTimeoutMs?: number;
  /** Absolute deadline of the whole chain of runs (execution timeout), carried over continue-as-new. */
  executionDeadline?: number;
  /** Recent signal request ids, for deduplication. */
  signalRequestIds?: string[];
}

/** Data of an activity task row. */
export interface ActivityData {
  workflowType: string;
  activityId: string;
  activityType: string;
  input: unknown[];
  scheduledTime: number;
  startToCloseTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  scheduleToStartDeadline?: number;
  scheduleToCloseDeadline?: number;
  retryPolicy?: RetryPolicy;
  /** Lease length asked by the claimer, used to extend the lease on heartbeats. */
  leaseMs?: number;
  attemptDeadline?: number;
  heartbeatDetails?: unknown;
  lastFailure?: FailureInfo;
  cancelRequested: boolean;
}

/** Data of a timer row. */
export interface TimerData {
  timerId: string;
}

/** Kinds of task rows. `deadline` rows close a run when its run or execution timeout passes. */
export type TaskKind = 'workflow' | 'activity' | 'timer' | 'deadline';

/** One task row. */
export interface TaskRecord extends RunRef {
  taskId: string;
  kind: TaskKind;
  taskQueue: string;
  /** When a worker may claim it; absent when it is not claimable. */
  visibleAt?: number;
  /** When `processDueTimers` must act on it (timer due, timeout, expired activity lease). */
  deadlineAt?: number;
  lease?: Lease;
  attempt: number;
  /** Scheduled event id (workflow, activity; 0 for a query-only workflow task) or TimerStarted id. */
  refEventId: number;
  data: ActivityData | TimerData | { timeoutType: 'run' | 'scheduleToClose' } | Record<string, never>;
}

/** A task row before it has an id. */
export type NewTask = Omit<TaskRecord, 'taskId'>;

/** A query or update waiting for a workflow task, or waiting for its answer. */
export interface RequestRecord extends RunRef {
  /** The query id or update id. */
  requestId: string;
  kind: 'query' | 'update';
  name: string;
  args: unknown[];
  /** `pending`: not yet handed out or handed out and unanswered; `accepted`: update accepted; `done`. */
  state: 'pending' | 'accepted' | 'done';
  result?: unknown;
  failure?: FailureInfo;
}

/**
 * Rows an operation is about to need, so a backend can lock and load them in one round trip before the
 * logic runs (the logic then reads them as usual). Locks are taken tasks first, then runs, each in key
 * order. A backend may ignore it: the logic is correct without it, only slower.
 */
export interface PrefetchSpec {
  /** Task rows, locked. */
  tasks?: string[];
  /** Runs, locked. */
  runs?: RunRef[];
  /** The latest run of each workflow id, locked. */
  latest?: string[];
  /** Running children of these runs (read, not locked, as `openChildren` does). */
  children?: RunRef[];
  /** All queries and updates of these runs. */
  requests?: RunRef[];
  /** Histories of these (locked) runs from an event id on. */
  histories?: { ref: RunRef; fromEventId: number }[];
  /**
   * Claims about to be made: the backend may take the claimable rows of every claim in the batch at
   * once, lock their runs without waiting and read their histories, then hand the rows out when the
   * claim asks (`StoreBackend.lockClaimable`).
   */
  claims?: ClaimSpec[];
}

/** A claim announced in a {@link PrefetchSpec}. */
export interface ClaimSpec {
  kind: 'workflow' | 'activity';
  taskQueue: string;
  max: number;
  /** For workflow claims: history the claimer already holds, per run id. */
  knownHistory?: ReadonlyMap<string, number>;
}

/**
 * One transaction. Every method runs inside it; the backend commits when the logic returns and rolls
 * everything back when it throws. Methods that take `forUpdate` lock the row until commit.
 */
export interface StoreTx {
  /** The store clock's time at the start of the transaction. */
  readonly now: number;
  /** The latest run of the id when `runId` is omitted. */
  getRun(workflowId: string, runId: string | undefined, forUpdate: boolean): Promise<RunRecord | undefined>;
  insertRun(run: RunRecord): Promise<void>;
  updateRun(run: RunRecord): Promise<void>;
  /** Children of the run that are still running. */
  openChildren(parent: RunRef): Promise<RunRecord[]>;
  appendEvents(ref: RunRef, events: HistoryEvent[]): Promise<void>;
  readEvents(ref: RunRef, fromEventId: number): Promise<HistoryEvent[]>;
  bufferEvents(ref: RunRef, events: NewEvent[]): Promise<void>;
  /** Removes and returns the run's buffered events, oldest first. */
  takeBuffered(ref: RunRef): Promise<NewEvent[]>;
  insertTask(task: NewTask): Promise<string>;
  getTask(taskId: string, forUpdate: boolean): Promise<TaskRecord | undefined>;
  /** Finds a run's task of a kind by its `refEventId`. */
  findTask(ref: RunRef, kind: TaskKind, refEventId: number): Promise<TaskRecord | undefined>;
  updateTask(task: TaskRecord): Promise<void>;
  deleteTask(taskId: string): Promise<void>;
  deleteRunTasks(ref: RunRef): Promise<void>;
  insertRequest(req: RequestRecord): Promise<void>;
  getRequest(ref: RunRef, requestId: string): Promise<RequestRecord | undefined>;
  updateRequest(req: RequestRecord): Promise<void>;
  deleteRequest(ref: RunRef, requestId: string): Promise<void>;
  /** Requests of the run in a state, oldest first. */
  listRequests(ref: RunRef, states: RequestRecord['state'][]): Promise<RequestRecord[]>;
  /** What the transaction wakes after commit (see {@link TxTopics}). */
  readonly topics: TxTopics;
  /** Optional: loads and locks what the next operations need in one go (see {@link PrefetchSpec}). */
  prefetch?(spec: PrefetchSpec): Promise<void>;
  /** Optional: `readEvents` for several runs at once, results in the order asked. */
  readEventsMany?(reads: { ref: RunRef; fromEventId: number }[]): Promise<HistoryEvent[][]>;
  /**
   * Optional: locks runs without waiting for other transactions. `busy` runs are held elsewhere (leave
   * their tasks for a later claim), `missing` runs do not exist. Keys are `workflowId\0runId`.
   */
  lockRunsNoWait?(refs: RunRef[]): Promise<{ missing: Set<string>; busy: Set<string> }>;
}

/** Notification topics. */
export const topics = {
  queue: (taskQueue: string) => `q:${taskQueue}`,
  run: (workflowId: string) => `r:${workflowId}`,
  request: (requestId: string) => `x:${requestId}`,
};

/**
 * The topics one transaction will notify. Queue topics are kept per task, so work that the same
 * transaction hands out (eager dispatch, a claim batched with the start that made the task) wakes
 * no poller: a notification for it would only send every idle poller after work it cannot get.
 */
export class TxTopics {
  readonly #topics = new Set<string>();
  readonly #tasks = new Map<string, string>();
  /** Payloads for this process's waiters, by topic. */
  readonly #local = new Map<string, unknown>();

  /**
   * Wakes waiters on `topic` after commit. `local` goes with the wake-up to waiters in this process
   * only (other processes hear the topic through LISTEN and re-read).
   */
  notify(topic: string, local?: unknown): void {
    this.#topics.add(topic);
    if (local !== undefined) this.#local.set(topic, local);
  }

  /**
   * Announces that task `taskId` on `taskQueue` became claimable: its queue is notified after
   * commit, unless this same transaction leases the task (see {@link TxTopics.leased}).
   */
  notifyTask(taskId: string, taskQueue: string): void {
    this.#tasks.set(taskId, topics.queue(taskQueue));
  }

  /** Task `taskId` was leased by this transaction: nobody else can take it, so nobody is woken for it. */
  leased(taskId: string): void {
    this.#tasks.delete(taskId);
  }

  /** How many topics there are to send. */
  get size(): number {
    return this.#topics.size + this.#tasks.size;
  }

  /** Every topic to notify, each once. */
  list(): string[] {
    if (this.#tasks.size === 0) return [...this.#topics];
    return [...new Set([...this.#topics, ...this.#tasks.values()])];
  }

  /** Topics whose wake-up carries a payload for this process's waiters. */
  withPayload(): string[] {
    return [...this.#local.keys()];
  }

  /** Wakes this process's waiters on every topic, with their payloads (after commit). */
  deliver(notifier: Notifier): void {
    for (const topic of this.list()) notifier.emit(topic, this.#local.get(topic));
  }
}

/** The bare reference of a run, task or request (for prefetch specs and keys, without the rest). */
export function refOf(r: RunRef): RunRef {
  return { workflowId: r.workflowId, runId: r.runId };
}
