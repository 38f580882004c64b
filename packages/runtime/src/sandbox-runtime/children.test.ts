import { describe, expect, it } from 'vitest';
import {
  ChildWorkflowFailure,
  continueAsNew,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  getVersion,
  isCancellation,
  makeContinueAsNewFunc,
  patched,
  sleep,
  startChild,
  uuid4,
} from '../workflow.ts';
import { commandsOf, initializeJob, RunDriver } from './driver.test-util.ts';

const ping = defineSignal<[number]>('ping');

async function child(n: number): Promise<number> {
  return n * 2;
}

const workflows = {
  child,
  async parent() {
    const handle = await startChild(child, {
      args: [1],
      workflowId: 'c-1',
      taskQueue: 'q2',
      workflowRunTimeout: '1h',
    });
    await handle.signal(ping, 5);
    const other = await executeChild('child', { args: [2], parentClosePolicy: 'abandon' });
    return { id: handle.workflowId, runId: handle.firstExecutionRunId, first: await handle.result(), other };
  },
  async childFails() {
    try {
      await executeChild(child, { args: [1], workflowId: 'c-1' });
      return 'no';
    } catch (err) {
      const e = err as ChildWorkflowFailure;
      return {
        name: e.name,
        isChildFailure: err instanceof ChildWorkflowFailure,
        type: e.workflowType,
        cancellation: isCancellation(err),
        cause: (e.cause as Error | undefined)?.name,
        message: (e.cause as Error | undefined)?.message,
      };
    }
  },
  async external() {
    const handle = getExternalWorkflowHandle('other', 'run-9');
    await handle.signal('ping', 1);
    try {
      await handle.cancel();
      return 'cancelled';
    } catch (err) {
      return (err as Error).message;
    }
  },
  async continues(n: number) {
    await sleep(1);
    if (n > 0) await continueAsNew<(n: number) => Promise<void>>(n - 1);
    const other = makeContinueAsNewFunc<(s: string) => Promise<void>>({
      workflowType: 'elsewhere',
      taskQueue: 'q3',
      workflowRunTimeout: '1 day',
    });
    await other('x');
  },
  async ids() {
    return [uuid4(), uuid4()];
  },
  async versioned() {
    const fast = patched('fast-path');
    const v = getVersion('pricing', 1, 2);
    await sleep(1);
    return { fast, v };
  },
};

describe('child workflows', () => {
  it('starts, signals and awaits children', async () => {
    const d = new RunDriver(workflows);
    const c = await d.start('parent', []);
    expect(commandsOf(c)).toEqual([
      {
        kind: 'startChild',
        seq: 1,
        workflowId: 'c-1',
        workflowType: 'child',
        args: [1],
        taskQueue: 'q2',
        workflowRunTimeoutMs: 3_600_000,
        parentClosePolicy: 'terminate',
      },
    ]);
    const started = await d.activate([{ kind: 'resolveChildStart', seq: 1, runId: 'child-run' }]);
    expect(commandsOf(started)).toEqual([
      {
        kind: 'signalExternal',
        seq: 1,
        workflowId: 'c-1',
        signalName: 'ping',
        args: [5],
        childWorkflowOnly: true,
      },
    ]);
    const signalled = await d.activate([{ kind: 'resolveSignalExternal', seq: 1 }]);
    expect(commandsOf(signalled)).toMatchObject([
      { kind: 'startChild', seq: 2, workflowType: 'child', args: [2], parentClosePolicy: 'abandon' },
    ]);
    // The default child id comes from the run's PRNG: a UUID, the same on every replay.
    expect((signalled.commands[0] as { workflowId: string }).workflowId).toMatch(/^[0-9a-f-]{36}$/);
    const end = await d.activate([
      { kind: 'resolveChildStart', seq: 2, runId: 'r2' },
      { kind: 'resolveChild', seq: 2, result: { status: 'completed', result: 4 } },
      { kind: 'resolveChild', seq: 1, result: { status: 'completed', result: 2 } },
    ]);
    expect(commandsOf(end)).toEqual([
      { kind: 'completeWorkflow', result: { id: 'c-1', runId: 'child-run', first: 2, other: 4 } },
    ]);
  });

  it.each([
    [
      'failed',
      {
        kind: 'resolveChild',
        seq: 1,
        result: { status: 'failed', failure: { message: 'bad', source: 'ApplicationFailure' } },
      },
      { cancellation: false, cause: 'ApplicationFailure', message: 'bad' },
    ],
    [
      'cancelled',
      {
        kind: 'resolveChild',
        seq: 1,
        result: { status: 'cancelled', failure: { message: 'gone', source: 'CancelledFailure' } },
      },
      { cancellation: true, cause: 'CancelledFailure', message: 'gone' },
    ],
  ] as const)('rejects a %s child with a ChildWorkflowFailure', async (_, job, expected) => {
    const d = new RunDriver(workflows);
    await d.start('childFails', []);
    await d.activate([{ kind: 'resolveChildStart', seq: 1, runId: 'r' }]);
    const c = await d.activate([job]);
    expect(commandsOf(c)).toEqual([
      {
        kind: 'completeWorkflow',
        result: { name: 'ChildWorkflowFailure', isChildFailure: true, type: 'child', ...expected },
      },
    ]);
  });

  it('rejects a child that could not start with the failure the engine reported', async () => {
    const d = new RunDriver(workflows);
    await d.start('childFails', []);
    const c = await d.activate([
      {
        kind: 'resolveChildStartFailed',
        seq: 1,
        failure: { message: 'workflow id c-1 is already running', source: 'ServerFailure' },
      },
    ]);
    expect(c.commands[0]).toMatchObject({
      kind: 'completeWorkflow',
      result: { name: 'ServerFailure', isChildFailure: false },
    });
  });
});

describe('external workflows', () => {
  it('signals and cancels by id, rejecting with the failure the engine reported', async () => {
    const d = new RunDriver(workflows);
    const c = await d.start('external', []);
    expect(commandsOf(c)).toEqual([
      {
        kind: 'signalExternal',
        seq: 1,
        workflowId: 'other',
        runId: 'run-9',
        signalName: 'ping',
        args: [1],
        childWorkflowOnly: false,
      },
    ]);
    expect(commandsOf(await d.activate([{ kind: 'resolveSignalExternal', seq: 1 }]))).toEqual([
      { kind: 'requestCancelExternal', seq: 1, workflowId: 'other', runId: 'run-9' },
    ]);
    const end = await d.activate([
      {
        kind: 'resolveCancelExternal',
        seq: 1,
        failure: { message: 'workflow other not found', source: 'ApplicationFailure' },
      },
    ]);
    expect(commandsOf(end)).toEqual([{ kind: 'completeWorkflow', result: 'workflow other not found' }]);
  });
});

describe('continue-as-new', () => {
  it('ends the run with a continueAsNew command carrying the new arguments', async () => {
    const d = new RunDriver(workflows);
    await d.start('continues', [1]);
    expect(commandsOf(await d.activate([{ kind: 'fireTimer', seq: 1 }]))).toEqual([
      { kind: 'continueAsNew', workflowType: 'continues', args: [0] },
    ]);
    const last = new RunDriver(workflows);
    await last.start('continues', [0]);
    expect(commandsOf(await last.activate([{ kind: 'fireTimer', seq: 1 }]))).toEqual([
      {
        kind: 'continueAsNew',
        workflowType: 'elsewhere',
        args: ['x'],
        taskQueue: 'q3',
        workflowRunTimeoutMs: 86_400_000,
      },
    ]);
  });
});

describe('uuid4', () => {
  it('draws version-4 UUIDs from the seeded PRNG', async () => {
    const a = await new RunDriver(workflows).start('ids', []);
    const b = await new RunDriver(workflows).start('ids', []);
    const ids = (a.commands[0] as { result: string[] }).result;
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(b.commands).toEqual(a.commands);
  });
});

describe('versioning', () => {
  it('records markers live, in order with the other commands', async () => {
    const c = await new RunDriver(workflows).start('versioned', []);
    expect(commandsOf(c)).toEqual([
      { kind: 'recordMarker', marker: { markerName: 'patch', patchId: 'fast-path', deprecated: false } },
      { kind: 'recordMarker', marker: { markerName: 'version', changeId: 'pricing', version: 2 } },
      { kind: 'startTimer', seq: 1, durationMs: 1 },
    ]);
  });

  it('follows the recorded markers on replay (notify jobs come first in the activation)', async () => {
    const d = new RunDriver(workflows);
    const replay = await d.activate(
      [
        { kind: 'notifyPatch', patchId: 'fast-path' },
        { kind: 'notifyVersion', changeId: 'pricing', version: 1 },
        initializeJob('versioned', []),
      ],
      { isReplaying: true },
    );
    expect(commandsOf(replay)).toEqual([
      { kind: 'recordMarker', marker: { markerName: 'patch', patchId: 'fast-path', deprecated: false } },
      { kind: 'recordMarker', marker: { markerName: 'version', changeId: 'pricing', version: 1 } },
      { kind: 'startTimer', seq: 1, durationMs: 1 },
    ]);
    const done = await d.activate([{ kind: 'fireTimer', seq: 1 }], { isReplaying: true });
    expect(commandsOf(done)).toEqual([{ kind: 'completeWorkflow', result: { fast: true, v: 1 } }]);
  });

  it('fails the task when a replayed history predates a change the code no longer supports', async () => {
    // No markers recorded: the run started before both changes; getVersion(.., 1, 2) cannot serve it.
    const c = await new RunDriver(workflows).start('versioned', [], [], { isReplaying: true });
    expect(c.commands).toEqual([]);
    expect(c.taskFailure).toMatchObject({ code: 'WORKFLOW_CODE_ERROR', type: 'UnsupportedVersionError' });
  });
});
