/**
 * The one implementation of {@link HistoryStore} on top of a {@link StoreBackend}: every method is a
 * transaction running the shared run-state logic of this folder, so memory, PGlite and Postgres behave
 * the same by construction.
 */
import { randomUUID } from 'node:crypto';
import { closingEventTypes, type HistoryEvent } from '../events/events.ts';
import type { History } from '../file/types.ts';
import { completeActivity, heartbeatActivity } from './activity.ts';
import { deliverEvents, ensureQueryTask, ensureWorkflowTask } from './append.ts';
import type { StoreBackend } from './backend.ts';
import { Batcher } from './batcher.ts';
import { claimActivityOp, claimWorkflowOp } from './claims.ts';
import { requestCancelRun, terminateRun } from './close.ts';
import { checkIdReuse, createRun } from './create.ts';
import { processDueTimers } from './due.ts';
import { leaseRunWorkflowTask, leaseScheduledActivities } from './eager.ts';
import {
  InvalidRequestError,
  RunClosedError,
  RunConflictError,
  RunNotFoundError,
  WorkflowAlreadyStartedError,
  WorkflowRequestFailedError,
} from './errors.ts';
import { importRun } from './import.ts';
import { type PrefetchSpec, type RequestRecord, type RunRecord, type StoreTx, topics } from './records.ts';
import { toRunInfo } from './run-info.ts';
import type {
  ActivityCompletionAndClaim,
  ActivityCompletionResult,
  ActivityOutcome,
  ActivityTask,
  ClaimOptions,
  Clock,
  EagerActivityClaim,
  EagerWorkflowClaim,
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
} from './types.ts';
import { failWorkflowTask } from './workflow-claim.ts';
import { completeWorkflowTask } from './workflow-complete.ts';

/** How often waiters re-check state when no notification arrives (the polling fallback). */
const POLL_MS = 1000;
const MAX_SIGNAL_REQUEST_IDS = 50;

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
    if (!req.workflowId || !req.workflowType || !req.taskQueue) {
      throw new InvalidRequestError('startWorkflow: workflowId, workflowType and taskQueue are required');
    }
    return this.#ops.run({
      prefetch: { latest: [req.workflowId] },
      run: async (tx) => {
        const running = await checkIdReuse(tx, req.workflowId, req.idReusePolicy ?? 'allowDuplicate');
        const signal = req.signal && {
          eventType: 'WorkflowExecutionSignaled' as const,
          signalName: req.signal.name,
          input: req.signal.input,
          ...(req.identity !== undefined && { identity: req.identity }),
        };
        if (running) {
          if (!signal) {
            throw new WorkflowAlreadyStartedError(
              req.workflowId,
              running.runId,
              'a run with this id is running',
            );
          }
          await deliverEvents(tx, running, [signal]);
          return { runId: running.runId, started: false };
        }
        const run = await createRun(tx, {
          workflowId: req.workflowId,
          workflowType: req.workflowType,
          taskQueue: req.taskQueue,
          input: req.input,
          ...(req.runId !== undefined && { runId: req.runId }),
          ...(req.randomnessSeed !== undefined && { randomnessSeed: req.randomnessSeed }),
          ...(req.workflowRunTimeoutMs !== undefined && { workflowRunTimeoutMs: req.workflowRunTimeoutMs }),
          ...(req.workflowExecutionTimeoutMs !== undefined && {
            workflowExecutionTimeoutMs: req.workflowExecutionTimeoutMs,
          }),
          ...(req.identity !== undefined && { identity: req.identity }),
        });
        if (signal) await deliverEvents(tx, run, [signal]);
        return { runId: run.runId, started: true };
      },
    });
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
    target: { workflowId: string; runId?: string },
    signal: { name: string; input: unknown[]; identity?: string; requestId?: string },
  ): Promise<void> {
    return this.#ops.run({
      prefetch: targetSpec(target),
      run: async (tx) => {
        const run = await this.#openRun(tx, target);
        if (signal.requestId !== undefined) {
          const seen = run.signalRequestIds ?? [];
          if (seen.includes(signal.requestId)) return;
          run.signalRequestIds = [...seen, signal.requestId].slice(-MAX_SIGNAL_REQUEST_IDS);
        }
        await deliverEvents(tx, run, [
          {
            eventType: 'WorkflowExecutionSignaled',
            signalName: signal.name,
            input: signal.input,
            ...(signal.identity !== undefined && { identity: signal.identity }),
          },
        ]);
      },
    });
  }

  requestCancelWorkflow(target: { workflowId: string; runId?: string }, reason?: string): Promise<void> {
    return this.#ops.run({
      prefetch: targetSpec(target),
      run: async (tx) => {
        await requestCancelRun(tx, await this.#openRun(tx, target), reason, undefined);
      },
    });
  }

  terminateWorkflow(target: { workflowId: string; runId?: string }, reason?: string): Promise<void> {
    return this.#ops.run({
      prefetch: targetSpec(target),
      run: async (tx) => {
        await terminateRun(tx, await this.#openRun(tx, target), reason, undefined);
      },
    });
  }

  async #openRun(tx: StoreTx, target: { workflowId: string; runId?: string }): Promise<RunRecord> {
    const run = await tx.getRun(target.workflowId, target.runId, true);
    if (!run) throw new RunNotFoundError(target.workflowId, target.runId);
    if (run.status !== 'running') throw new RunClosedError(run.workflowId, run.runId, run.status);
    return run;
  }

  async waitForClose(ref: RunRef, signal?: AbortSignal): Promise<HistoryEvent> {
    for (;;) {
      const woke = this.#b.notifier.wait(topics.run(ref.workflowId), POLL_MS, signal);
      const closing = await this.#ops.run({
        run: async (tx) => {
          const run = await tx.getRun(ref.workflowId, ref.runId, false);
          if (!run) throw new RunNotFoundError(ref.workflowId, ref.runId);
          if (run.status === 'running') return undefined;
          return (await tx.readEvents(run, run.nextEventId - 1))[0];
        },
      });
      if (closing) return closing;
      signal?.throwIfAborted();
      await woke;
      signal?.throwIfAborted();
    }
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

  async query(
    ref: { workflowId: string; runId?: string },
    name: string,
    args: unknown[],
    signal?: AbortSignal,
  ): Promise<unknown> {
    const queryId = randomUUID();
    const target = await this.#ops.run({
      prefetch: targetSpec(ref),
      run: async (tx) => {
        const run = await tx.getRun(ref.workflowId, ref.runId, true);
        if (!run) throw new RunNotFoundError(ref.workflowId, ref.runId);
        await tx.insertRequest({
          ...refOf(run),
          requestId: queryId,
          kind: 'query',
          name,
          args,
          state: 'pending',
        });
        run.pendingRequests++;
        await ensureQueryTask(tx, run);
        await tx.updateRun(run);
        return refOf(run);
      },
    });
    return this.#awaitRequest(target, queryId, 'query', name, true, signal);
  }

  async update(
    ref: { workflowId: string; runId?: string },
    updateId: string,
    name: string,
    args: unknown[],
    signal?: AbortSignal,
  ): Promise<unknown> {
    const target = await this.#ops.run({
      prefetch: targetSpec(ref),
      run: async (tx) => {
        const run = await tx.getRun(ref.workflowId, ref.runId, true);
        if (!run) throw new RunNotFoundError(ref.workflowId, ref.runId);
        if (await tx.getRequest(run, updateId)) return refOf(run);
        if (run.status !== 'running') throw new RunClosedError(run.workflowId, run.runId, run.status);
        await tx.insertRequest({
          ...refOf(run),
          requestId: updateId,
          kind: 'update',
          name,
          args,
          state: 'pending',
        });
        run.pendingRequests++;
        await ensureWorkflowTask(tx, run);
        await tx.updateRun(run);
        return refOf(run);
      },
    });
    return this.#awaitRequest(target, updateId, 'update', name, false, signal);
  }

  async #awaitRequest(
    ref: RunRef,
    requestId: string,
    kind: 'query' | 'update',
    name: string,
    removeWhenDone: boolean,
    signal?: AbortSignal,
  ): Promise<unknown> {
    for (;;) {
      const woke = this.#b.notifier.wait(topics.request(requestId), POLL_MS, signal);
      const req: RequestRecord | undefined = await this.#ops.run({
        run: async (tx) => {
          const r = await tx.getRequest(ref, requestId);
          if (r?.state === 'done' && removeWhenDone) await tx.deleteRequest(ref, requestId);
          return r;
        },
      });
      if (!req) throw new RunNotFoundError(ref.workflowId, ref.runId);
      if (req.state === 'done') {
        if (req.failure) throw new WorkflowRequestFailedError(kind, name, req.failure);
        return req.result;
      }
      if (signal?.aborted) {
        if (removeWhenDone) await this.#abandonRequest(ref, requestId);
        signal.throwIfAborted();
      }
      await woke;
    }
  }

  #abandonRequest(ref: RunRef, requestId: string): Promise<void> {
    return this.#ops.run({
      prefetch: { runs: [ref] },
      run: async (tx) => {
        const run = await tx.getRun(ref.workflowId, ref.runId, true);
        const req = await tx.getRequest(ref, requestId);
        if (!run || !req) return;
        if (req.state === 'pending') run.pendingRequests = Math.max(0, run.pendingRequests - 1);
        await tx.deleteRequest(ref, requestId);
        await tx.updateRun(run);
      },
    });
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
    const ref = refOf(task);
    const known = claim.knownHistory?.get(task.runId);
    return this.#ops.run({
      prefetch: {
        tasks: [task.taskId],
        runs: [ref],
        histories: [{ ref, fromEventId: (known ?? 0) + 1 }],
      },
      run: async (tx): Promise<ActivityCompletionAndClaim> => {
        const result = await completeActivity(tx, task, outcome, this.#random);
        if (!result.recorded) return result;
        const workflowTask = await leaseRunWorkflowTask(tx, ref, claim);
        return workflowTask ? { ...result, workflowTask } : result;
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
    return this.#b.notifier.wait(topics.queue(taskQueue), timeoutMs, signal);
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

/** Rows a delivery to a run needs: the run itself, or the latest run of the id. */
function targetSpec(target: { workflowId: string; runId?: string }): PrefetchSpec {
  return target.runId === undefined
    ? { latest: [target.workflowId] }
    : { runs: [{ workflowId: target.workflowId, runId: target.runId }] };
}

/** Rows a workflow task completion needs; children and requests only when it closes or answers. */
function completionSpec(task: WorkflowTask, completion: WorkflowTaskCompletion): PrefetchSpec {
  const ref = refOf(task);
  const closing = completion.events.some((e) => closingEventTypes.has(e.eventType));
  const answers =
    task.queries.length > 0 ||
    task.updates.length > 0 ||
    (completion.queryResults?.length ?? 0) > 0 ||
    (completion.rejectedUpdates?.length ?? 0) > 0;
  return {
    tasks: [task.taskId],
    runs: [ref],
    ...(closing && { children: [ref] }),
    ...((closing || answers) && { requests: [ref] }),
  };
}

function refOf(run: RunRef): RunRef {
  return { workflowId: run.workflowId, runId: run.runId };
}
