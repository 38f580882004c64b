/**
 * The one implementation of {@link HistoryStore} on top of a {@link StoreBackend}: every method is a
 * transaction running the shared run-state logic of this folder, so memory, PGlite and Postgres behave
 * the same by construction.
 */
import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '../events/events.ts';
import type { History } from '../file/types.ts';
import { completeActivity, heartbeatActivity } from './activity.ts';
import type { StoreBackend } from './backend.ts';
import { Batcher, Suspended } from './batcher.ts';
import { claimActivityOp, claimWorkflowOp } from './claims.ts';
import {
  queryOp,
  type RunTarget,
  requestCancelOp,
  signalOp,
  startWorkflowOp,
  terminateOp,
  updateOp,
} from './deliveries.ts';
import { processDueTimers } from './due.ts';
import { leaseRunWorkflowTask, leaseScheduledActivities } from './eager.ts';
import { RunConflictError, RunNotFoundError } from './errors.ts';
import { importRun } from './import.ts';
import { type PrefetchSpec, refOf, type StoreTx, topics } from './records.ts';
import { toRunInfo } from './run-info.ts';
import type {
  ActivityCompletionAndClaim,
  ActivityCompletionAndRun,
  ActivityCompletionResult,
  ActivityOutcome,
  ActivityTask,
  ClaimOptions,
  Clock,
  CloseWatch,
  EagerActivityClaim,
  EagerWorkflowClaim,
  FoldedCompletion,
  HistoryStore,
  ListRunsFilter,
  RetentionOptions,
  RunInfo,
  RunPage,
  RunRef,
  StartWorkflowAndRunResult,
  StartWorkflowRequest,
  StartWorkflowResult,
  WorkflowClaimOptions,
  WorkflowTask,
  WorkflowTaskCompletion,
  WorkflowTaskFailure,
} from './types.ts';
import { awaitRequest, waitForClose, watchClose } from './waits.ts';
import { failWorkflowTask } from './workflow-claim.ts';
import { completeWorkflowTask, completionSpec } from './workflow-complete.ts';

/** Options shared by every store built on {@link TxHistoryStore}. */
export interface TxStoreOptions {
  /** Source of retry jitter, in [0, 1); `Math.random` by default. */
  random?: () => number;
}

/** A {@link HistoryStore} over any backend. */
export class TxHistoryStore implements HistoryStore {
  readonly #b: StoreBackend;
  readonly #ops: Batcher;
  readonly #random: (() => number) | undefined;

  constructor(backend: StoreBackend, options: TxStoreOptions = {}) {
    this.#b = backend;
    this.#ops = new Batcher(backend);
    this.#random = options.random;
  }

  get clock(): Clock {
    return this.#b.clock;
  }

  init(): Promise<void> {
    return this.#b.init();
  }

  close(): Promise<void> {
    return this.#b.close();
  }

  async startWorkflow(req: StartWorkflowRequest): Promise<StartWorkflowResult> {
    return this.#ops.run(startWorkflowOp(req));
  }

  async describeRun(workflowId: string, runId?: string): Promise<RunInfo | undefined> {
    const run = await this.#ops.run({ run: (tx) => tx.getRun(workflowId, runId, false) });
    return run && toRunInfo(run);
  }

  listRuns(filter: ListRunsFilter = {}): Promise<RunPage> {
    return this.#b.listRuns(filter);
  }

  readHistory(workflowId: string, runId?: string, fromEventId = 1): Promise<HistoryEvent[]> {
    return this.#ops.run({
      run: async (tx) => {
        const run = await tx.getRun(workflowId, runId, false);
        if (!run) throw new RunNotFoundError(workflowId, runId);
        return tx.readEvents(run, fromEventId);
      },
    });
  }

  signalWorkflow(
    target: RunTarget,
    signal: { name: string; input: unknown[]; identity?: string; requestId?: string },
  ): Promise<void> {
    return this.#ops.run(signalOp(target, signal));
  }

  requestCancelWorkflow(target: RunTarget, reason?: string): Promise<void> {
    return this.#ops.run(requestCancelOp(target, reason));
  }

  terminateWorkflow(target: RunTarget, reason?: string): Promise<void> {
    return this.#ops.run(terminateOp(target, reason));
  }

  waitForClose(ref: RunRef, signal?: AbortSignal): Promise<HistoryEvent> {
    return waitForClose(this.#b, this.#ops, ref, signal);
  }

  watchClose(workflowId: string, signal?: AbortSignal): CloseWatch {
    return watchClose(this.#b, this.#ops, workflowId, signal);
  }

  claimWorkflowTasks(opts: WorkflowClaimOptions): Promise<WorkflowTask[]> {
    return this.#ops.run(claimWorkflowOp(this.#b, opts));
  }

  async completeWorkflowTask(task: WorkflowTask, completion: WorkflowTaskCompletion): Promise<void> {
    const outcome = await this.#ops.run({
      prefetch: completionSpec(task, completion),
      run: (tx) => completeWorkflowTask(tx, task, completion),
    });
    if (!outcome.ok) throw new RunConflictError(outcome.conflict);
  }

  async completeWorkflowTaskAndClaim(
    task: WorkflowTask,
    completion: WorkflowTaskCompletion,
    claim: EagerActivityClaim,
  ): Promise<ActivityTask[]> {
    const { outcome, activities } = await this.#ops.run({
      prefetch: completionSpec(task, completion),
      run: async (tx) => {
        const outcome = await completeWorkflowTask(tx, task, completion);
        const activities = outcome.ok ? await leaseScheduledActivities(tx, outcome.scheduled, claim) : [];
        return { outcome, activities };
      },
    });
    if (!outcome.ok) throw new RunConflictError(outcome.conflict);
    return activities;
  }

  failWorkflowTask(task: WorkflowTask, failure: WorkflowTaskFailure): Promise<void> {
    const ref = refOf(task);
    return this.#ops.run({
      prefetch: { tasks: [task.taskId], runs: [ref], ...(task.queries.length > 0 && { requests: [ref] }) },
      run: (tx) => failWorkflowTask(tx, task, failure),
    });
  }

  async query(ref: RunTarget, name: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    const queryId = randomUUID();
    const target = await this.#ops.run(queryOp(ref, queryId, name, args));
    const request = { requestId: queryId, kind: 'query', name, removeWhenDone: true } as const;
    return awaitRequest(this.#b, this.#ops, target, request, signal);
  }

  async update(
    ref: RunTarget,
    updateId: string,
    name: string,
    args: unknown[],
    signal?: AbortSignal,
  ): Promise<unknown> {
    const target = await this.#ops.run(updateOp(ref, updateId, name, args));
    const request = { requestId: updateId, kind: 'update', name, removeWhenDone: false } as const;
    return awaitRequest(this.#b, this.#ops, target, request, signal);
  }

  claimActivityTasks(opts: ClaimOptions): Promise<ActivityTask[]> {
    return this.#ops.run(claimActivityOp(this.#b, opts));
  }

  heartbeatActivityTask(task: ActivityTask, details?: unknown): Promise<{ cancelRequested: boolean }> {
    return this.#ops.run({
      prefetch: { tasks: [task.taskId] },
      run: (tx) => heartbeatActivity(tx, task, details),
    });
  }

  completeActivityTask(task: ActivityTask, outcome: ActivityOutcome): Promise<ActivityCompletionResult> {
    return this.#ops.run({
      prefetch: { tasks: [task.taskId], runs: [refOf(task)] },
      run: (tx) => completeActivity(tx, task, outcome, this.#random),
    });
  }

  completeActivityTaskAndClaim(
    task: ActivityTask,
    outcome: ActivityOutcome,
    claim: EagerWorkflowClaim,
  ): Promise<ActivityCompletionAndClaim> {
    return this.#ops.run({
      prefetch: activityThenTaskSpec(task, claim),
      run: async (tx): Promise<ActivityCompletionAndClaim> => {
        const { result, workflowTask } = await this.#recordAndLease(tx, task, outcome, claim);
        return workflowTask ? { ...result, workflowTask } : result;
      },
    });
  }

  completeActivityTaskAndRun(
    task: ActivityTask,
    outcome: ActivityOutcome,
    claim: EagerWorkflowClaim,
    runTask: (workflowTask: WorkflowTask) => Promise<FoldedCompletion | undefined>,
  ): Promise<ActivityCompletionAndRun> {
    return this.#ops.run({
      prefetch: activityThenTaskSpec(task, claim),
      run: async (tx) => {
        const { result, workflowTask } = await this.#recordAndLease(tx, task, outcome, claim);
        if (!workflowTask) return result;
        // The caller's activation runs outside the store's logic; the transaction stays open for it.
        return new Suspended(runTask(workflowTask), (tx, value) =>
          this.#applyFolded(tx, result, workflowTask, value as FoldedCompletion | undefined),
        );
      },
    });
  }

  /** Records an activity outcome and leases the workflow task it scheduled, when `claim` may take it. */
  async #recordAndLease(
    tx: StoreTx,
    task: ActivityTask,
    outcome: ActivityOutcome,
    claim: EagerWorkflowClaim,
  ) {
    const result: ActivityCompletionResult = await completeActivity(tx, task, outcome, this.#random);
    const workflowTask = result.recorded ? await leaseRunWorkflowTask(tx, refOf(task), claim) : undefined;
    return { result, workflowTask };
  }

  /** Applies the completion a fold's caller returned for `workflowTask`, in the same transaction. */
  async #applyFolded<R extends object>(
    tx: StoreTx,
    result: R,
    workflowTask: WorkflowTask,
    folded: FoldedCompletion | undefined,
  ): Promise<R & Pick<ActivityCompletionAndRun, 'workflowTask' | 'completed'>> {
    if (!folded) return { ...result, workflowTask };
    const { completion } = folded;
    await tx.prefetch?.(completionSpec(workflowTask, completion));
    const done = await completeWorkflowTask(tx, workflowTask, completion);
    if (!done.ok)
      return { ...result, workflowTask, completed: { activityTasks: [], conflict: done.conflict } };
    const activityTasks = folded.activities
      ? await leaseScheduledActivities(tx, done.scheduled, folded.activities)
      : [];
    return { ...result, workflowTask, completed: { activityTasks } };
  }

  startWorkflowAndRun(
    req: StartWorkflowRequest,
    claim: EagerWorkflowClaim,
    runTask: (workflowTask: WorkflowTask) => Promise<FoldedCompletion | undefined>,
  ): Promise<StartWorkflowAndRunResult> {
    const op = startWorkflowOp({ ...req, eagerWorkflowTask: claim });
    return this.#ops.run({
      ...(op.prefetch && { prefetch: op.prefetch }),
      run: async (tx) => {
        const res = (await op.run(tx)) as StartWorkflowResult;
        const workflowTask = res.workflowTask;
        if (!workflowTask) return res;
        return new Suspended(runTask(workflowTask), (tx, value) =>
          this.#applyFolded(tx, res, workflowTask, value as FoldedCompletion | undefined),
        );
      },
    });
  }

  processDueTimers(max = 100): Promise<number> {
    return processDueTimers(this.#b, this.#ops, max, this.#random);
  }

  nextDueTime(): Promise<number | undefined> {
    return this.#b.nextDueTime();
  }

  waitForWork(taskQueue: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.#b.notifier.wait(topics.queue(taskQueue), timeoutMs, signal).then(() => undefined);
  }

  importHistory(history: History): Promise<RunInfo> {
    return this.#b.transaction((tx) => importRun(tx, history));
  }

  async deleteClosedRuns(opts: RetentionOptions): Promise<number> {
    const batch = opts.batchSize ?? 500;
    let total = 0;
    for (;;) {
      const n = await this.#b.deleteClosedBatch(opts.closedBefore, batch);
      total += n;
      if (n < batch) return total;
    }
  }
}

/**
 * What an activity completion that may lease the next workflow task reads: the task, the run and the
 * run's history after what the claimer knows. (A fold whose completion closes the run reads the
 * run's children and requests when it applies it: one more round trip once per run, cheaper than
 * two more statements in every fold's read phase.)
 */
function activityThenTaskSpec(task: ActivityTask, claim: EagerWorkflowClaim): PrefetchSpec {
  const ref = refOf(task);
  const known = claim.knownHistory?.get(task.runId);
  return { tasks: [task.taskId], runs: [ref], histories: [{ ref, fromEventId: (known ?? 0) + 1 }] };
}
