import type { HistoryEvent, NewEvent } from '@reprise/history-store';
import { describe, expect, it } from 'vitest';
import type { Command } from '../protocol/index.ts';
import { isNondeterminismError, type NondeterminismError } from './errors.ts';
import { WorkflowStateMachine } from './machine.ts';
import {
  act,
  cancelExt,
  child,
  completion,
  extend,
  recordTask,
  scheduled,
  signalExt,
  started,
  T0,
  timer,
} from './test-kit.ts';
import type { ReplayComparison } from './types.ts';

const failure = { message: 'no', source: 'ApplicationFailure' as const };
const patch = (patchId: string, deprecated = false): Command => ({
  kind: 'recordMarker',
  marker: { markerName: 'patch', patchId, deprecated },
});
const done: Command = { kind: 'completeWorkflow', result: 'ok' };

/** Records `setup` in task 1, then `commands` in task 2 (after a signal); returns task 2's new events. */
function liveEvents(setup: Command[], commands: Command[]): NewEvent[] {
  const h = extend(recordTask(extend([], [started, scheduled]), setup), [
    { eventType: 'WorkflowExecutionSignaled', signalName: 'go', input: [] },
    scheduled,
  ]);
  const sm = new WorkflowStateMachine('run-1', { buildId: 'b1', identity: 'w1' });
  sm.appendEvents(h);
  sm.nextActivation();
  sm.complete(completion(setup));
  const a = sm.nextActivation({ startedTime: T0 + 60_000, startedEventId: h.length + 1 });
  expect(a?.isReplaying).toBe(false);
  const out = sm.complete(completion(commands));
  if (out.status !== 'recorded') throw new Error(out.status);
  expect(out.firstEventId).toBe(h.length + 1);
  expect(out.events.slice(0, 2)).toEqual([
    { eventType: 'WorkflowTaskStarted', scheduledEventId: h.length, identity: 'w1' },
    {
      eventType: 'WorkflowTaskCompleted',
      scheduledEventId: h.length,
      startedEventId: h.length + 1,
      identity: 'w1',
      buildId: 'b1',
    },
  ]);
  return out.events.slice(2);
}

describe('commands in, events out (live)', () => {
  // Task 1 records its commands at ids 5, 6, …; task 2's WorkflowTaskCompleted is 5 + setup.length + 3.
  const rows: { name: string; setup: Command[]; commands: Command[]; events: (wtc: number) => NewEvent[] }[] =
    [
      {
        name: 'scheduleActivity',
        setup: [],
        commands: [
          { ...act(1), options: { startToCloseTimeoutMs: 5000, retry: { maximumAttempts: 3 } } } as Command,
        ],
        events: (wtc) => [
          {
            eventType: 'ActivityTaskScheduled',
            workflowTaskCompletedEventId: wtc,
            activityId: '1',
            activityType: 'charge',
            taskQueue: 'q',
            input: [1],
            startToCloseTimeoutMs: 5000,
            retryPolicy: { maximumAttempts: 3 },
          },
        ],
      },
      {
        name: 'requestCancelActivity',
        setup: [act(1)],
        commands: [{ kind: 'requestCancelActivity', seq: 1 }],
        events: (wtc) => [
          {
            eventType: 'ActivityTaskCancelRequested',
            scheduledEventId: 5,
            workflowTaskCompletedEventId: wtc,
          },
        ],
      },
      {
        name: 'startTimer, cancelTimer',
        setup: [timer(4)],
        commands: [timer(5, 1000), { kind: 'cancelTimer', seq: 4 }],
        events: (wtc) => [
          {
            eventType: 'TimerStarted',
            workflowTaskCompletedEventId: wtc,
            timerId: '5',
            startToFireTimeoutMs: 1000,
          },
          { eventType: 'TimerCanceled', timerId: '4', startedEventId: 5, workflowTaskCompletedEventId: wtc },
        ],
      },
      {
        name: 'recordMarker',
        setup: [],
        commands: [
          patch('p1'),
          { kind: 'recordMarker', marker: { markerName: 'version', changeId: 'c1', version: 2 } },
        ],
        events: (wtc) => [
          {
            eventType: 'MarkerRecorded',
            workflowTaskCompletedEventId: wtc,
            markerName: 'patch',
            details: { patchId: 'p1', deprecated: false },
          },
          {
            eventType: 'MarkerRecorded',
            workflowTaskCompletedEventId: wtc,
            markerName: 'version',
            details: { changeId: 'c1', version: 2 },
          },
        ],
      },
      {
        name: 'startChild, requestCancelChild',
        setup: [child(1)],
        commands: [{ kind: 'requestCancelChild', seq: 1 }],
        events: (wtc) => [
          {
            eventType: 'RequestCancelExternalWorkflowExecutionInitiated',
            workflowTaskCompletedEventId: wtc,
            workflowId: 'child-1',
            childWorkflowOnly: true,
          },
        ],
      },
      {
        name: 'signalExternal, requestCancelExternal',
        setup: [],
        commands: [signalExt(1), cancelExt(1)],
        events: (wtc) => [
          {
            eventType: 'SignalExternalWorkflowExecutionInitiated',
            workflowTaskCompletedEventId: wtc,
            workflowId: 'other',
            signalName: 'poke',
            input: [1],
            childWorkflowOnly: false,
          },
          {
            eventType: 'RequestCancelExternalWorkflowExecutionInitiated',
            workflowTaskCompletedEventId: wtc,
            workflowId: 'other',
            childWorkflowOnly: false,
          },
        ],
      },
      {
        name: 'completeWorkflow drops commands after it',
        setup: [],
        commands: [done, act(9)],
        events: (wtc) => [
          { eventType: 'WorkflowExecutionCompleted', workflowTaskCompletedEventId: wtc, result: 'ok' },
        ],
      },
      {
        name: 'failWorkflow',
        setup: [],
        commands: [{ kind: 'failWorkflow', failure }],
        events: (wtc) => [
          { eventType: 'WorkflowExecutionFailed', workflowTaskCompletedEventId: wtc, failure },
        ],
      },
      {
        name: 'cancelWorkflow',
        setup: [],
        commands: [{ kind: 'cancelWorkflow' }],
        events: (wtc) => [{ eventType: 'WorkflowExecutionCanceled', workflowTaskCompletedEventId: wtc }],
      },
      {
        name: 'continueAsNew',
        setup: [],
        commands: [{ kind: 'continueAsNew', workflowType: 'order', args: [2] }],
        events: (wtc) => [
          {
            eventType: 'WorkflowExecutionContinuedAsNew',
            workflowTaskCompletedEventId: wtc,
            newRunId: 'run-1-continued-7',
            workflowType: 'order',
            taskQueue: 'q',
            input: [2],
          },
        ],
      },
    ];
  for (const row of rows) {
    it(row.name, () => {
      expect(liveEvents(row.setup, row.commands)).toEqual(row.events(5 + row.setup.length + 3));
    });
  }

  it('updates: accepted and completed are recorded, rejected ones are reported', () => {
    const sm = new WorkflowStateMachine('run-1', { buildId: 'b1' });
    sm.appendEvents(extend([], [started, scheduled]));
    const a = sm.nextActivation({
      startedTime: T0,
      updates: [
        { updateId: 'u1', name: 'qty', args: [1] },
        { updateId: 'u2', name: 'qty', args: [-1] },
      ],
      queries: [{ queryId: 'q1', name: 'status', args: [] }],
    });
    expect(a?.jobs.map((j) => j.kind)).toEqual(['initialize', 'update', 'update', 'query']);
    const out = sm.complete({
      ...completion([
        { kind: 'acceptUpdate', updateId: 'u1' },
        { kind: 'rejectUpdate', updateId: 'u2', failure },
        { kind: 'completeUpdate', updateId: 'u1', result: 7 },
      ]),
      queryResults: [{ queryId: 'q1', result: 'open' }],
    });
    expect(out).toMatchObject({
      status: 'recorded',
      rejectedUpdates: [{ updateId: 'u2', failure }],
      queryResults: [{ queryId: 'q1', result: 'open' }],
    });
    if (out.status !== 'recorded') return;
    expect(out.events.slice(2)).toEqual([
      { eventType: 'WorkflowExecutionUpdateAccepted', updateId: 'u1', name: 'qty', input: [1] },
      { eventType: 'WorkflowExecutionUpdateCompleted', updateId: 'u1', acceptedEventId: 5, result: 7 },
    ]);
  });

  it('a query-only activation records nothing', () => {
    const sm = new WorkflowStateMachine('run-1', { buildId: 'b1' });
    sm.appendEvents(recordTask(extend([], [started, scheduled]), [done]));
    sm.nextActivation();
    sm.complete(completion([done]));
    expect(sm.isClosed).toBe(true);
    const before = sm.lastEventId;
    const q = sm.queryActivation([{ queryId: 'q', name: 'status', args: [] }]);
    expect(q.jobs).toEqual([{ kind: 'query', queryId: 'q', name: 'status', args: [] }]);
    expect(sm.complete({ ...completion([]), queryResults: [{ queryId: 'q', result: 1 }] })).toEqual({
      status: 'queried',
      queryResults: [{ queryId: 'q', result: 1 }],
    });
    expect(sm.lastEventId).toBe(before);
  });

  it('recognises its own events when they are read back from the store', () => {
    const h = recordTask(extend([], [started, scheduled]), [act(1)]);
    const sm = new WorkflowStateMachine('run-1', { buildId: 'b1' });
    sm.appendEvents(h.slice(0, 2));
    sm.nextActivation({ startedTime: T0 });
    sm.complete(completion([act(1)]));
    sm.appendEvents(
      extend(h, [
        { eventType: 'ActivityTaskCompleted', scheduledEventId: 5, startedEventId: 5, result: 1 },
        scheduled,
      ]),
    );
    const a = sm.nextActivation({ startedTime: T0 + 1 });
    expect(a?.jobs).toEqual([
      { kind: 'resolveActivity', seq: 1, result: { status: 'completed', result: 1 } },
    ]);
  });

  it('rejects a gap in event ids', () => {
    const sm = new WorkflowStateMachine('run-1', { buildId: 'b1' });
    const h = extend([], [started, scheduled]);
    expect(() => sm.appendEvents([h[0]!, { ...h[1]!, eventId: 3 }])).toThrow(/expected event 2 next, got 3/);
  });
});

/** Records `recorded` in task 1 (then a timer firing and task 2), replays task 1 with `replayed`. */
function replayError(
  recorded: Command[],
  replayed: Command[],
  compare?: ReplayComparison,
): NondeterminismError | undefined {
  const h: HistoryEvent[] = extend(recordTask(extend([], [started, scheduled]), recorded), [scheduled]);
  const sm = new WorkflowStateMachine('run-1', { buildId: 'b2', ...(compare ? { compare } : {}) });
  sm.appendEvents(h);
  sm.nextActivation();
  try {
    expect(sm.complete(completion(replayed)).status).toBe('replayed');
    return undefined;
  } catch (err) {
    if (isNondeterminismError(err)) return err;
    throw err;
  }
}

describe('replay checks (commands against recorded events)', () => {
  const rows: {
    name: string;
    recorded: Command[];
    replayed: Command[];
    compare?: ReplayComparison;
    expect: undefined | { eventId: number; divergence: string; field?: string };
  }[] = [
    {
      name: 'identical commands replay',
      recorded: [act(1, 'a'), timer(1)],
      replayed: [act(1, 'a'), timer(1)],
      expect: undefined,
    },
    {
      name: 'reordered activities',
      recorded: [act(1, 'a'), act(2, 'b')],
      replayed: [act(1, 'b'), act(2, 'a')],
      expect: { eventId: 5, divergence: 'mismatch', field: 'activityType' },
    },
    {
      name: 'added activity',
      recorded: [act(1, 'a'), done],
      replayed: [act(1, 'a'), act(2, 'b'), done],
      expect: { eventId: 6, divergence: 'mismatch', field: 'kind' },
    },
    {
      name: 'removed activity (code ends early)',
      recorded: [act(1, 'a'), act(2, 'b')],
      replayed: [act(1, 'a')],
      expect: { eventId: 6, divergence: 'missingCommand' },
    },
    {
      name: 'extra command past the recorded ones',
      recorded: [act(1, 'a')],
      replayed: [act(1, 'a'), act(2, 'b')],
      expect: { eventId: 6, divergence: 'extraCommand' },
    },
    {
      name: 'renamed activity',
      recorded: [act(1, 'a')],
      replayed: [act(1, 'a2')],
      expect: { eventId: 5, divergence: 'mismatch', field: 'activityType' },
    },
    {
      name: 'changed timer duration',
      recorded: [timer(1, 1000)],
      replayed: [timer(1, 2000)],
      expect: { eventId: 5, divergence: 'mismatch', field: 'durationMs' },
    },
    {
      name: 'changed timer duration, check off',
      recorded: [timer(1, 1000)],
      replayed: [timer(1, 2000)],
      compare: { timerDurations: false },
      expect: undefined,
    },
    {
      name: 'a timer inserted before another',
      recorded: [timer(1)],
      replayed: [timer(2)],
      expect: { eventId: 5, divergence: 'mismatch', field: 'timerId' },
    },
    {
      name: 'changed arguments, check off by default',
      recorded: [act(1)],
      replayed: [{ ...act(1), args: ['x'] } as Command],
      expect: undefined,
    },
    {
      name: 'changed arguments, check on',
      recorded: [act(1)],
      replayed: [{ ...act(1), args: ['x'] } as Command],
      compare: { argumentHashes: true },
      expect: { eventId: 5, divergence: 'mismatch', field: 'args' },
    },
    {
      name: 'marker mismatch',
      recorded: [patch('p1')],
      replayed: [patch('p2')],
      expect: { eventId: 5, divergence: 'mismatch', field: 'patchId' },
    },
    {
      name: 'deprecated patch in history, gone from code',
      recorded: [patch('p1', true), act(1)],
      replayed: [act(1)],
      expect: undefined,
    },
    {
      name: 'deprecatePatch in code, absent from history',
      recorded: [act(1)],
      replayed: [patch('p1', true), act(1)],
      expect: undefined,
    },
    {
      name: 'a new branch: child instead of activity',
      recorded: [act(1)],
      replayed: [child(1)],
      expect: { eventId: 5, divergence: 'mismatch', field: 'kind' },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const err = replayError(row.recorded, row.replayed, row.compare);
      if (row.expect === undefined) expect(err).toBeUndefined();
      else expect(err?.details).toMatchObject(row.expect);
    });
  }

  it('the error reads as a diff and carries the facts', () => {
    const err = replayError([act(1, 'reserve'), act(2, 'charge')], [act(1, 'reserve'), act(2, 'refund')]);
    expect(err?.code).toBe('NONDETERMINISM');
    expect(err).toMatchObject({
      workflowId: 'wf-1',
      runId: 'run-1',
      workflowType: 'order',
      buildId: 'b2',
      eventId: 6,
    });
    expect(err?.command).toMatchObject({ kind: 'scheduleActivity', activityType: 'refund', seq: 2 });
    expect(err?.recordedEvent?.eventType).toBe('ActivityTaskScheduled');
    expect(err?.details.lastMatching.map((e) => e.eventId)).toEqual([1, 5]);
    expect(err?.message).toContain("- history: 6 ActivityTaskScheduled 'charge'");
    expect(err?.message).toContain("+ code:    scheduleActivity 'refund' (seq 2");
    expect(err?.message).toContain("patched('add-refund')");
    const located = err?.withLocation({ file: 'workflows/order.ts', line: 12, column: 5 });
    expect(located?.message).toContain('at workflows/order.ts:12:5');
  });
});
