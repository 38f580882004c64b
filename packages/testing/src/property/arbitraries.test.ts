/**
 * The arbitraries and the script they become: generated values keep their invariants, every outcome
 * kind maps to the simulator's outcome, unused outcomes are trimmed, and bad options say what to do.
 */
import { fileURLToPath } from 'node:url';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activityOutcome, checkDeterminism, disruptions, outcomeScript, scheduleArbitrary } from './index.ts';
import { simulationScript, trimSchedule } from './script.ts';
import type { Schedule } from './types.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('arbitraries', () => {
  it('disruptions are at distinct boundaries, in order', () => {
    // A synchronous property: fc.assert returns nothing to await.
    void fc.assert(
      fc.property(disruptions(), (list) => {
        const at = list.map((d) => d.afterTask);
        expect(at).toEqual([...new Set(at)].sort((a, b) => a - b));
        for (const d of list) expect(d.afterTask).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it('every outcome kind occurs, and only the kinds a model allows', () => {
    const all = new Set(
      fc.sample(activityOutcome('a', fc.constant(1)), { numRuns: 2000, seed: 7 }).map((o) => o.kind),
    );
    expect([...all].sort()).toEqual([
      'retriedSuccess',
      'retriesExhausted',
      'success',
      'terminalFailure',
      'timeout',
    ]);
    const some = fc.sample(
      activityOutcome('a', { result: fc.constant(1), outcomes: ['success', 'timeout'] }),
      500,
    );
    expect(new Set(some.map((o) => o.kind))).toEqual(new Set(['success', 'timeout']));
  });

  it('maps each outcome to the simulator outcome the history records', () => {
    expect(outcomeScript({ kind: 'success', result: 3, latencyMs: 5 })).toEqual({
      status: 'completed',
      result: 3,
      latencyMs: 5,
    });
    // Two failed attempts wait 1 s then 2 s before the attempt that succeeds.
    expect(
      outcomeScript({ kind: 'retriedSuccess', result: 3, failedAttempts: 2, latencyMs: 5 }),
    ).toMatchObject({
      status: 'completed',
      latencyMs: 3005,
    });
    expect(outcomeScript({ kind: 'terminalFailure', errorType: 'CardDeclined', latencyMs: 1 })).toMatchObject(
      {
        status: 'failed',
        failure: { type: 'CardDeclined', nonRetryable: true },
      },
    );
    expect(
      outcomeScript({ kind: 'retriesExhausted', errorType: 'Down', attempts: 4, latencyMs: 1 }),
    ).toMatchObject({
      status: 'failed',
      attempts: 4,
      failure: { type: 'Down', nonRetryable: false },
    });
    expect(outcomeScript({ kind: 'timeout', timeoutType: 'scheduleToClose', latencyMs: 1 })).toMatchObject({
      status: 'timedOut',
      timeoutType: 'scheduleToClose',
    });
  });

  it('trims outcomes no call used, and the last outcome repeats for later calls', () => {
    const schedule: Schedule = {
      args: [],
      activities: {
        a: [
          { kind: 'success', result: 1, latencyMs: 1 },
          { kind: 'success', result: 2, latencyMs: 1 },
        ],
        b: [{ kind: 'success', result: 3, latencyMs: 1 }],
      },
      children: {},
      signals: [],
      updates: [],
      queries: [],
      disruptions: [],
    };
    const usage = { activities: new Map<string, number>(), children: new Map<string, number>() };
    const script = simulationScript('w', schedule, 10, usage);
    const outcomes = script.activities as (call: { activityType: string; typeIndex: number }) => unknown;
    expect(outcomes({ activityType: 'a', typeIndex: 0 })).toMatchObject({ result: 1 });
    expect(outcomes({ activityType: 'a', typeIndex: 5 })).toMatchObject({ result: 2 });
    expect(outcomes({ activityType: 'unknown', typeIndex: 0 })).toEqual({ status: 'completed' });
    expect(trimSchedule(schedule, usage).activities).toEqual({ a: schedule.activities.a });
    const once = { activities: new Map([['a', 1]]), children: new Map<string, number>() };
    expect(trimSchedule(schedule, once).activities).toEqual({ a: [schedule.activities.a![0]] });
  });

  it('generates only the messages and disruptions asked for', () => {
    const quiet = scheduleArbitrary({ inputs: fc.constant([1]), disruptions: false });
    for (const s of fc.sample(quiet, 50)) {
      expect(s).toMatchObject({ args: [1], signals: [], updates: [], queries: [], disruptions: [] });
      expect(s.cancel).toBeUndefined();
    }
  });
});

describe('bad options say what to do', () => {
  it('inputs must be an arbitrary', () => {
    expect(() => scheduleArbitrary({ inputs: [1] as never })).toThrow(
      /inputs must be a fast-check arbitrary/,
    );
  });

  it('an activity model needs an arbitrary of results', () => {
    expect(() => activityOutcome('charge', { result: 'ok' as never })).toThrow(/activities\.charge\.result/);
  });

  it('an unknown workflow type lists the exported ones', async () => {
    await expect(
      checkDeterminism(
        { workflowsPath: `${root}fixtures/broken/replay-gated.ts`, workflowType: 'nope' },
        { inputs: fc.constant([]) },
      ),
    ).rejects.toThrow(/exports no workflow 'nope'; it exports: welcomeWorkflow/);
  });

  it('a path needs its seed', async () => {
    await expect(
      checkDeterminism(
        { workflowsPath: `${root}fixtures/broken/replay-gated.ts`, workflowType: 'welcomeWorkflow' },
        { inputs: fc.constant([]), path: '1:0' },
      ),
    ).rejects.toThrow(/pass the seed printed with it/);
  });
});
