/**
 * Builders of small histories and commands for the state machine's table tests and the replay tests.
 *
 * Sandbox-safe: no Node imports.
 */
import type { HistoryEvent, NewEvent } from '@reprise/history-store';
import type { Command, Completion } from '../protocol/index.ts';
import { WorkflowStateMachine } from './machine.ts';

export const T0 = 1_700_000_000_000;
export const started: NewEvent = {
  eventType: 'WorkflowExecutionStarted',
  workflowId: 'wf-1',
  workflowType: 'order',
  taskQueue: 'q',
  input: ['in'],
  randomnessSeed: [1, 2, 3, 4],
  attempt: 1,
  firstExecutionRunId: 'run-1',
};
export const scheduled: NewEvent = { eventType: 'WorkflowTaskScheduled', taskQueue: 'q', attempt: 1 };

export function completion(commands: Command[]): Completion {
  return { runId: 'run-1', commands, queryResults: [], logs: [] };
}

/** Appends `more` to `events` with dense ids and times one second apart. */
export function extend(events: HistoryEvent[], more: NewEvent[]): HistoryEvent[] {
  const out = [...events];
  for (const e of more)
    out.push({ ...e, eventId: out.length + 1, eventTime: T0 + out.length * 1000 } as HistoryEvent);
  return out;
}

/** Records one live task with `commands` on top of `events`; returns the history including its events. */
export function recordTask(events: HistoryEvent[], commands: Command[]): HistoryEvent[] {
  const sm = new WorkflowStateMachine('run-1', { buildId: 'b1' });
  sm.appendEvents(events);
  const a = sm.nextActivation({ startedTime: T0 + events.length * 1000 });
  if (!a || a.isReplaying) throw new Error('recordTask needs a history whose only task is pending');
  sm.complete(completion(commands));
  return [...sm.history];
}

export const act = (seq: number, activityType = 'charge'): Command => ({
  kind: 'scheduleActivity',
  seq,
  activityId: String(seq),
  activityType,
  args: [seq],
  options: { startToCloseTimeoutMs: 1000 },
});
export const timer = (seq: number, durationMs = 3_600_000): Command => ({
  kind: 'startTimer',
  seq,
  durationMs,
});
export const child = (seq: number): Command => ({
  kind: 'startChild',
  seq,
  workflowId: `child-${seq}`,
  workflowType: 'shipment',
  args: [],
  parentClosePolicy: 'terminate',
});
export const signalExt = (seq: number): Command => ({
  kind: 'signalExternal',
  seq,
  workflowId: 'other',
  signalName: 'poke',
  args: [1],
  childWorkflowOnly: false,
});
export const cancelExt = (seq: number): Command => ({
  kind: 'requestCancelExternal',
  seq,
  workflowId: 'other',
});

/** History: task 1 recorded `first` (its command events start at id 5), then `then`, then a new task. */
export function twoTasks(first: Command[], then: (firstCommandId: number) => NewEvent[]): HistoryEvent[] {
  const h1 = recordTask(extend([], [started, scheduled]), first);
  return extend(h1, [...then(5), scheduled]);
}
