/**
 * The live workflow task at the end of the history: the update and query jobs it adds to the
 * activation, and its completion turned into the events to append (WorkflowTaskStarted unless already
 * recorded, WorkflowTaskCompleted, then one per command).
 *
 * Sandbox-safe: no Node imports.
 */
import type { HistoryEvent, NewEvent } from '@reprise/history-store';
import type { Command, FailureInfo, Job } from '../protocol/index.ts';
import { closingCommands, commandToEvent, registerCommand } from './commands.ts';
import { HistoryError } from './errors.ts';
import type { SeqMaps } from './seq-maps.ts';
import type { LiveTask, UpdateRequest } from './types.ts';

/** A live task awaiting its completion. */
export interface OpenLiveTask {
  mode: 'live';
  startedEventId: number;
  scheduledEventId: number;
  startedTime: number;
  /** True when the store already wrote this task's WorkflowTaskStarted (a claimed task read back). */
  startedRecorded: boolean;
  updates: Map<string, UpdateRequest>;
  newRunId: string;
}

/** What a live completion records. */
export interface LiveRecord {
  events: NewEvent[];
  firstEventId: number;
  rejectedUpdates: { updateId: string; failure: FailureInfo }[];
  closesRun: boolean;
}

/** What recording a live completion needs from the machine. */
export interface LiveRecordContext {
  buildId: string;
  identity: string;
  /** The run's task queue: the default for activities, children and continue-as-new. */
  taskQueue: string;
}

/**
 * Opens the live task: appends its update jobs (validators run) and query jobs to `jobs`.
 * `recorded` is its WorkflowTaskStarted when the history already holds it.
 * @throws HistoryError when the task does not start where the known history ends.
 */
export function openLiveTask(
  runId: string,
  events: readonly HistoryEvent[],
  jobs: Job[],
  live: LiveTask,
  recorded: HistoryEvent | undefined,
): OpenLiveTask {
  const startedEventId = recorded ? recorded.eventId : events.length + 1;
  if (live.startedEventId !== undefined && live.startedEventId !== startedEventId) {
    throw new HistoryError(
      `the live task starts at event ${live.startedEventId}, but the machine knows events up to ${events.length}; ` +
        'append the missing events first',
      live.startedEventId,
    );
  }
  const updates = new Map<string, UpdateRequest>();
  for (const u of live.updates ?? []) {
    updates.set(u.updateId, u);
    jobs.push({ kind: 'update', updateId: u.updateId, name: u.name, args: u.args, runValidator: true });
  }
  for (const q of live.queries ?? [])
    jobs.push({ kind: 'query', queryId: q.queryId, name: q.name, args: q.args });
  return {
    mode: 'live',
    startedEventId,
    scheduledEventId: live.scheduledEventId ?? lastScheduledId(events),
    startedTime: recorded ? recorded.eventTime : live.startedTime,
    startedRecorded: recorded !== undefined,
    updates,
    newRunId: live.newRunId ?? `${runId}-continued-${startedEventId}`,
  };
}

/**
 * The events a live completion appends, teaching `seqs` the event id of each command as it goes.
 * @throws InvalidCommandError for a command that refers to something never started.
 */
export function recordLiveTask(
  p: OpenLiveTask,
  commands: readonly Command[],
  seqs: SeqMaps,
  ctx: LiveRecordContext,
): LiveRecord {
  const identity = ctx.identity;
  const out: NewEvent[] = [];
  if (!p.startedRecorded) {
    out.push({ eventType: 'WorkflowTaskStarted', scheduledEventId: p.scheduledEventId, identity });
  }
  const completedEventId = p.startedEventId + 1;
  const firstEventId = p.startedRecorded ? completedEventId : p.startedEventId;
  out.push({
    eventType: 'WorkflowTaskCompleted',
    scheduledEventId: p.scheduledEventId,
    startedEventId: p.startedEventId,
    identity,
    buildId: ctx.buildId,
  });
  const live = {
    workflowTaskCompletedEventId: completedEventId,
    taskQueue: ctx.taskQueue,
    newRunId: p.newRunId,
    updates: p.updates,
  };
  const rejectedUpdates: LiveRecord['rejectedUpdates'] = [];
  let closesRun = false;
  for (const c of commands) {
    if (c.kind === 'rejectUpdate') {
      rejectedUpdates.push({ updateId: c.updateId, failure: c.failure });
      continue;
    }
    const event = commandToEvent(c, seqs, live);
    if (!event) continue;
    registerCommand(c, firstEventId + out.length, seqs);
    out.push(event);
    if (closingCommands.has(c.kind)) closesRun = true;
  }
  return { events: out, firstEventId, rejectedUpdates, closesRun };
}

function lastScheduledId(events: readonly HistoryEvent[]): number {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.eventType === 'WorkflowTaskScheduled') return e.eventId;
  }
  throw new HistoryError('a live workflow task needs a WorkflowTaskScheduled event in the history');
}
