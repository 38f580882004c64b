/** Handing out workflow tasks, and failing them. Claims and failures append nothing of their own. */
import { appendEvents, ensureQueryTask, ensureWorkflowTask } from './append.ts';
import { checkLease } from './lease.ts';
import type { RunRecord, StoreTx, TaskRecord } from './records.ts';
import { pendingForTask, settleRequest } from './requests.ts';
import { workflowTaskBackoffMs } from './retry.ts';
import type { WorkflowClaimOptions, WorkflowTask, WorkflowTaskFailure } from './types.ts';

/**
 * Turns a task row the backend just leased into a {@link WorkflowTask}: marks the run's task leased
 * and moves events buffered under an expired lease into history. The history is left empty for the
 * caller to read from `historyFrom` (for all claimed runs at once). Returns undefined (and removes the
 * row) when the row no longer belongs to its run.
 */
export async function prepareWorkflowTask(
  tx: StoreTx,
  row: TaskRecord,
  opts: WorkflowClaimOptions,
): Promise<WorkflowTask | undefined> {
  const run = await tx.getRun(row.workflowId, row.runId, true);
  if (!run || run.wfTaskId !== row.taskId) {
    await tx.deleteTask(row.taskId);
    return undefined;
  }
  if (run.bufferedCount > 0) {
    // Taking over an expired lease: its holder will never complete, so its buffered events go in now.
    const buffered = await tx.takeBuffered(run);
    run.bufferedCount = 0;
    await appendEvents(tx, run, buffered);
    if (row.refEventId === 0 && run.status === 'running') {
      run.wfTask = 'none';
      await ensureWorkflowTask(tx, run);
      row.refEventId = run.wfTaskScheduledEventId;
    }
  }
  run.wfTask = 'leased';
  const { queries, updates } = await pendingForTask(tx, run);
  const known = opts.knownHistory?.get(run.runId);
  const historyFrom = known !== undefined && known < run.nextEventId ? known + 1 : 1;
  await tx.updateRun(run);
  const task: WorkflowTask = {
    workflowId: run.workflowId,
    runId: run.runId,
    taskId: row.taskId,
    taskQueue: row.taskQueue,
    workflowType: run.workflowType,
    lease: row.lease!,
    startedEventId: run.nextEventId,
    scheduledEventId: row.refEventId,
    startedTime: tx.now,
    history: [],
    historyFrom,
    queries,
    updates,
    failedAttempts: run.failedAttempts,
  };
  if (row.refEventId === 0) task.queryOnly = true;
  return task;
}

/** Releases a leased workflow task row so it can be claimed again at `visibleAt`. */
export async function releaseWorkflowTask(
  tx: StoreTx,
  run: RunRecord,
  row: TaskRecord,
  visibleAt: number,
): Promise<void> {
  delete row.lease;
  row.visibleAt = visibleAt;
  row.attempt = run.failedAttempts + 1;
  await tx.updateTask(row);
  run.wfTask = 'scheduled';
}

/**
 * A workflow task failed: nothing goes into history, the run is marked blocked and its task becomes
 * claimable again after a backoff. Queries it carried are answered with the failure.
 */
export async function failWorkflowTask(
  tx: StoreTx,
  task: WorkflowTask,
  failure: WorkflowTaskFailure,
): Promise<void> {
  const row = checkLease(await tx.getTask(task.taskId, true), task.lease, tx.now, 'workflow task failure');
  const run = await tx.getRun(task.workflowId, task.runId, true);
  if (!run) throw new Error(`run ${task.workflowId}/${task.runId} of a leased task is missing`);
  for (const q of task.queries) {
    await settleRequest(tx, run, q.queryId, { failure: failure.failure });
  }
  const buffered = run.bufferedCount > 0 ? await tx.takeBuffered(run) : [];
  run.bufferedCount = 0;
  if (row.refEventId === 0) {
    // A query-only task changes nothing, so its failure does not block the run.
    await tx.deleteTask(row.taskId);
    run.wfTask = 'none';
    delete run.wfTaskId;
    await appendEvents(tx, run, buffered);
    if (buffered.length > 0) await ensureWorkflowTask(tx, run);
    else if (run.pendingRequests > 0) await ensureQueryTask(tx, run);
    await tx.updateRun(run);
    return;
  }
  run.failedAttempts++;
  run.blocked = {
    cause: failure.cause,
    message: failure.failure.message,
    since: run.blocked?.since ?? tx.now,
    attempts: run.failedAttempts,
    ...(failure.buildId !== undefined && { buildId: failure.buildId }),
  };
  await appendEvents(tx, run, buffered);
  await releaseWorkflowTask(
    tx,
    run,
    row,
    failure.retryAt ?? tx.now + workflowTaskBackoffMs(run.failedAttempts),
  );
  await tx.updateRun(run);
}
