/**
 * A workflow task completion: one transaction that appends the worker's events, applies their effects,
 * flushes events buffered during the lease and schedules the next workflow task when one is needed.
 */
import { closingEventTypes, type HistoryEvent, type NewEvent, validateEvent } from '../events/events.ts';
import { appendEvents, ensureQueryTask, ensureWorkflowTask } from './append.ts';
import { closeRun } from './close.ts';
import { applyCommandEvent, type CompletionContext } from './commands.ts';
import { InvalidRequestError, StaleLeaseError } from './errors.ts';
import { checkLease } from './lease.ts';
import { type PrefetchSpec, type RunRecord, refOf, type StoreTx, type TaskRecord } from './records.ts';
import { hasPendingUpdates, settleRequest } from './requests.ts';
import type { WorkflowTask, WorkflowTaskCompletion } from './types.ts';
import { releaseWorkflowTask } from './workflow-claim.ts';

/**
 * What the caller reports after commit: `conflict` becomes a RunConflictError. `scheduled` lists the
 * activity task rows the completion created (for eager dispatch).
 */
export type CompletionOutcome =
  | { ok: true; scheduled: { taskId: string; taskQueue: string }[] }
  | { ok: false; conflict: string };

/** Rows a workflow task completion needs; children and requests only when it closes or answers. */
export function completionSpec(task: WorkflowTask, completion: WorkflowTaskCompletion): PrefetchSpec {
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

/** Applies a workflow task completion. Throws (rolling back) on a stale lease or a malformed completion. */
export async function completeWorkflowTask(
  tx: StoreTx,
  task: WorkflowTask,
  completion: WorkflowTaskCompletion,
): Promise<CompletionOutcome> {
  const row = checkLease(await tx.getTask(task.taskId, true), task.lease, tx.now, 'workflow task completion');
  const run = await tx.getRun(task.workflowId, task.runId, true);
  if (!run || run.wfTaskId !== row.taskId) throw new StaleLeaseError('workflow task completion');
  if (run.nextEventId !== task.startedEventId) {
    return {
      ok: false,
      conflict: `run ${run.workflowId}/${run.runId} is at event ${run.nextEventId}, the task expected ${task.startedEventId}`,
    };
  }
  for (const r of completion.queryResults ?? []) {
    await settleRequest(
      tx,
      run,
      r.queryId,
      r.failure !== undefined ? { failure: r.failure } : { result: r.result },
    );
  }
  for (const r of completion.rejectedUpdates ?? []) {
    await settleRequest(tx, run, r.updateId, { failure: r.failure });
  }
  if (row.refEventId === 0) return finishQueryTask(tx, run, row, completion);

  checkShape(task, completion.events);
  const closingIndex = completion.events.findIndex((e) => closingEventTypes.has(e.eventType));
  let buffered: NewEvent[] = [];
  if (run.bufferedCount > 0) {
    buffered = await tx.takeBuffered(run);
    run.bufferedCount = 0;
  }
  if (closingIndex >= 0) {
    const handedOut = new Set(task.updates.map((u) => u.updateId));
    const unhandledSignal = buffered.some((e) => e.eventType === 'WorkflowExecutionSignaled');
    const newUpdates =
      (await hasPendingUpdates(tx, run)) &&
      (await tx.listRequests(run, ['pending'])).some(
        (r) => r.kind === 'update' && !handedOut.has(r.requestId),
      );
    if (unhandledSignal || newUpdates) {
      // Closing now would drop them: keep the run open and give the workflow a new task that sees them.
      await appendEvents(tx, run, buffered);
      await releaseWorkflowTask(tx, run, row, tx.now);
      await tx.updateRun(run);
      tx.topics.notifyTask(row.taskId, run.taskQueue);
      return {
        ok: false,
        conflict: `run ${run.workflowId}/${run.runId} received ${unhandledSignal ? 'signals' : 'updates'} while closing; it was given a new workflow task`,
      };
    }
  }

  const appended = await appendEvents(tx, run, completion.events);
  for (const ev of appended) {
    const err = validateEvent(ev);
    if (err)
      throw new InvalidRequestError(`workflow task completion for ${run.workflowId}/${run.runId}: ${err}`);
  }
  run.buildId = completion.buildId;
  run.failedAttempts = 0;
  delete run.blocked;
  await tx.deleteTask(row.taskId);
  run.wfTask = 'none';
  delete run.wfTaskId;
  run.wfTaskScheduledEventId = 0;

  const ctx: CompletionContext = { tx, run, post: [], scheduled: [] };
  for (const ev of appended) await applyCommandEvent(ctx, ev);
  if (closingIndex >= 0) {
    await closeRun(tx, run, appended[closingIndex] as HistoryEvent);
    return { ok: true, scheduled: [] };
  }
  await appendEvents(tx, run, [...ctx.post, ...buffered]);
  if (ctx.post.length > 0 || buffered.length > 0 || (await hasPendingUpdates(tx, run))) {
    await ensureWorkflowTask(tx, run);
  } else if (run.pendingRequests > 0) {
    await ensureQueryTask(tx, run);
  }
  await tx.updateRun(run);
  return { ok: true, scheduled: ctx.scheduled };
}

async function finishQueryTask(
  tx: StoreTx,
  run: RunRecord,
  row: TaskRecord,
  completion: WorkflowTaskCompletion,
): Promise<CompletionOutcome> {
  if (completion.events.length > 0) {
    throw new InvalidRequestError(
      `query-only workflow task for ${run.workflowId}/${run.runId} completed with ${completion.events.length} events; it must complete with none`,
    );
  }
  await tx.deleteTask(row.taskId);
  run.wfTask = 'none';
  delete run.wfTaskId;
  const buffered = run.bufferedCount > 0 ? await tx.takeBuffered(run) : [];
  run.bufferedCount = 0;
  await appendEvents(tx, run, buffered);
  if (buffered.length > 0 || (await hasPendingUpdates(tx, run))) await ensureWorkflowTask(tx, run);
  else if (run.pendingRequests > 0) await ensureQueryTask(tx, run);
  await tx.updateRun(run);
  return { ok: true, scheduled: [] };
}

function checkShape(task: WorkflowTask, events: NewEvent[]): void {
  const where = `workflow task completion for ${task.workflowId}/${task.runId}`;
  const [started, completed] = events;
  if (started?.eventType !== 'WorkflowTaskStarted' || completed?.eventType !== 'WorkflowTaskCompleted') {
    throw new InvalidRequestError(
      `${where}: events must start with WorkflowTaskStarted and WorkflowTaskCompleted, got ${events
        .slice(0, 2)
        .map((e) => e.eventType)
        .join(', ')}`,
    );
  }
  if (started.scheduledEventId !== task.scheduledEventId) {
    throw new InvalidRequestError(
      `${where}: WorkflowTaskStarted.scheduledEventId is ${started.scheduledEventId}, the task's is ${task.scheduledEventId}`,
    );
  }
  for (let i = 2; i < events.length; i++) {
    const t = events[i]!.eventType;
    if (closingEventTypes.has(t) && i !== events.length - 1) {
      throw new InvalidRequestError(`${where}: ${t} must be the last event`);
    }
    if (t === 'WorkflowExecutionTerminated' || t === 'WorkflowExecutionTimedOut') {
      throw new InvalidRequestError(`${where}: ${t} is written by the store, not by a workflow task`);
    }
  }
}
