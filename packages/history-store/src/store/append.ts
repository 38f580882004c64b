/**
 * Appending to a run: ids and times, buffering while a workflow task is leased, and scheduling the
 * workflow task that new events call for.
 */
import type { HistoryEvent, NewEvent } from '../events/events.ts';
import type { RunRecord, StoreTx } from './records.ts';

/**
 * Placeholder for `startedEventId` in an activity outcome delivered right after its
 * ActivityTaskStarted: replaced by that event's id when the pair is appended.
 */
export const PREVIOUS_EVENT = 0;

/** Gives events their ids and times and appends them; advances `run.nextEventId` (caller saves the run). */
export async function appendEvents(tx: StoreTx, run: RunRecord, events: NewEvent[]): Promise<HistoryEvent[]> {
  if (events.length === 0) return [];
  const out = events.map((e, i) => {
    const eventId = run.nextEventId + i;
    const ev = { ...e, eventId, eventTime: tx.now } as HistoryEvent;
    if (
      'startedEventId' in ev &&
      ev.startedEventId === PREVIOUS_EVENT &&
      ev.eventType.startsWith('Activity')
    ) {
      ev.startedEventId = eventId - 1;
    }
    return ev;
  });
  run.nextEventId += events.length;
  await tx.appendEvents(run, out);
  return out;
}

/**
 * Makes sure the run has a workflow task that will append to history: appends
 * `WorkflowTaskScheduled` and creates the task row, or upgrades a query-only task. Caller saves the run.
 */
export async function ensureWorkflowTask(tx: StoreTx, run: RunRecord): Promise<void> {
  if (run.status !== 'running') return;
  if (run.wfTask === 'leased') return;
  if (run.wfTask === 'scheduled' && run.wfTaskScheduledEventId > 0) return;
  const [scheduled] = await appendEvents(tx, run, [
    { eventType: 'WorkflowTaskScheduled', taskQueue: run.taskQueue, attempt: run.failedAttempts + 1 },
  ]);
  run.wfTaskScheduledEventId = scheduled!.eventId;
  if (run.wfTask === 'scheduled' && run.wfTaskId !== undefined) {
    const task = await tx.getTask(run.wfTaskId, true);
    if (task) {
      task.refEventId = run.wfTaskScheduledEventId;
      await tx.updateTask(task);
      return;
    }
  }
  await createWorkflowTaskRow(tx, run, run.wfTaskScheduledEventId);
}

/** Creates a query-only workflow task when the run has no workflow task at all. Caller saves the run. */
export async function ensureQueryTask(tx: StoreTx, run: RunRecord): Promise<void> {
  if (run.wfTask !== 'none') return;
  run.wfTaskScheduledEventId = 0;
  await createWorkflowTaskRow(tx, run, 0);
}

async function createWorkflowTaskRow(tx: StoreTx, run: RunRecord, refEventId: number): Promise<void> {
  run.wfTaskId = await tx.insertTask({
    kind: 'workflow',
    workflowId: run.workflowId,
    runId: run.runId,
    taskQueue: run.taskQueue,
    visibleAt: tx.now,
    attempt: run.failedAttempts + 1,
    refEventId,
    data: {},
  });
  run.wfTask = 'scheduled';
  tx.topics.notifyTask(run.wfTaskId, run.taskQueue);
}

/**
 * Delivers events from outside the workflow (signals, results, timer firings, cancel requests) to a
 * running run: buffered while its workflow task is leased, otherwise appended with a workflow task.
 * Saves the run. Returns false when the run is closed and the events were dropped.
 */
export async function deliverEvents(tx: StoreTx, run: RunRecord, events: NewEvent[]): Promise<boolean> {
  if (run.status !== 'running') return false;
  if (run.wfTask === 'leased') {
    await tx.bufferEvents(run, events);
    run.bufferedCount += events.length;
  } else {
    await appendEvents(tx, run, events);
    await ensureWorkflowTask(tx, run);
  }
  await tx.updateRun(run);
  return true;
}

/** Moves buffered events into history (without scheduling anything). Caller saves the run. */
export async function flushBuffered(tx: StoreTx, run: RunRecord): Promise<NewEvent[]> {
  if (run.bufferedCount === 0) return [];
  const events = await tx.takeBuffered(run);
  run.bufferedCount = 0;
  return events;
}
