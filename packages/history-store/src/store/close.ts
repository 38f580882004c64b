/**
 * Closing runs: the closing event's effects on the run, its parent (a ChildWorkflowExecution* event),
 * its children (parent close policy) and, for continue-as-new, the next run. Termination, run
 * timeouts and cancel requests live here too because closing a parent can terminate or cancel children.
 */
import type { EventType, HistoryEvent, NewEvent } from '../events/events.ts';
import { appendEvents, deliverEvents, ensureQueryTask } from './append.ts';
import { createRun } from './create.ts';
import { RunClosedError } from './errors.ts';
import { type RunRecord, type StoreTx, topics } from './records.ts';
import type { RunStatus } from './types.ts';

const statusOf: Partial<Record<EventType, RunStatus>> = {
  WorkflowExecutionCompleted: 'completed',
  WorkflowExecutionFailed: 'failed',
  WorkflowExecutionCanceled: 'canceled',
  WorkflowExecutionTerminated: 'terminated',
  WorkflowExecutionTimedOut: 'timedOut',
  WorkflowExecutionContinuedAsNew: 'continuedAsNew',
};

/** What a run's closing hands this process's `waitForClose` waiters with the wake-up. */
export interface RunClosedNotice {
  runId: string;
  closing: HistoryEvent;
}

/** The status a closing event gives a run. */
export function closedStatus(eventType: EventType): RunStatus | undefined {
  return statusOf[eventType];
}

/**
 * Applies an appended closing event: status, cleanup of tasks and buffered events, pending updates
 * failed, then the parent, the children and the next run. Saves the run.
 */
export async function closeRun(tx: StoreTx, run: RunRecord, closing: HistoryEvent): Promise<void> {
  const status = closedStatus(closing.eventType);
  if (!status) throw new Error(`closeRun: ${closing.eventType} does not close a run`);
  run.status = status;
  run.closeTime = tx.now;
  if (run.bufferedCount > 0) {
    // Results and firings for a closed run have nothing left to wake; signals were checked by the caller.
    await tx.takeBuffered(run);
    run.bufferedCount = 0;
  }
  await tx.deleteRunTasks(run);
  run.wfTask = 'none';
  delete run.wfTaskId;
  run.wfTaskScheduledEventId = 0;
  delete run.blocked;
  run.failedAttempts = 0;
  let queries = 0;
  for (const req of await tx.listRequests(run, ['pending', 'accepted'])) {
    if (req.kind === 'query') {
      queries++;
      continue;
    }
    req.state = 'done';
    req.failure = { message: `the workflow ${status} before the update completed`, source: 'ServerFailure' };
    await tx.updateRequest(req);
    tx.topics.notify(topics.request(req.requestId));
  }
  run.pendingRequests = queries;
  // Queries still get answered from the closed run's final state.
  if (queries > 0) await ensureQueryTask(tx, run);
  await tx.updateRun(run);
  const closed: RunClosedNotice = { runId: run.runId, closing };
  tx.topics.notify(topics.run(run.workflowId), closed);

  await applyParentClosePolicy(tx, run);
  if (closing.eventType === 'WorkflowExecutionContinuedAsNew') {
    await createRun(tx, {
      workflowId: run.workflowId,
      runId: closing.newRunId,
      workflowType: closing.workflowType,
      taskQueue: closing.taskQueue,
      input: closing.input,
      ...(closing.workflowRunTimeoutMs !== undefined && {
        workflowRunTimeoutMs: closing.workflowRunTimeoutMs,
      }),
      ...(run.executionDeadline !== undefined && { executionDeadline: run.executionDeadline }),
      ...(run.parent && { parent: run.parent }),
      firstExecutionRunId: run.firstExecutionRunId,
      continuedFromRunId: run.runId,
    });
  } else {
    await notifyParent(tx, run, closing);
  }
}

async function notifyParent(tx: StoreTx, run: RunRecord, closing: HistoryEvent): Promise<void> {
  const link = run.parent;
  if (!link) return;
  const parent = await tx.getRun(link.workflowId, link.runId, true);
  if (parent?.status !== 'running') return;
  const base = {
    initiatedEventId: link.initiatedEventId,
    startedEventId: link.startedEventId,
    workflowId: run.workflowId,
    runId: run.runId,
  };
  let event: NewEvent;
  switch (closing.eventType) {
    case 'WorkflowExecutionCompleted':
      event = { eventType: 'ChildWorkflowExecutionCompleted', ...base, result: closing.result };
      break;
    case 'WorkflowExecutionFailed':
      event = { eventType: 'ChildWorkflowExecutionFailed', ...base, failure: closing.failure };
      break;
    case 'WorkflowExecutionCanceled':
      event = { eventType: 'ChildWorkflowExecutionCanceled', ...base };
      break;
    case 'WorkflowExecutionTerminated':
      event = { eventType: 'ChildWorkflowExecutionTerminated', ...base };
      break;
    case 'WorkflowExecutionTimedOut':
      event = { eventType: 'ChildWorkflowExecutionTimedOut', ...base };
      break;
    default:
      return;
  }
  await deliverEvents(tx, parent, [event]);
}

async function applyParentClosePolicy(tx: StoreTx, run: RunRecord): Promise<void> {
  for (const child of await tx.openChildren(run)) {
    const policy = child.parent?.parentClosePolicy ?? 'terminate';
    if (policy === 'terminate') {
      await terminateRun(tx, child, `parent ${run.workflowId} ${run.status}`, 'parent-close-policy');
    } else if (policy === 'requestCancel') {
      await requestCancelRun(tx, child, `parent ${run.workflowId} ${run.status}`, 'parent-close-policy');
    }
  }
}

/** Terminates a running run at once, even while its workflow task is leased (the holder's completion goes stale). */
export async function terminateRun(
  tx: StoreTx,
  run: RunRecord,
  reason: string | undefined,
  identity: string | undefined,
): Promise<void> {
  if (run.status !== 'running') throw new RunClosedError(run.workflowId, run.runId, run.status);
  const [closing] = await appendEvents(tx, run, [
    {
      eventType: 'WorkflowExecutionTerminated',
      ...(reason !== undefined && { reason }),
      ...(identity !== undefined && { identity }),
    },
  ]);
  await closeRun(tx, run, closing!);
}

/** Times a run out (run or execution timeout). */
export async function timeOutRun(
  tx: StoreTx,
  run: RunRecord,
  timeoutType: 'run' | 'scheduleToClose',
): Promise<void> {
  if (run.status !== 'running') return;
  const [closing] = await appendEvents(tx, run, [{ eventType: 'WorkflowExecutionTimedOut', timeoutType }]);
  await closeRun(tx, run, closing!);
}

/** Delivers a cancel request once; later requests for the same run are no-ops. */
export async function requestCancelRun(
  tx: StoreTx,
  run: RunRecord,
  cause: string | undefined,
  identity: string | undefined,
): Promise<void> {
  if (run.status !== 'running') throw new RunClosedError(run.workflowId, run.runId, run.status);
  if (run.cancelRequested) return;
  run.cancelRequested = true;
  await deliverEvents(tx, run, [
    {
      eventType: 'WorkflowExecutionCancelRequested',
      ...(cause !== undefined && { cause }),
      ...(identity !== undefined && { identity }),
    },
  ]);
}
