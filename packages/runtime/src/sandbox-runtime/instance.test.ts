import { describe, expect, it } from 'vitest';
import type { RunEnv } from '../protocol/bundle.ts';
import { ApplicationFailure, condition, log, proxyActivities, sleep, workflowInfo } from '../workflow.ts';
import { commandsOf, kinds, RunDriver, T0 } from './driver.test-util.ts';
import { workflowTypesOf } from './instance.ts';

const env = (): RunEnv =>
  (globalThis as unknown as { __repriseEnv: { current: RunEnv } }).__repriseEnv.current;
const acts = proxyActivities<{ step(n: number): Promise<number> }>({ startToCloseTimeout: '1s' });

const workflows = {
  async returns(a: number, b: number) {
    return a + b;
  },
  async throwsFailure() {
    throw ApplicationFailure.nonRetryable('no stock', 'OutOfStock', { sku: 'a' });
  },
  async throwsBug() {
    const obj = undefined as unknown as { field: number };
    return obj.field;
  },
  async throwsDeterminismViolation() {
    const err = new Error('WeakRef is not available in workflow code');
    err.name = 'DeterminismViolationError';
    throw err;
  },
  async environment() {
    const e = env();
    const before = e.now();
    const randoms = [e.random(), e.random()];
    await sleep(1000);
    return { before, after: e.now(), randoms, info: workflowInfo() };
  },
  async logs() {
    log.info('hello', { a: 1 });
    env().log('warn', ['plain', 42, { b: 2 }]);
    await sleep(1);
    log.debug('after sleep');
  },
  async emitsAfterCompletion() {
    void sleep(5).then(() => acts.step(1));
    await sleep(5);
    return 'done';
  },
  async timerCallback() {
    const fired: number[] = [];
    const e = env();
    e.setTimeout((n) => fired.push(n as number), 100, [1]);
    const h = e.setTimeout(() => fired.push(2), 200, []);
    e.clearTimeout(h);
    await condition(() => fired.length > 0);
    return fired;
  },
};

describe('run instance lifecycle', () => {
  it('lists the exported workflow functions', () => {
    expect(workflowTypesOf({ b: async () => 1, a: async () => 2, notAWorkflow: { type: 'signal' } })).toEqual(
      ['a', 'b'],
    );
  });

  it('completes with the return value', async () => {
    const c = await new RunDriver(workflows).start('returns', [2, 3]);
    expect(commandsOf(c)).toEqual([{ kind: 'completeWorkflow', result: 5 }]);
    expect(c.runId).toBe('run-1');
    expect(c.taskFailure).toBeUndefined();
  });

  it('fails the task for an unknown workflow type and lists the exported types', async () => {
    const c = await new RunDriver(workflows).start('nope', []);
    expect(c.commands).toEqual([]);
    expect(c.taskFailure?.code).toBe('UNKNOWN_WORKFLOW_TYPE');
    expect(c.taskFailure?.message).toContain('"nope"');
    expect(c.taskFailure?.message).toContain('emitsAfterCompletion, environment, logs, returns');
  });

  it('fails the workflow for a thrown failure, with its type and details', async () => {
    const c = await new RunDriver(workflows).start('throwsFailure', []);
    expect(commandsOf(c)).toMatchObject([
      {
        kind: 'failWorkflow',
        failure: {
          source: 'ApplicationFailure',
          message: 'no stock',
          type: 'OutOfStock',
          nonRetryable: true,
          details: [{ sku: 'a' }],
        },
      },
    ]);
  });

  it('fails only the task for a bug, and refuses further activations', async () => {
    const d = new RunDriver(workflows);
    const c = await d.start('throwsBug', []);
    expect(c.commands).toEqual([]);
    expect(c.taskFailure).toMatchObject({ code: 'WORKFLOW_CODE_ERROR', type: 'TypeError' });
    const again = await d.activate([{ kind: 'signal', name: 'x', args: [] }]);
    expect(again.taskFailure?.code).toBe('RUN_INSTANCE_FAILED');
  });

  it('reports a determinism violation as its own task failure', async () => {
    const c = await new RunDriver(workflows).start('throwsDeterminismViolation', []);
    expect(c.commands).toEqual([]);
    expect(c.taskFailure?.code).toBe('DETERMINISM_VIOLATION');
  });

  it('serves workflow time, seeded randomness and run facts through the environment', async () => {
    const d = new RunDriver(workflows);
    const first = await d.start('environment', []);
    expect(commandsOf(first)).toEqual([{ kind: 'startTimer', seq: 1, durationMs: 1000 }]);
    const done = await d.activate([{ kind: 'fireTimer', seq: 1 }], { advanceMs: 1000, isReplaying: true });
    const result = (done.commands[0] as { result: Record<string, unknown> }).result;
    expect(result.before).toBe(T0);
    expect(result.after).toBe(T0 + 1000);
    expect(result.info).toMatchObject({
      workflowId: 'wf-run-1',
      workflowType: 'environment',
      historyLength: d.historyLength,
      continueAsNewSuggested: false,
      unsafe: { isReplaying: true, now: T0 + 1000 },
    });
    // Same seed, same numbers; another seed, other numbers.
    const again = await new RunDriver(workflows).start('environment', []);
    expect(again.commands).toHaveLength(1);
    const randoms = result.randoms as number[];
    expect(randoms[0]).not.toBe(randoms[1]);
    for (const r of randoms) expect(r >= 0 && r < 1).toBe(true);
    const replay = new RunDriver(workflows);
    await replay.start('environment', []);
    const same = await replay.activate([{ kind: 'fireTimer', seq: 1 }]);
    expect((same.commands[0] as { result: { randoms: number[] } }).result.randoms).toEqual(randoms);
    const other = new RunDriver(workflows);
    await other.start('environment', [], [], { seed: [9, 9, 9, 9] });
    const otherDone = await other.activate([{ kind: 'fireTimer', seq: 1 }]);
    const otherRandoms = (otherDone.commands[0] as { result: { randoms: number[] } }).result.randoms;
    expect(otherRandoms).toHaveLength(2);
    expect(otherRandoms).not.toEqual(randoms);
  });

  it('writes logs live and drops them while replaying', async () => {
    const d = new RunDriver(workflows);
    const c = await d.start('logs', []);
    expect(c.logs).toEqual([
      { level: 'info', message: 'hello', timestamp: T0, attributes: { a: 1 } },
      { level: 'warn', message: 'plain 42 {"b":2}', timestamp: T0 },
    ]);
    const replayed = await new RunDriver(workflows).start('logs', [], [], { isReplaying: true });
    expect(replayed.logs).toEqual([]);
    const after = await d.activate([{ kind: 'fireTimer', seq: 1 }]);
    expect(after.logs).toEqual([{ level: 'debug', message: 'after sleep', timestamp: T0 }]);
  });

  it('emits nothing after the workflow completed', async () => {
    const d = new RunDriver(workflows);
    await d.start('emitsAfterCompletion', []);
    const c = await d.activate([
      { kind: 'fireTimer', seq: 1 },
      { kind: 'fireTimer', seq: 2 },
    ]);
    // The first timer's continuation schedules an activity before the workflow completes.
    expect(kinds(c)).toEqual(['scheduleActivity', 'completeWorkflow']);
    const later = await d.activate([
      { kind: 'resolveActivity', seq: 1, result: { status: 'completed', result: 1 } },
    ]);
    expect(later.commands).toEqual([]);
  });

  it('turns setTimeout into durable timers and clearTimeout into cancelTimer', async () => {
    const d = new RunDriver(workflows);
    const c = await d.start('timerCallback', []);
    expect(commandsOf(c)).toEqual([
      { kind: 'startTimer', seq: 1, durationMs: 100 },
      { kind: 'startTimer', seq: 2, durationMs: 200 },
      { kind: 'cancelTimer', seq: 2 },
    ]);
    const done = await d.activate([{ kind: 'fireTimer', seq: 1 }]);
    expect(commandsOf(done)).toEqual([{ kind: 'completeWorkflow', result: [1] }]);
  });

  it('captures the call site stack on each command only when asked', async () => {
    const off = await new RunDriver(workflows).start('environment', []);
    expect(off.commands[0]?.stack).toBeUndefined();
    const on = await new RunDriver(workflows).start('environment', [], [], { captureLocations: true });
    expect(on.commands[0]?.stack).toContain('instance.test.ts');
  });

  it('fails the task for a job naming an operation the code never started', async () => {
    const d = new RunDriver(workflows);
    await d.start('environment', []);
    const c = await d.activate([{ kind: 'fireTimer', seq: 7 }]);
    expect(c.taskFailure?.code).toBe('UNKNOWN_SEQUENCE');
    expect(c.taskFailure?.message).toContain('timer #7');
  });

  it('creates the environment slot when no prelude ran and clears it after each activation', async () => {
    const d = new RunDriver(workflows);
    await d.start('returns', [1, 1]);
    expect(
      (globalThis as unknown as { __repriseEnv: { current: unknown } }).__repriseEnv.current,
    ).toBeUndefined();
  });
});
