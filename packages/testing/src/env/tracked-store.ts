/**
 * The store as the test environment's workers and client see it: every call goes to the real store,
 * and is reported to {@link Quiescence} on the way, so the environment knows when everything is
 * blocked. It also lets the environment wake pollers at once (after moving the clock) and end every
 * client wait at teardown.
 */
import type {
  ActivityCompletionResult,
  ActivityOutcome,
  ActivityTask,
  ClaimOptions,
  Clock,
  HistoryEvent,
  HistoryStore,
  ListRunsFilter,
  RetentionOptions,
  RunInfo,
  RunPage,
  RunRef,
  StartWorkflowRequest,
  StartWorkflowResult,
  WorkflowClaimOptions,
  WorkflowTask,
  WorkflowTaskCompletion,
  WorkflowTaskFailure,
} from '@reprise/history-store';
import type { Quiescence } from './quiescence.ts';

/** A workflow task that failed in the environment (its run is blocked until code that works runs it). */
export interface WorkflowTaskFailureReport {
  workflowId: string;
  runId: string;
  workflowType: string;
  failure: WorkflowTaskFailure;
}

interface PollWaiter {
  queue: string;
  abort: AbortController;
}

/** A {@link HistoryStore} that reports its traffic to a {@link Quiescence}. */
export class TrackedStore implements HistoryStore {
  readonly inner: HistoryStore;
  readonly #q: Quiescence;
  readonly #closing = new AbortController();
  readonly #pollWaiters = new Set<PollWaiter>();
  readonly #pendingPokes = new Set<string>();
  readonly #updatesAwaitingAdmission = new Map<string, () => void>();
  readonly #failureListeners = new Set<(r: WorkflowTaskFailureReport) => void>();

  constructor(inner: HistoryStore, quiescence: Quiescence) {
    this.inner = inner;
    this.#q = quiescence;
  }

  get clock(): Clock {
    return this.inner.clock;
  }

  /** Aborted at teardown: every client wait ends with an AbortError. */
  get closingSignal(): AbortSignal {
    return this.#closing.signal;
  }

  /** Ends every wait in progress (run results, queries, updates, pollers). Called at teardown. */
  abortWaits(): void {
    this.#closing.abort(new Error('the test environment was torn down'));
    for (const w of this.#pollWaiters) w.abort.abort();
  }

  /** Wakes the pollers of `queue` now (or at their next wait): new work may be claimable. */
  pokePollers(queue: string): void {
    let woke = false;
    for (const w of this.#pollWaiters)
      if (w.queue === queue) {
        w.abort.abort();
        woke = true;
      }
    if (!woke) this.#pendingPokes.add(queue);
  }

  /** Calls `fn` for each failed workflow task; returns the unsubscribe function. */
  onWorkflowTaskFailure(fn: (r: WorkflowTaskFailureReport) => void): () => void {
    this.#failureListeners.add(fn);
    return () => this.#failureListeners.delete(fn);
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  startWorkflow(req: StartWorkflowRequest): Promise<StartWorkflowResult> {
    return this.#q.mutation(() => this.inner.startWorkflow(req));
  }

  describeRun(workflowId: string, runId?: string): Promise<RunInfo | undefined> {
    return this.inner.describeRun(workflowId, runId);
  }

  listRuns(filter?: ListRunsFilter): Promise<RunPage> {
    return this.inner.listRuns(filter);
  }

  readHistory(workflowId: string, runId?: string, fromEventId?: number): Promise<HistoryEvent[]> {
    return this.inner.readHistory(workflowId, runId, fromEventId);
  }

  signalWorkflow(
    target: { workflowId: string; runId?: string },
    signal: { name: string; input: unknown[]; identity?: string; requestId?: string },
  ): Promise<void> {
    return this.#q.mutation(() => this.inner.signalWorkflow(target, signal));
  }

  requestCancelWorkflow(target: { workflowId: string; runId?: string }, reason?: string): Promise<void> {
    return this.#q.mutation(() => this.inner.requestCancelWorkflow(target, reason));
  }

  terminateWorkflow(target: { workflowId: string; runId?: string }, reason?: string): Promise<void> {
    return this.#q.mutation(() => this.inner.terminateWorkflow(target, reason));
  }

  async waitForClose(ref: RunRef, signal?: AbortSignal): Promise<HistoryEvent> {
    const done = this.#q.beginResultWait();
    try {
      return await this.inner.waitForClose(ref, this.#withClosing(signal));
    } finally {
      done();
    }
  }

  claimWorkflowTasks(opts: WorkflowClaimOptions): Promise<WorkflowTask[]> {
    return this.#q
      .claim(`workflow:${opts.taskQueue}`, () => this.inner.claimWorkflowTasks(opts))
      .then((tasks) => {
        // An update counts as in flight until a task carries it to the workflow: then it is the
        // task that holds the environment busy, and the update may wait on timers like any code.
        for (const t of tasks) for (const u of t.updates) this.#updatesAwaitingAdmission.get(u.updateId)?.();
        return tasks;
      });
  }

  async completeWorkflowTask(task: WorkflowTask, completion: WorkflowTaskCompletion): Promise<void> {
    try {
      await this.#q.mutation(() => this.inner.completeWorkflowTask(task, completion));
    } finally {
      this.#q.release(task.taskId);
    }
  }

  async failWorkflowTask(task: WorkflowTask, failure: WorkflowTaskFailure): Promise<void> {
    try {
      await this.#q.mutation(() => this.inner.failWorkflowTask(task, failure));
    } finally {
      this.#q.release(task.taskId);
    }
    if (task.queryOnly) return;
    const report = {
      workflowId: task.workflowId,
      runId: task.runId,
      workflowType: task.workflowType,
      failure,
    };
    for (const l of this.#failureListeners) l(report);
  }

  query(
    ref: { workflowId: string; runId?: string },
    name: string,
    args: unknown[],
    signal?: AbortSignal,
  ): Promise<unknown> {
    return this.#q.mutation(() => this.inner.query(ref, name, args, this.#withClosing(signal)));
  }

  async update(
    ref: { workflowId: string; runId?: string },
    updateId: string,
    name: string,
    args: unknown[],
    signal?: AbortSignal,
  ): Promise<unknown> {
    const end = this.#q.beginMutation();
    this.#updatesAwaitingAdmission.set(updateId, end);
    try {
      return await this.inner.update(ref, updateId, name, args, this.#withClosing(signal));
    } finally {
      this.#updatesAwaitingAdmission.delete(updateId);
      end();
    }
  }

  claimActivityTasks(opts: ClaimOptions): Promise<ActivityTask[]> {
    return this.#q.claim(`activity:${opts.taskQueue}`, () => this.inner.claimActivityTasks(opts));
  }

  async heartbeatActivityTask(task: ActivityTask, details?: unknown): Promise<{ cancelRequested: boolean }> {
    try {
      return await this.#q.mutation(() => this.inner.heartbeatActivityTask(task, details));
    } catch (err) {
      // The runner abandons an attempt whose lease is gone, without reporting it.
      if ((err as { code?: unknown })?.code === 'STALE_LEASE') this.#q.release(task.taskId);
      throw err;
    }
  }

  async completeActivityTask(
    task: ActivityTask,
    outcome: ActivityOutcome,
  ): Promise<ActivityCompletionResult> {
    try {
      const res = await this.#q.mutation(() => this.inner.completeActivityTask(task, outcome));
      if (!res.recorded) this.#q.retryAt(task.taskId, res.retryAt);
      return res;
    } finally {
      this.#q.release(task.taskId);
    }
  }

  processDueTimers(max?: number): Promise<number> {
    return this.#q.quietMutation(
      () => this.inner.processDueTimers(max),
      (n) => n > 0,
    );
  }

  nextDueTime(): Promise<number | undefined> {
    return this.inner.nextDueTime();
  }

  async waitForWork(taskQueue: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#pendingPokes.delete(taskQueue) || this.#closing.signal.aborted) return;
    const waiter: PollWaiter = { queue: taskQueue, abort: new AbortController() };
    const combined = signal ? AbortSignal.any([signal, waiter.abort.signal]) : waiter.abort.signal;
    this.#pollWaiters.add(waiter);
    try {
      await this.inner.waitForWork(taskQueue, timeoutMs, combined);
    } finally {
      this.#pollWaiters.delete(waiter);
    }
  }

  deleteClosedRuns(opts: RetentionOptions): Promise<number> {
    return this.#q.mutation(() => this.inner.deleteClosedRuns(opts));
  }

  #withClosing(signal: AbortSignal | undefined): AbortSignal {
    return signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
  }
}
