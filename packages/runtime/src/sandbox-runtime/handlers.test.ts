import { describe, expect, it } from 'vitest';
import type { RunEnv } from '../protocol/bundle.ts';
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
  uuid4,
} from '../workflow.ts';
import { commandsOf, kinds, RunDriver } from './driver.test-util.ts';

const env = (): RunEnv =>
  (globalThis as unknown as { __repriseEnv: { current: RunEnv } }).__repriseEnv.current;

const add = defineSignal<[string]>('add');
const done = defineSignal('done');
const items = defineQuery<string[]>('items');
const misbehave = defineQuery<unknown, [string]>('misbehave');
const slowQuery = defineQuery<Promise<number>>('slow');
const put = defineUpdate<number, [string]>('put');
const acts = proxyActivities<{ step(n: number): Promise<number> }>({ startToCloseTimeout: '1s' });

const workflows = {
  /** Sets the signal handler only after a timer, so early signals are buffered. */
  async lateHandler() {
    const seen: string[] = [];
    await sleep(10);
    setHandler(add, (x) => {
      seen.push(x);
    });
    setHandler(done, () => {
      seen.push('<done>');
    });
    await condition(() => seen.includes('<done>'));
    return seen;
  },
  async queries() {
    const list: string[] = ['a'];
    setHandler(items, () => list);
    setHandler(misbehave, (what) => {
      if (what === 'sleep') void sleep(1);
      if (what === 'activity') void acts.step(1);
      if (what === 'random') return env().random();
      if (what === 'uuid') return uuid4();
      if (what === 'cancel') CancellationScope.current().cancel();
      if (what === 'throw') throw ApplicationFailure.nonRetryable('nope', 'QueryBroke');
      return list.length;
    });
    setHandler(slowQuery, async () => 1);
    setHandler(add, (x) => {
      list.push(x);
    });
    await sleep(1000);
    return list;
  },
  async updates() {
    let total = 0;
    let stop = false;
    setHandler(done, () => {
      stop = true;
    });
    setHandler(
      put,
      async (what) => {
        if (what === 'fail') throw ApplicationFailure.create({ message: 'cannot put', type: 'PutFailed' });
        if (what === 'bug') throw new RangeError('bug in handler');
        if (what === 'slow') await sleep(50);
        total += what.length;
        return total;
      },
      {
        validator: (what) => {
          if (what === '') throw new Error('empty');
        },
      },
    );
    await condition(() => stop);
    return total;
  },
  async noUpdateHandler() {
    await sleep(10);
    return 'x';
  },
  async signalHandlerFails() {
    setHandler(add, (x) => {
      if (x === 'bug') throw new TypeError('handler bug');
      throw ApplicationFailure.nonRetryable(`bad ${x}`, 'BadSignal');
    });
    await sleep(10);
  },
};

describe('signals', () => {
  it('buffers signals until the handler is set, then delivers them in arrival order', async () => {
    const d = new RunDriver(workflows);
    const c = await d.start('lateHandler', [], [{ kind: 'signal', name: 'add', args: ['1'] }]);
    expect(commandsOf(c)).toEqual([{ kind: 'startTimer', seq: 1, durationMs: 10 }]);
    await d.activate([{ kind: 'signal', name: 'add', args: ['2'] }]);
    const end = await d.activate([
      { kind: 'signal', name: 'done', args: [] },
      { kind: 'signal', name: 'add', args: ['3'] },
      { kind: 'fireTimer', seq: 1 },
      { kind: 'signal', name: 'add', args: ['4'] },
    ]);
    // Each handler gets its own buffered signals in arrival order when it is set (add: 1, 2, 3; then
    // done); the workflow completes right after, so the later signal 4 is never delivered.
    expect(commandsOf(end)).toEqual([{ kind: 'completeWorkflow', result: ['1', '2', '3', '<done>'] }]);
  });

  it('fails the workflow for a failure thrown by a signal handler and the task for a bug', async () => {
    const failing = new RunDriver(workflows);
    await failing.start('signalHandlerFails', []);
    const c = await failing.activate([{ kind: 'signal', name: 'add', args: ['x'] }]);
    expect(commandsOf(c)).toMatchObject([
      { kind: 'failWorkflow', failure: { type: 'BadSignal', message: 'bad x' } },
    ]);
    const buggy = new RunDriver(workflows);
    await buggy.start('signalHandlerFails', []);
    const b = await buggy.activate([{ kind: 'signal', name: 'add', args: ['bug'] }]);
    expect(b.taskFailure).toMatchObject({ code: 'WORKFLOW_CODE_ERROR', message: 'handler bug' });
  });
});

describe('queries', () => {
  it('answers at the end of the activation, after the other jobs, without commands', async () => {
    const d = new RunDriver(workflows);
    await d.start('queries', []);
    const c = await d.activate([
      { kind: 'query', queryId: 'q1', name: 'items', args: [] },
      { kind: 'signal', name: 'add', args: ['b'] },
      { kind: 'query', queryId: 'q2', name: 'misbehave', args: ['count'] },
    ]);
    expect(c.commands).toEqual([]);
    expect(c.queryResults).toEqual([
      { queryId: 'q1', result: ['a', 'b'] },
      { queryId: 'q2', result: 2 },
    ]);
  });

  it.each([
    ['sleep', 'sleep() cannot be called from the handler of query "misbehave"'],
    ['activity', 'step() cannot be called from the handler of query "misbehave"'],
    ['random', 'Math.random() cannot be called from the handler of query "misbehave"'],
    ['uuid', 'uuid4() cannot be called from the handler of query "misbehave"'],
    ['cancel', 'CancellationScope.cancel() cannot be called from the handler of query "misbehave"'],
    ['throw', 'nope'],
  ])('answers with a failure when the handler tries to %s', async (what, message) => {
    const d = new RunDriver(workflows);
    await d.start('queries', []);
    const c = await d.activate([{ kind: 'query', queryId: 'q', name: 'misbehave', args: [what] }]);
    expect(c.commands).toEqual([]);
    expect(c.queryResults[0]?.failure?.message).toContain(message);
    // The run is untouched: the next timer is still seq 2 and the PRNG did not advance.
    const after = await d.activate([{ kind: 'fireTimer', seq: 1 }]);
    expect(commandsOf(after)).toEqual([{ kind: 'completeWorkflow', result: ['a'] }]);
  });

  it('rejects unknown queries and async handlers with a clear failure', async () => {
    const d = new RunDriver(workflows);
    await d.start('queries', []);
    const c = await d.activate([
      { kind: 'query', queryId: 'q1', name: 'nope', args: [] },
      { kind: 'query', queryId: 'q2', name: 'slow', args: [] },
    ]);
    expect(c.queryResults[0]?.failure).toMatchObject({ type: 'QueryNotFound' });
    expect(c.queryResults[0]?.failure?.message).toContain('registered queries: items, misbehave, slow');
    expect(c.queryResults[1]?.failure?.message).toContain('must be synchronous');
  });
});

describe('updates', () => {
  it('validates, accepts, runs the handler and completes with its result', async () => {
    const d = new RunDriver(workflows);
    await d.start('updates', []);
    const c = await d.activate([
      { kind: 'update', updateId: 'u1', name: 'put', args: ['abc'], runValidator: true },
      { kind: 'update', updateId: 'u2', name: 'put', args: [''], runValidator: true },
      { kind: 'update', updateId: 'u3', name: 'put', args: ['fail'], runValidator: true },
      { kind: 'update', updateId: 'u4', name: 'put', args: ['slow'], runValidator: true },
    ]);
    expect(commandsOf(c)).toMatchObject([
      { kind: 'acceptUpdate', updateId: 'u1' },
      { kind: 'completeUpdate', updateId: 'u1', result: 3 },
      { kind: 'rejectUpdate', updateId: 'u2', failure: { message: 'empty', type: 'Error' } },
      { kind: 'acceptUpdate', updateId: 'u3' },
      { kind: 'completeUpdate', updateId: 'u3', failure: { type: 'PutFailed', message: 'cannot put' } },
      { kind: 'acceptUpdate', updateId: 'u4' },
      { kind: 'startTimer', seq: 1, durationMs: 50 },
    ]);
    const later = await d.activate([{ kind: 'fireTimer', seq: 1 }]);
    expect(commandsOf(later)).toEqual([{ kind: 'completeUpdate', updateId: 'u4', result: 7 }]);
  });

  it('skips the validator on replay of an accepted update', async () => {
    const d = new RunDriver(workflows);
    await d.start('updates', []);
    const c = await d.activate([
      { kind: 'update', updateId: 'u1', name: 'put', args: [''], runValidator: false },
    ]);
    expect(commandsOf(c)).toEqual([
      { kind: 'acceptUpdate', updateId: 'u1' },
      { kind: 'completeUpdate', updateId: 'u1', result: 0 },
    ]);
  });

  it('fails the task when an update handler has a bug', async () => {
    const d = new RunDriver(workflows);
    await d.start('updates', []);
    const c = await d.activate([
      { kind: 'update', updateId: 'u1', name: 'put', args: ['bug'], runValidator: true },
    ]);
    expect(c.commands).toEqual([]);
    expect(c.taskFailure).toMatchObject({ code: 'WORKFLOW_CODE_ERROR', type: 'RangeError' });
  });

  it('rejects an update whose handler is still not set at the end of the activation', async () => {
    const d = new RunDriver(workflows);
    const c = await d.start(
      'noUpdateHandler',
      [],
      [{ kind: 'update', updateId: 'u1', name: 'put', args: ['x'], runValidator: true }],
    );
    expect(kinds(c)).toEqual(['startTimer', 'rejectUpdate']);
    expect(c.commands[1]).toMatchObject({ failure: { type: 'UpdateHandlerNotFound' } });
  });
});
