/**
 * What clients send to runs, as store operations: a start (with signal-with-start), a signal, a
 * cancel request, a termination, a query or an update. Each locks the target run, changes it, and
 * leaves the workflow task that will see the change.
 */

import { deliverEvents, ensureQueryTask, ensureWorkflowTask } from './append.ts';
import type { StoreOp } from './batcher.ts';
import { requestCancelRun, terminateRun } from './close.ts';
import { checkIdReuse, createRun } from './create.ts';
import { leaseRunWorkflowTask } from './eager.ts';
import {
  InvalidRequestError,
  RunClosedError,
  RunNotFoundError,
  WorkflowAlreadyStartedError,
} from './errors.ts';
import { type PrefetchSpec, type RequestRecord, type RunRecord, refOf, type StoreTx } from './records.ts';
import type { RunRef, StartWorkflowRequest, StartWorkflowResult } from './types.ts';

/** A run by id, or the latest run of a workflow id when `runId` is omitted. */
export type RunTarget = { workflowId: string; runId?: string };

/** How many signal request ids a run remembers for deduplication (the most recent ones). */
const MAX_SIGNAL_REQUEST_IDS = 50;

/**
 * Starts a run, or with `req.signal` signals the running one of the id instead (signal-with-start).
 * @throws InvalidRequestError when the request lacks a workflow id, type or task queue.
 */
export function startWorkflowOp(req: StartWorkflowRequest): StoreOp<StartWorkflowResult> {
  if (!req.workflowId || !req.workflowType || !req.taskQueue) {
    throw new InvalidRequestError('startWorkflow: workflowId, workflowType and taskQueue are required');
  }
  return {
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
      if (req.eagerWorkflowTask) {
        const workflowTask = await leaseRunWorkflowTask(tx, run, req.eagerWorkflowTask);
        if (workflowTask) return { runId: run.runId, started: true, workflowTask };
      }
      return { runId: run.runId, started: true };
    },
  };
}

/** Signals a running run; a repeated `requestId` is delivered once. */
export function signalOp(
  target: RunTarget,
  signal: { name: string; input: unknown[]; identity?: string; requestId?: string },
): StoreOp<void> {
  return {
    prefetch: targetSpec(target),
    run: async (tx) => {
      const run = await openRun(tx, target);
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
  };
}

/** Asks a running run to cancel itself. */
export function requestCancelOp(target: RunTarget, reason: string | undefined): StoreOp<void> {
  return {
    prefetch: targetSpec(target),
    run: async (tx) => {
      await requestCancelRun(tx, await openRun(tx, target), reason, undefined);
    },
  };
}

/** Ends a running run at once, without its code. */
export function terminateOp(target: RunTarget, reason: string | undefined): StoreOp<void> {
  return {
    prefetch: targetSpec(target),
    run: async (tx) => {
      await terminateRun(tx, await openRun(tx, target), reason, undefined);
    },
  };
}

/** Queues a query on the run (closed runs answer too) and returns the run it landed on. */
export function queryOp(target: RunTarget, queryId: string, name: string, args: unknown[]): StoreOp<RunRef> {
  return {
    prefetch: targetSpec(target),
    run: async (tx) => {
      const run = await tx.getRun(target.workflowId, target.runId, true);
      if (!run) throw new RunNotFoundError(target.workflowId, target.runId);
      return queueRequest(tx, run, { requestId: queryId, kind: 'query', name, args });
    },
  };
}

/**
 * Queues an update on a running run and returns the run it landed on; an update id the run already
 * has is not queued again, so its caller awaits the first one's outcome.
 */
export function updateOp(
  target: RunTarget,
  updateId: string,
  name: string,
  args: unknown[],
): StoreOp<RunRef> {
  return {
    prefetch: targetSpec(target),
    run: async (tx) => {
      const run = await tx.getRun(target.workflowId, target.runId, true);
      if (!run) throw new RunNotFoundError(target.workflowId, target.runId);
      if (await tx.getRequest(run, updateId)) return refOf(run);
      if (run.status !== 'running') throw new RunClosedError(run.workflowId, run.runId, run.status);
      return queueRequest(tx, run, { requestId: updateId, kind: 'update', name, args });
    },
  };
}

/**
 * Queues a query or update on the locked run and makes sure a workflow task will answer it: a query
 * of an idle or closed run needs only a query task, an update needs a real workflow task.
 */
async function queueRequest(
  tx: StoreTx,
  run: RunRecord,
  request: Pick<RequestRecord, 'requestId' | 'kind' | 'name' | 'args'>,
): Promise<RunRef> {
  await tx.insertRequest({ ...refOf(run), ...request, state: 'pending' });
  run.pendingRequests++;
  if (request.kind === 'query') await ensureQueryTask(tx, run);
  else await ensureWorkflowTask(tx, run);
  await tx.updateRun(run);
  return refOf(run);
}

/** Rows a delivery to a run needs: the run itself, or the latest run of the id. */
function targetSpec(target: RunTarget): PrefetchSpec {
  return target.runId === undefined
    ? { latest: [target.workflowId] }
    : { runs: [{ workflowId: target.workflowId, runId: target.runId }] };
}

/** The target run, locked; it must exist and be running. */
async function openRun(tx: StoreTx, target: RunTarget): Promise<RunRecord> {
  const run = await tx.getRun(target.workflowId, target.runId, true);
  if (!run) throw new RunNotFoundError(target.workflowId, target.runId);
  if (run.status !== 'running') throw new RunClosedError(run.workflowId, run.runId, run.status);
  return run;
}
