/**
 * Importing a recorded history as a closed run (`reprise history import`, seeding a store for a
 * replay benchmark). The run is written exactly as recorded: ids, event ids, times and payloads, so
 * exporting it again gives the same file. No task is created: a closed run has no work left.
 */
import { closingEventTypes, type EventOf, type HistoryEvent } from '../events/events.ts';
import type { History } from '../file/types.ts';
import { closedStatus } from './close.ts';
import { InvalidRequestError, WorkflowAlreadyStartedError } from './errors.ts';
import type { RunRecord, StoreTx } from './records.ts';
import { toRunInfo } from './run-info.ts';
import type { RunInfo } from './types.ts';

/** Events per INSERT: keeps a long history under Postgres' 65,535 bind parameters per statement. */
const EVENTS_PER_STATEMENT = 1000;

/**
 * Inserts `history` as a closed run. Refuses (and writes nothing) when the run already exists, when
 * the workflow id has a running run (the import would hide it as the latest run), when the history
 * is still open (its pending activities and timers are not in the events), or when it is malformed.
 * @throws WorkflowAlreadyStartedError, InvalidRequestError
 */
export async function importRun(tx: StoreTx, history: History): Promise<RunInfo> {
  const run = closedRunOf(history);
  if (await tx.getRun(run.workflowId, run.runId, true)) {
    throw new WorkflowAlreadyStartedError(
      run.workflowId,
      run.runId,
      'this run is already in the store and an import never overwrites one',
    );
  }
  const latest = await tx.getRun(run.workflowId, undefined, true);
  if (latest?.status === 'running') {
    throw new WorkflowAlreadyStartedError(
      run.workflowId,
      latest.runId,
      'a run with this workflow id is running, and the imported run would replace it as the latest',
    );
  }
  await tx.insertRun(run);
  for (let i = 0; i < history.events.length; i += EVENTS_PER_STATEMENT) {
    await tx.appendEvents(run, history.events.slice(i, i + EVENTS_PER_STATEMENT));
  }
  return toRunInfo(run);
}

/** The run record a closed history describes. @throws InvalidRequestError naming what is wrong */
function closedRunOf(history: History): RunRecord {
  const { header, events } = history;
  const what = `importHistory(${header?.workflowId ?? '?'}/${header?.runId ?? '?'})`;
  const bad = (why: string) => new InvalidRequestError(`${what}: ${why}`);
  if (!header?.workflowId || !header.runId) throw bad('the header needs a workflowId and a runId');
  const first = events[0];
  const last = events.at(-1);
  if (first?.eventType !== 'WorkflowExecutionStarted' || !last) {
    throw bad('the history must start with WorkflowExecutionStarted');
  }
  events.forEach((e: HistoryEvent, i) => {
    if (e.eventId !== i + 1)
      throw bad(`event ids must be dense from 1; found ${e.eventId} at position ${i + 1}`);
  });
  const started = first as EventOf<'WorkflowExecutionStarted'>;
  if (started.workflowId !== header.workflowId) {
    throw bad(`the header names workflow '${header.workflowId}', the events '${started.workflowId}'`);
  }
  const status = closingEventTypes.has(last.eventType) ? closedStatus(last.eventType) : undefined;
  if (status === undefined) {
    throw bad(
      `the run is still open (its last event is ${last.eventType}); only closed runs can be imported, because an open run's pending activities and timers are not in its history`,
    );
  }
  const run: RunRecord = {
    workflowId: header.workflowId,
    runId: header.runId,
    workflowType: started.workflowType,
    taskQueue: started.taskQueue,
    status,
    nextEventId: events.length + 1,
    startTime: started.eventTime,
    closeTime: last.eventTime,
    firstExecutionRunId: started.firstExecutionRunId,
    wfTask: 'none',
    wfTaskScheduledEventId: 0,
    failedAttempts: 0,
    bufferedCount: 0,
    pendingRequests: 0,
    cancelRequested: events.some((e) => e.eventType === 'WorkflowExecutionCancelRequested'),
  };
  if (header.buildId !== undefined) run.buildId = header.buildId;
  if (started.workflowRunTimeoutMs !== undefined) run.workflowRunTimeoutMs = started.workflowRunTimeoutMs;
  return run;
}
