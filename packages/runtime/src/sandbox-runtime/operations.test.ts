import { describe, expect, it } from 'vitest';
import type { Job } from '../protocol/activation.ts';
import {
  ActivityFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '../workflow.ts';
import { commandsOf, kinds, RunDriver } from './driver.test-util.ts';

interface Acts {
  step(n: number): Promise<number>;
}
const acts = proxyActivities<Acts>({ startToCloseTimeout: '1s' });
const waiting = proxyActivities<Acts>({
  startToCloseTimeout: '1s',
  cancellationType: 'waitCancellationCompleted',
});
const abandoning = proxyActivities<Acts>({ startToCloseTimeout: '1s', cancellationType: 'abandon' });
const go = defineSignal('go');
const cancelInner = defineSignal('cancelInner');

const completed = (seq: number, result: unknown): Job => ({
  kind: 'resolveActivity',
  seq,
  result: { status: 'completed', result },
});
const describeError = (err: unknown) => ({
  name: (err as Error).name,
  cancellation: isCancellation(err),
  cause: ((err as Error).cause as Error | undefined)?.name,
});

const workflows = {
  async activityOptions() {
    const custom = proxyActivities<Acts>({
      scheduleToCloseTimeout: '1 hour',
      scheduleToStartTimeout: 5000,
      heartbeatTimeout: '30s',
      taskQueue: 'gpu',
      activityId: 'fixed-id',
      retry: {
        initialInterval: '2s',
        backoffCoefficient: 1.5,
        maximumInterval: '1m',
        maximumAttempts: 4,
        nonRetryableErrorTypes: ['Fatal'],
      },
    });
    return [await custom.step(1), await acts.step(2)];
  },
  async activityFails() {
    try {
      await acts.step(1);
      return 'no';
    } catch (err) {
      return describeError(err);
    }
  },
  async raceTimerSignal() {
    let went = false;
    setHandler(go, () => {
      went = true;
    });
    return Promise.race([sleep('1 day').then(() => 'timer'), condition(() => went).then(() => 'signal')]);
  },
  async conditionTimeout() {
    let went = false;
    setHandler(go, () => {
      went = true;
    });
    const first = await condition(() => went, '1 hour');
    const second = await condition(() => went, '1 hour');
    return [first, second];
  },
  async cancelScope(cancellationType: 'tryCancel' | 'waitCancellationCompleted' | 'abandon') {
    const proxy =
      cancellationType === 'tryCancel' ? acts : cancellationType === 'abandon' ? abandoning : waiting;
    const scope = new CancellationScope();
    setHandler(cancelInner, () => scope.cancel());
    const results: unknown[] = [];
    try {
      await scope.run(async () => {
        await sleep(10);
        // Started after an await: still in the inner scope.
        await Promise.all([proxy.step(1), sleep(20)]);
      });
    } catch (err) {
      results.push(describeError(err));
    }
    // Back in the root scope: not cancelled.
    results.push(await acts.step(3));
    return results;
  },
  async waitsForCancel() {
    const scope = new CancellationScope();
    setHandler(cancelInner, () => scope.cancel());
    try {
      return await scope.run(() => waiting.step(1));
    } catch (err) {
      return describeError(err);
    }
  },
  async withTimeout() {
    try {
      return await CancellationScope.withTimeout('1 minute', () => acts.step(1));
    } catch (err) {
      return describeError(err);
    }
  },
  async cancelledWorkflow() {
    try {
      await acts.step(1);
    } finally {
      await CancellationScope.nonCancellable(async () => {
        await acts.step(2);
        await sleep(5);
      });
    }
  },
  async cancelledWhileSleeping() {
    await sleep('1 day');
  },
  async swallowsCancellation() {
    try {
      await sleep('1 day');
    } catch (err) {
      if (!(err instanceof CancelledFailure)) throw err;
    }
    return 'handled';
  },
  async alreadyCancelledScope() {
    const scope = new CancellationScope();
    scope.cancel();
    const outcome = await scope
      .run(() => sleep(1))
      .then(
        () => 'ran',
        (err: unknown) => describeError(err),
      );
    return { outcome, consideredCancelled: scope.consideredCancelled };
  },
};

describe('activities', () => {
  it('schedules with every option converted to milliseconds and sequence-numbered ids', async () => {
    const d = new RunDriver(workflows);
    const c = await d.start('activityOptions', []);
    expect(commandsOf(c)).toEqual([
      {
        kind: 'scheduleActivity',
        seq: 1,
        activityId: 'fixed-id',
        activityType: 'step',
        args: [1],
        options: {
          scheduleToCloseTimeoutMs: 3_600_000,
          scheduleToStartTimeoutMs: 5000,
          heartbeatTimeoutMs: 30_000,
          taskQueue: 'gpu',
          retry: {
            initialIntervalMs: 2000,
            backoffCoefficient: 1.5,
            maximumIntervalMs: 60_000,
            maximumAttempts: 4,
            nonRetryableErrorTypes: ['Fatal'],
          },
        },
      },
    ]);
    const next = await d.activate([completed(1, 10)]);
    expect(commandsOf(next)).toEqual([
      {
        kind: 'scheduleActivity',
        seq: 2,
        activityId: '2',
        activityType: 'step',
        args: [2],
        options: { startToCloseTimeoutMs: 1000 },
      },
    ]);
    expect(commandsOf(await d.activate([completed(2, 20)]))).toEqual([
      { kind: 'completeWorkflow', result: [10, 20] },
    ]);
  });

  it.each([
    [{}, 'set startToCloseTimeout or scheduleToCloseTimeout'],
    [{ startToCloseTimeout: 'soon' }, `cannot read "soon"`],
    [{ startToCloseTimeout: 0 }, 'must be greater than 0'],
    [
      { startToCloseTimeout: '1s', retry: { backoffCoefficient: 0.5 } },
      'backoffCoefficient: expected a number >= 1',
    ],
    [
      { startToCloseTimeout: '1s', retry: { maximumAttempts: 1.5 } },
      'maximumAttempts: expected a whole number',
    ],
    [
      { startToCloseTimeout: '1s', retry: { initialInterval: '10s', maximumInterval: '1s' } },
      'must not be shorter',
    ],
    [{ startToCloseTimeout: '1s', cancellationType: 'later' }, 'cancellationType'],
  ])('rejects invalid options %j', (options, message) => {
    expect(() => proxyActivities(options as never)).toThrow(message);
  });

  it.each([
    ['failed', { message: 'boom', source: 'ApplicationFailure', type: 'Boom' }, false, 'ApplicationFailure'],
    [
      'failed',
      { message: 'late', source: 'TimeoutFailure', timeoutType: 'startToClose' },
      false,
      'TimeoutFailure',
    ],
    ['cancelled', { message: 'Activity cancelled', source: 'CancelledFailure' }, true, 'CancelledFailure'],
  ] as const)(
    'rejects a %s activity with an ActivityFailure caused by %j',
    async (status, failure, cancellation, cause) => {
      const d = new RunDriver(workflows);
      await d.start('activityFails', []);
      const c = await d.activate([{ kind: 'resolveActivity', seq: 1, result: { status, failure } }]);
      expect(commandsOf(c)).toEqual([
        { kind: 'completeWorkflow', result: { name: 'ActivityFailure', cancellation, cause } },
      ]);
    },
  );
});

describe('timers and conditions', () => {
  it.each([
    // Promise.race does not cancel the loser: the timer keeps running (scope it to cancel it).
    ['the signal', [{ kind: 'signal', name: 'go', args: [] }], [], 'signal'],
    ['the timer', [{ kind: 'fireTimer', seq: 1 }], [], 'timer'],
    // Same activation: history order decides, and the fired timer is not cancelled.
    [
      'the timer (first in history)',
      [
        { kind: 'fireTimer', seq: 1 },
        { kind: 'signal', name: 'go', args: [] },
      ],
      [],
      'timer',
    ],
    [
      'the signal (first in history)',
      [
        { kind: 'signal', name: 'go', args: [] },
        { kind: 'fireTimer', seq: 1 },
      ],
      [],
      'signal',
    ],
  ] as const)('races a timer against a signal: %s wins', async (_, jobs, extra, winner) => {
    const d = new RunDriver(workflows);
    const c = await d.start('raceTimerSignal', []);
    expect(commandsOf(c)).toEqual([{ kind: 'startTimer', seq: 1, durationMs: 86_400_000 }]);
    const end = await d.activate([...jobs] as Job[]);
    expect(kinds(end)).toEqual([...extra, 'completeWorkflow']);
    expect(end.commands.at(-1)).toMatchObject({ result: winner });
  });

  it('resolves a condition false on timeout and true at once when the predicate already holds', async () => {
    const d = new RunDriver(workflows);
    const c = await d.start('conditionTimeout', []);
    expect(commandsOf(c)).toEqual([{ kind: 'startTimer', seq: 1, durationMs: 3_600_000 }]);
    const timedOut = await d.activate([{ kind: 'fireTimer', seq: 1 }]);
    expect(commandsOf(timedOut)).toEqual([{ kind: 'startTimer', seq: 2, durationMs: 3_600_000 }]);
    const signalled = await d.activate([{ kind: 'signal', name: 'go', args: [] }]);
    expect(commandsOf(signalled)).toEqual([
      { kind: 'cancelTimer', seq: 2 },
      { kind: 'completeWorkflow', result: [false, true] },
    ]);
  });
});

describe('cancellation scopes', () => {
  it.each([
    ['tryCancel', ['requestCancelActivity', 'cancelTimer', 'scheduleActivity']],
    ['abandon', ['cancelTimer', 'scheduleActivity']],
  ] as const)('cancels what a scope started after an await (%s)', async (type, afterCancel) => {
    const d = new RunDriver(workflows);
    expect(kinds(await d.start('cancelScope', [type]))).toEqual(['startTimer']);
    expect(kinds(await d.activate([{ kind: 'fireTimer', seq: 1 }]))).toEqual([
      'scheduleActivity',
      'startTimer',
    ]);
    const c = await d.activate([{ kind: 'signal', name: 'cancelInner', args: [] }]);
    expect(kinds(c)).toEqual(afterCancel);
    expect(c.commands.at(-1)).toMatchObject({ seq: 2, args: [3] });
    const end = await d.activate([completed(2, 3)]);
    expect(commandsOf(end)).toEqual([
      {
        kind: 'completeWorkflow',
        result: [{ name: 'ActivityFailure', cancellation: true, cause: 'CancelledFailure' }, 3],
      },
    ]);
  });

  it('waits for the activity to acknowledge with waitCancellationCompleted', async () => {
    const d = new RunDriver(workflows);
    expect(kinds(await d.start('waitsForCancel', []))).toEqual(['scheduleActivity']);
    const c = await d.activate([{ kind: 'signal', name: 'cancelInner', args: [] }]);
    expect(commandsOf(c)).toEqual([{ kind: 'requestCancelActivity', seq: 1 }]);
    const acked = await d.activate([
      {
        kind: 'resolveActivity',
        seq: 1,
        result: { status: 'cancelled', failure: { message: 'x', source: 'CancelledFailure' } },
      },
    ]);
    expect(commandsOf(acked)).toEqual([
      {
        kind: 'completeWorkflow',
        result: { name: 'ActivityFailure', cancellation: true, cause: 'CancelledFailure' },
      },
    ]);
  });

  it('cancels the work of withTimeout when its timer fires, and the timer when the work wins', async () => {
    const slow = new RunDriver(workflows);
    expect(kinds(await slow.start('withTimeout', []))).toEqual(['startTimer', 'scheduleActivity']);
    const timedOut = await slow.activate([{ kind: 'fireTimer', seq: 1 }]);
    expect(commandsOf(timedOut)).toEqual([
      { kind: 'requestCancelActivity', seq: 1 },
      {
        kind: 'completeWorkflow',
        result: { name: 'ActivityFailure', cancellation: true, cause: 'CancelledFailure' },
      },
    ]);
    const fast = new RunDriver(workflows);
    await fast.start('withTimeout', []);
    expect(commandsOf(await fast.activate([completed(1, 7)]))).toEqual([
      { kind: 'cancelTimer', seq: 1 },
      { kind: 'completeWorkflow', result: 7 },
    ]);
  });

  it('cancels the run, still running non-cancellable cleanup', async () => {
    const d = new RunDriver(workflows);
    await d.start('cancelledWorkflow', []);
    const c = await d.activate([{ kind: 'cancelWorkflow', reason: 'user asked' }]);
    expect(commandsOf(c)).toEqual([
      { kind: 'requestCancelActivity', seq: 1 },
      {
        kind: 'scheduleActivity',
        seq: 2,
        activityId: '2',
        activityType: 'step',
        args: [2],
        options: { startToCloseTimeoutMs: 1000 },
      },
    ]);
    expect(kinds(await d.activate([completed(2, 2)]))).toEqual(['startTimer']);
    expect(commandsOf(await d.activate([{ kind: 'fireTimer', seq: 1 }]))).toEqual([
      { kind: 'cancelWorkflow' },
    ]);
  });

  it('cancels a sleeping run; a workflow that handles the cancellation completes instead', async () => {
    const d = new RunDriver(workflows);
    await d.start('cancelledWhileSleeping', []);
    expect(commandsOf(await d.activate([{ kind: 'cancelWorkflow' }]))).toEqual([
      { kind: 'cancelTimer', seq: 1 },
      { kind: 'cancelWorkflow' },
    ]);
    const h = new RunDriver(workflows);
    await h.start('swallowsCancellation', []);
    expect(commandsOf(await h.activate([{ kind: 'cancelWorkflow' }]))).toEqual([
      { kind: 'cancelTimer', seq: 1 },
      { kind: 'completeWorkflow', result: 'handled' },
    ]);
  });

  it('rejects at once, emitting nothing, what starts in an already cancelled scope', async () => {
    const c = await new RunDriver(workflows).start('alreadyCancelledScope', []);
    expect(commandsOf(c)).toEqual([
      {
        kind: 'completeWorkflow',
        result: {
          outcome: { name: 'CancelledFailure', cancellation: true, cause: undefined },
          consideredCancelled: true,
        },
      },
    ]);
  });

  it('rejects a sleep with a CancelledFailure that is not an ActivityFailure', () => {
    expect(new CancelledFailure('x') instanceof ActivityFailure).toBe(false);
  });
});
