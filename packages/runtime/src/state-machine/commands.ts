/**
 * Commands to new history events (live), and the bookkeeping shared by live and replayed commands:
 * once a command has its event id, the seq maps learn it.
 *
 * Sandbox-safe: no Node imports.
 */
import type { NewEvent } from '@reprise/history-store';
import { RepriseError } from '../errors.ts';
import type { Command, CommandKind } from '../protocol/index.ts';
import { type SeqMaps, timerIdOf } from './seq-maps.ts';
import type { UpdateRequest } from './types.ts';

/** Commands that close the run. Commands after the first of them in a completion are dropped. */
export const closingCommands: ReadonlySet<CommandKind> = new Set<CommandKind>([
  'completeWorkflow',
  'failWorkflow',
  'cancelWorkflow',
  'continueAsNew',
]);

/** The commands of a completion up to and including the first closing one; the rest are dropped. */
export function untilClosing(commands: Command[]): Command[] {
  const i = commands.findIndex((c) => closingCommands.has(c.kind));
  return i < 0 || i === commands.length - 1 ? commands : commands.slice(0, i + 1);
}

/** Context a command needs to become an event. */
export interface LiveContext {
  workflowTaskCompletedEventId: number;
  /** The run's task queue: the default for activities, children and continue-as-new. */
  taskQueue: string;
  newRunId: string;
  updates: ReadonlyMap<string, UpdateRequest>;
}

/** A command the runtime should never produce (a bug in the workflow runtime, not in workflow code). */
export class InvalidCommandError extends RepriseError {
  constructor(message: string) {
    super('INVALID_COMMAND', message);
  }
}

/** The event a live command becomes; `undefined` for commands that record nothing (`rejectUpdate`). */
export function commandToEvent(c: Command, seqs: SeqMaps, ctx: LiveContext): NewEvent | undefined {
  const wtc = ctx.workflowTaskCompletedEventId;
  switch (c.kind) {
    case 'scheduleActivity': {
      const o = c.options;
      const e: NewEvent & { eventType: 'ActivityTaskScheduled' } = {
        eventType: 'ActivityTaskScheduled',
        workflowTaskCompletedEventId: wtc,
        activityId: c.activityId,
        activityType: c.activityType,
        taskQueue: o.taskQueue ?? ctx.taskQueue,
        input: c.args,
      };
      if (o.scheduleToCloseTimeoutMs !== undefined) e.scheduleToCloseTimeoutMs = o.scheduleToCloseTimeoutMs;
      if (o.scheduleToStartTimeoutMs !== undefined) e.scheduleToStartTimeoutMs = o.scheduleToStartTimeoutMs;
      if (o.startToCloseTimeoutMs !== undefined) e.startToCloseTimeoutMs = o.startToCloseTimeoutMs;
      if (o.heartbeatTimeoutMs !== undefined) e.heartbeatTimeoutMs = o.heartbeatTimeoutMs;
      if (o.retry !== undefined) e.retryPolicy = { ...o.retry };
      return e;
    }
    case 'requestCancelActivity':
      return {
        eventType: 'ActivityTaskCancelRequested',
        scheduledEventId: known(seqs.activityEventBySeq.get(c.seq), 'activity', c.seq),
        workflowTaskCompletedEventId: wtc,
      };
    case 'startTimer':
      return {
        eventType: 'TimerStarted',
        workflowTaskCompletedEventId: wtc,
        timerId: timerIdOf(c.seq),
        startToFireTimeoutMs: c.durationMs,
      };
    case 'cancelTimer':
      return {
        eventType: 'TimerCanceled',
        timerId: timerIdOf(c.seq),
        startedEventId: known(seqs.timerEventBySeq.get(c.seq), 'timer', c.seq),
        workflowTaskCompletedEventId: wtc,
      };
    case 'recordMarker': {
      const { markerName, ...details } = c.marker;
      return { eventType: 'MarkerRecorded', workflowTaskCompletedEventId: wtc, markerName, details };
    }
    case 'startChild': {
      const e: NewEvent & { eventType: 'StartChildWorkflowExecutionInitiated' } = {
        eventType: 'StartChildWorkflowExecutionInitiated',
        workflowTaskCompletedEventId: wtc,
        workflowId: c.workflowId,
        workflowType: c.workflowType,
        taskQueue: c.taskQueue ?? ctx.taskQueue,
        input: c.args,
        parentClosePolicy: c.parentClosePolicy,
      };
      if (c.workflowRunTimeoutMs !== undefined) e.workflowRunTimeoutMs = c.workflowRunTimeoutMs;
      if (c.workflowExecutionTimeoutMs !== undefined)
        e.workflowExecutionTimeoutMs = c.workflowExecutionTimeoutMs;
      return e;
    }
    case 'requestCancelChild':
      return {
        eventType: 'RequestCancelExternalWorkflowExecutionInitiated',
        workflowTaskCompletedEventId: wtc,
        workflowId: known(seqs.childWorkflowIdBySeq.get(c.seq), 'child workflow', c.seq),
        childWorkflowOnly: true,
      };
    case 'signalExternal': {
      const e: NewEvent & { eventType: 'SignalExternalWorkflowExecutionInitiated' } = {
        eventType: 'SignalExternalWorkflowExecutionInitiated',
        workflowTaskCompletedEventId: wtc,
        workflowId: c.workflowId,
        signalName: c.signalName,
        input: c.args,
        childWorkflowOnly: c.childWorkflowOnly,
      };
      if (c.runId !== undefined) e.runId = c.runId;
      return e;
    }
    case 'requestCancelExternal': {
      const e: NewEvent & { eventType: 'RequestCancelExternalWorkflowExecutionInitiated' } = {
        eventType: 'RequestCancelExternalWorkflowExecutionInitiated',
        workflowTaskCompletedEventId: wtc,
        workflowId: c.workflowId,
        childWorkflowOnly: false,
      };
      if (c.runId !== undefined) e.runId = c.runId;
      return e;
    }
    case 'acceptUpdate': {
      const u = ctx.updates.get(c.updateId);
      if (!u)
        throw new InvalidCommandError(
          `acceptUpdate for update '${c.updateId}', which this task did not deliver`,
        );
      return {
        eventType: 'WorkflowExecutionUpdateAccepted',
        updateId: u.updateId,
        name: u.name,
        input: u.args,
      };
    }
    case 'completeUpdate': {
      const e: NewEvent & { eventType: 'WorkflowExecutionUpdateCompleted' } = {
        eventType: 'WorkflowExecutionUpdateCompleted',
        updateId: c.updateId,
        acceptedEventId: known(seqs.updateAcceptedById.get(c.updateId), 'accepted update', c.updateId),
      };
      if (c.failure !== undefined) e.failure = c.failure;
      else e.result = c.result;
      return e;
    }
    case 'rejectUpdate':
      return undefined;
    case 'completeWorkflow':
      return { eventType: 'WorkflowExecutionCompleted', workflowTaskCompletedEventId: wtc, result: c.result };
    case 'failWorkflow':
      return { eventType: 'WorkflowExecutionFailed', workflowTaskCompletedEventId: wtc, failure: c.failure };
    case 'cancelWorkflow':
      return { eventType: 'WorkflowExecutionCanceled', workflowTaskCompletedEventId: wtc };
    case 'continueAsNew': {
      const e: NewEvent & { eventType: 'WorkflowExecutionContinuedAsNew' } = {
        eventType: 'WorkflowExecutionContinuedAsNew',
        workflowTaskCompletedEventId: wtc,
        newRunId: ctx.newRunId,
        workflowType: c.workflowType,
        taskQueue: c.taskQueue ?? ctx.taskQueue,
        input: c.args,
      };
      if (c.workflowRunTimeoutMs !== undefined) e.workflowRunTimeoutMs = c.workflowRunTimeoutMs;
      return e;
    }
  }
}

/** Teaches the seq maps the event id a command's event took (live) or matched (replay). */
export function registerCommand(c: Command, eventId: number, seqs: SeqMaps): void {
  switch (c.kind) {
    case 'scheduleActivity':
      seqs.activityByEvent.set(eventId, c.seq);
      seqs.activityEventBySeq.set(c.seq, eventId);
      return;
    case 'startTimer':
      seqs.timerById.set(timerIdOf(c.seq), c.seq);
      seqs.timerEventBySeq.set(c.seq, eventId);
      return;
    case 'startChild':
      seqs.childByEvent.set(eventId, c.seq);
      seqs.childWorkflowIdBySeq.set(c.seq, c.workflowId);
      return;
    case 'signalExternal':
      seqs.signalByEvent.set(eventId, c.seq);
      return;
    case 'requestCancelExternal':
      seqs.cancelByEvent.set(eventId, c.seq);
      return;
    case 'requestCancelChild':
      seqs.cancelByEvent.set(eventId, undefined);
      return;
    case 'acceptUpdate':
      seqs.updateAcceptedById.set(c.updateId, eventId);
      return;
    default:
      return;
  }
}

function known<T>(value: T | undefined, what: string, id: number | string): T {
  if (value === undefined) {
    throw new InvalidCommandError(`the workflow referred to ${what} ${id}, which it never started`);
  }
  return value;
}
