import type { HistoryEvent, NewEvent } from '@reprise/history-store';
import { describe, expect, it } from 'vitest';
import type { Command, Job } from '../protocol/index.ts';
import { WorkflowStateMachine } from './machine.ts';
import {
  act,
  cancelExt,
  child,
  completion,
  extend,
  scheduled,
  signalExt,
  started,
  T0,
  timer,
  twoTasks,
} from './test-kit.ts';

/** Replays the first task with `first` and returns the live second activation's jobs. */
function secondJobs(history: HistoryEvent[], first: Command[]): Job[] {
  const sm = new WorkflowStateMachine('run-1', { buildId: 'b1' });
  sm.appendEvents(history);
  const a1 = sm.nextActivation({ startedTime: T0 + 99_000 });
  expect(a1?.isReplaying).toBe(true);
  expect(sm.complete(completion(first)).status).toBe('replayed');
  const a2 = sm.nextActivation({ startedTime: T0 + 99_000 });
  expect(a2?.isReplaying).toBe(false);
  return a2!.jobs;
}

const failure = { message: 'boom', source: 'ApplicationFailure' as const };

describe('events in, jobs out', () => {
  const rows: { name: string; first: Command[]; after: (id: number) => NewEvent[]; jobs: Job[] }[] = [
    {
      name: 'ActivityTaskCompleted resolves the activity by seq',
      first: [act(1)],
      after: (id) => [
        { eventType: 'ActivityTaskStarted', scheduledEventId: id, attempt: 1, identity: 'w' },
        { eventType: 'ActivityTaskCompleted', scheduledEventId: id, startedEventId: id + 1, result: 'ok' },
      ],
      jobs: [{ kind: 'resolveActivity', seq: 1, result: { status: 'completed', result: 'ok' } }],
    },
    {
      name: 'ActivityTaskFailed',
      first: [act(7)],
      after: (id) => [
        {
          eventType: 'ActivityTaskFailed',
          scheduledEventId: id,
          startedEventId: id,
          failure,
          retryState: 'maximumAttemptsReached',
        },
      ],
      jobs: [{ kind: 'resolveActivity', seq: 7, result: { status: 'failed', failure } }],
    },
    {
      name: 'ActivityTaskTimedOut',
      first: [act(1)],
      after: (id) => [
        {
          eventType: 'ActivityTaskTimedOut',
          scheduledEventId: id,
          timeoutType: 'startToClose',
          failure: { message: 'timed out', source: 'TimeoutFailure', timeoutType: 'startToClose' },
        },
      ],
      jobs: [
        {
          kind: 'resolveActivity',
          seq: 1,
          result: {
            status: 'failed',
            failure: { message: 'timed out', source: 'TimeoutFailure', timeoutType: 'startToClose' },
          },
        },
      ],
    },
    {
      name: 'ActivityTaskCanceled',
      first: [act(1)],
      after: (id) => [{ eventType: 'ActivityTaskCanceled', scheduledEventId: id }],
      jobs: [
        {
          kind: 'resolveActivity',
          seq: 1,
          result: {
            status: 'cancelled',
            failure: { message: 'Activity cancelled', source: 'CancelledFailure' },
          },
        },
      ],
    },
    {
      name: 'TimerFired resolves the timer by id',
      first: [timer(3)],
      after: (id) => [{ eventType: 'TimerFired', timerId: '3', startedEventId: id }],
      jobs: [{ kind: 'fireTimer', seq: 3 }],
    },
    {
      name: 'WorkflowExecutionSignaled',
      first: [],
      after: () => [{ eventType: 'WorkflowExecutionSignaled', signalName: 'approve', input: [true] }],
      jobs: [{ kind: 'signal', name: 'approve', args: [true] }],
    },
    {
      name: 'WorkflowExecutionCancelRequested',
      first: [],
      after: () => [{ eventType: 'WorkflowExecutionCancelRequested', cause: 'user' }],
      jobs: [{ kind: 'cancelWorkflow', reason: 'user' }],
    },
    {
      name: 'child started, then completed',
      first: [child(1)],
      after: (id) => [
        {
          eventType: 'ChildWorkflowExecutionStarted',
          initiatedEventId: id,
          workflowId: 'child-1',
          runId: 'c1',
          workflowType: 'shipment',
        },
        {
          eventType: 'ChildWorkflowExecutionCompleted',
          initiatedEventId: id,
          startedEventId: id + 1,
          workflowId: 'child-1',
          runId: 'c1',
          result: 42,
        },
      ],
      jobs: [
        { kind: 'resolveChildStart', seq: 1, runId: 'c1' },
        { kind: 'resolveChild', seq: 1, result: { status: 'completed', result: 42 } },
      ],
    },
    {
      name: 'StartChildWorkflowExecutionFailed',
      first: [child(2)],
      after: (id) => [
        {
          eventType: 'StartChildWorkflowExecutionFailed',
          initiatedEventId: id,
          workflowId: 'child-2',
          workflowType: 'shipment',
          cause: 'WorkflowAlreadyExists',
        },
      ],
      jobs: [
        {
          kind: 'resolveChildStartFailed',
          seq: 2,
          failure: {
            message: 'child workflow child-2 (shipment) could not start: WorkflowAlreadyExists',
            source: 'ChildWorkflowFailure',
            type: 'WorkflowAlreadyExists',
            workflowType: 'shipment',
          },
        },
      ],
    },
    ...(
      [
        ['ChildWorkflowExecutionFailed', { status: 'failed', failure }],
        [
          'ChildWorkflowExecutionCanceled',
          {
            status: 'cancelled',
            failure: { message: 'Child workflow cancelled', source: 'CancelledFailure' },
          },
        ],
        [
          'ChildWorkflowExecutionTerminated',
          {
            status: 'failed',
            failure: { message: 'Child workflow terminated', source: 'TerminatedFailure' },
          },
        ],
        [
          'ChildWorkflowExecutionTimedOut',
          {
            status: 'failed',
            failure: { message: 'Child workflow timed out', source: 'TimeoutFailure', timeoutType: 'run' },
          },
        ],
      ] as const
    ).map(([eventType, result]) => ({
      name: eventType,
      first: [child(1)],
      after: (id: number) =>
        [
          {
            eventType,
            initiatedEventId: id,
            startedEventId: id,
            workflowId: 'child-1',
            runId: 'c1',
            failure,
          },
        ] as NewEvent[],
      jobs: [{ kind: 'resolveChild', seq: 1, result } as Job],
    })),
    {
      name: 'external signal delivered, and failed',
      first: [signalExt(1), signalExt(2)],
      after: (id) => [
        { eventType: 'ExternalWorkflowExecutionSignaled', initiatedEventId: id, workflowId: 'other' },
        {
          eventType: 'SignalExternalWorkflowExecutionFailed',
          initiatedEventId: id + 1,
          workflowId: 'other',
          cause: 'NotFound',
        },
      ],
      jobs: [
        { kind: 'resolveSignalExternal', seq: 1 },
        {
          kind: 'resolveSignalExternal',
          seq: 2,
          failure: {
            message: 'could not signal workflow other: NotFound',
            source: 'ApplicationFailure',
            type: 'NotFound',
          },
        },
      ],
    },
    {
      name: 'external cancel requested, and failed',
      first: [cancelExt(1), cancelExt(2)],
      after: (id) => [
        { eventType: 'ExternalWorkflowExecutionCancelRequested', initiatedEventId: id, workflowId: 'other' },
        {
          eventType: 'RequestCancelExternalWorkflowExecutionFailed',
          initiatedEventId: id + 1,
          workflowId: 'other',
          cause: 'NotFound',
        },
      ],
      jobs: [
        { kind: 'resolveCancelExternal', seq: 1 },
        {
          kind: 'resolveCancelExternal',
          seq: 2,
          failure: {
            message: 'could not cancel workflow other: NotFound',
            source: 'ApplicationFailure',
            type: 'NotFound',
          },
        },
      ],
    },
    {
      name: 'events of one task arrive in history order',
      first: [act(1), timer(1)],
      after: (id) => [
        { eventType: 'WorkflowExecutionSignaled', signalName: 'a', input: [] },
        { eventType: 'TimerFired', timerId: '1', startedEventId: id + 1 },
        { eventType: 'ActivityTaskCompleted', scheduledEventId: id, startedEventId: id, result: 1 },
        { eventType: 'WorkflowExecutionSignaled', signalName: 'b', input: [] },
      ],
      jobs: [
        { kind: 'signal', name: 'a', args: [] },
        { kind: 'fireTimer', seq: 1 },
        { kind: 'resolveActivity', seq: 1, result: { status: 'completed', result: 1 } },
        { kind: 'signal', name: 'b', args: [] },
      ],
    },
    {
      name: 'a failed workflow task hands its jobs to the next one',
      first: [],
      after: () => [
        { eventType: 'WorkflowExecutionSignaled', signalName: 'a', input: [] },
        scheduled,
        { eventType: 'WorkflowTaskStarted', scheduledEventId: 6, identity: 'w' },
        {
          eventType: 'WorkflowTaskFailed',
          scheduledEventId: 6,
          startedEventId: 7,
          cause: 'UnhandledError',
          failure,
          identity: 'w',
        },
      ],
      jobs: [{ kind: 'signal', name: 'a', args: [] }],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      expect(secondJobs(twoTasks(row.first, row.after), row.first)).toEqual(row.jobs);
    });
  }

  it('the first activation initializes the run at the WorkflowTaskStarted time', () => {
    const sm = new WorkflowStateMachine('run-1', { buildId: 'b1' });
    sm.appendEvents(extend([], [started, scheduled]));
    const a = sm.nextActivation({ startedTime: T0 + 5000 });
    expect(a).toMatchObject({ runId: 'run-1', timestamp: T0 + 5000, isReplaying: false, historyLength: 3 });
    expect(a?.jobs).toEqual([
      {
        kind: 'initialize',
        workflowType: 'order',
        args: ['in'],
        randomnessSeed: [1, 2, 3, 4],
        info: {
          workflowId: 'wf-1',
          runId: 'run-1',
          workflowType: 'order',
          taskQueue: 'q',
          attempt: 1,
          firstExecutionRunId: 'run-1',
          startTime: T0,
          buildId: 'b1',
        },
      },
    ]);
  });

  it('markers and accepted updates of a replayed task become notify and update jobs', () => {
    const marker: Command = {
      kind: 'recordMarker',
      marker: { markerName: 'patch', patchId: 'p1', deprecated: false },
    };
    const version: Command = {
      kind: 'recordMarker',
      marker: { markerName: 'version', changeId: 'c', version: 2 },
    };
    const sm = new WorkflowStateMachine('run-1', { buildId: 'b1' });
    sm.appendEvents(extend([], [started, scheduled]));
    sm.nextActivation({ startedTime: T0 + 1, updates: [{ updateId: 'u1', name: 'setQty', args: [3] }] });
    const out = sm.complete(completion([marker, { kind: 'acceptUpdate', updateId: 'u1' }, version]));
    expect(out.status).toBe('recorded');
    const replay = new WorkflowStateMachine('run-1', { buildId: 'b1' });
    replay.appendEvents(sm.history);
    const a = replay.nextActivation();
    expect(a?.isReplaying).toBe(true);
    expect(a?.jobs.map((j) => j.kind)).toEqual(['notifyPatch', 'notifyVersion', 'initialize', 'update']);
    expect(a?.jobs[3]).toEqual({
      kind: 'update',
      updateId: 'u1',
      name: 'setQty',
      args: [3],
      runValidator: false,
    });
  });

  it('a terminated run yields no further activation', () => {
    const history = twoTasks([], () => [{ eventType: 'WorkflowExecutionTerminated', reason: 'ops' }]);
    const sm = new WorkflowStateMachine('run-1', { buildId: 'b1' });
    sm.appendEvents(history.slice(0, -1));
    sm.nextActivation();
    sm.complete(completion([]));
    expect(sm.nextActivation({ startedTime: T0 })).toBeUndefined();
    expect(sm.isClosed).toBe(true);
  });
});
