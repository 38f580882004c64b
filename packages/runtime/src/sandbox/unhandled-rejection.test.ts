/**
 * A promise that rejects before the workflow awaits it is held by the promise until the workflow
 * does (or never does): no task failure, no broken sandbox contract. isolated-vm throws such a
 * rejection out of the call into the isolate; these tests hold the host to recovering the call's
 * answer, for every kind of workflow operation and for both isolation modes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileWorkflows } from '../compiler/index.ts';
import type { LogRecord } from '../protocol/completion.ts';
import { replayHistory } from '../replay/index.ts';
import { type SimulationResult, type SimulationScript, simulate } from '../simulator/index.ts';
import { createWorkflowSandbox, type WorkflowSandbox } from './index.ts';
import { initialize, signal, testActivation, testBundle } from './test-bundle.ts';

const WORKFLOWS = `
import {
  CancellationScope, condition, defineSignal, defineUpdate, isCancellation, proxyActivities, setHandler, sleep,
} from '@reprise/runtime/workflow';

const { fast, slow } = proxyActivities<{ fast(x: string): Promise<string>; slow(x: string): Promise<string> }>({
  startToCloseTimeout: '1 minute',
});
const causeOf = (err: unknown) => ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;

export async function activityAwaitedLater() {
  const first = slow('a');
  const second = fast('b');
  const a = await first;
  try { return a + '+' + (await second); } catch (err) { return a + '; caught ' + causeOf(err); }
}

export async function wrapperAwaitedLater() {
  const wrap = async (x: string) => '<' + (await fast(x)) + '>';
  const pending = wrap('b');
  const a = await slow('a');
  try { return a + '+' + (await pending); } catch (err) { return a + '; caught ' + causeOf(err); }
}

export async function activityNeverAwaited() {
  fast('ignored').then((x) => x.toUpperCase());
  return await slow('a');
}

export async function timerCancelledByScope() {
  const scope = new CancellationScope();
  const timer = scope.run(() => sleep('1 hour'));
  scope.cancel();
  await sleep('1 minute');
  try { await timer; return 'slept'; } catch (err) { return isCancellation(err) ? 'timer cancelled' : 'other'; }
}

export async function timerInCancelledScopeNeverAwaited() {
  const scope = new CancellationScope();
  scope.run(() => sleep('1 hour'));
  scope.cancel();
  await sleep('1 minute');
  return 'done';
}

export const check = defineUpdate<string, [string]>('check');
export const close = defineSignal('close');
export async function updateAwaitsLater() {
  let closed = false;
  setHandler(check, async (x) => {
    const pending = fast(x);
    await sleep('1 minute');
    try { return await pending; } catch (err) { return 'caught ' + causeOf(err); }
  });
  setHandler(close, () => { closed = true; });
  await condition(() => closed);
  return 'closed';
}
`;

const boom = { message: 'boom', source: 'ApplicationFailure', type: 'Boom', nonRetryable: true } as const;
/** `fast` fails after 10 ms, `slow` completes after 5 s: the failure comes first. */
const FAST_FAILS = {
  fast: { status: 'failed', failure: boom, latencyMs: 10, attempts: 1 },
  slow: { status: 'completed', result: 'A', latencyMs: 5000 },
} as const;

const dir = mkdtempSync(join(tmpdir(), 'reprise-rejections-'));
let bundle: Awaited<ReturnType<typeof compileWorkflows>>;
let samples: Awaited<ReturnType<typeof compileWorkflows>>;
const sandboxes: WorkflowSandbox[] = [];

beforeAll(async () => {
  writeFileSync(join(dir, 'workflows.ts'), WORKFLOWS);
  bundle = await compileWorkflows({ workflowsPath: join(dir, 'workflows.ts') });
  samples = await compileWorkflows({
    workflowsPath: join(import.meta.dirname, '../../../../fixtures/workflows/index.ts'),
  });
});
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

async function sandboxOf(
  code: { code: string; buildId: string },
  isolation: 'inline' | 'process' = 'inline',
): Promise<WorkflowSandbox> {
  const sandbox = await createWorkflowSandbox(code, { isolation });
  sandboxes.push(sandbox);
  return sandbox;
}

/** Simulates one run in a fresh run of `sandbox`, keeping the logs of every workflow task. */
async function simulateWithLogs(
  sandbox: WorkflowSandbox,
  script: SimulationScript,
): Promise<{ result: SimulationResult; logs: LogRecord[][] }> {
  const runId = `${script.workflowType}-run`;
  const run = await sandbox.newRun(runId);
  const logs: LogRecord[][] = [];
  try {
    const result = await simulate(
      {
        runId,
        activate: async (activation) => {
          const completion = await run.activate(activation);
          logs.push(completion.logs);
          return completion;
        },
      },
      { workflowId: script.workflowType, runId, ...script },
      { buildId: sandbox.buildId },
    );
    return { result, logs };
  } finally {
    run.dispose();
  }
}

const warnings = (logs: LogRecord[][]) => logs.flat().filter((l) => l.attributes?.unhandledRejection);

describe('a rejection the workflow awaits later', () => {
  it('child workflow: fulfilmentWorkflow fails with the later child, after awaiting the first', async () => {
    const sandbox = await sandboxOf(samples);
    const { result, logs } = await simulateWithLogs(sandbox, {
      workflowType: 'fulfilmentWorkflow',
      args: ['o-1', ['p1', 'p2']],
      children: ({ workflowId }) =>
        workflowId === 'o-1-p2'
          ? { status: 'failed', failure: boom, latencyMs: 10 }
          : { status: 'completed', result: 'shipped', latencyMs: 5000 },
    });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      source: 'ChildWorkflowFailure',
      message: 'child workflow shipmentWorkflow (id o-1-p2) failed',
      cause: { message: 'boom', type: 'Boom' },
    });
    // The run waited for p1 before failing: its completion is in the history.
    expect(result.events.map((e) => e.eventType)).toContain('ChildWorkflowExecutionCompleted');
    expect(warnings(logs)).toEqual([
      expect.objectContaining({
        level: 'warn',
        attributes: {
          unhandledRejection: expect.stringContaining('child workflow shipmentWorkflow (id o-1-p2) failed'),
        },
      }),
    ]);
    const replayed = await replayHistory({ bundle: samples }, result.events);
    expect(replayed.ok).toBe(true);
  });

  it.each([
    ['activityAwaitedLater', 'A; caught boom'],
    ['wrapperAwaitedLater', 'A; caught boom'],
  ])('activity: %s', async (workflowType, expected) => {
    const sandbox = await sandboxOf(bundle);
    const { result, logs } = await simulateWithLogs(sandbox, { workflowType, activities: FAST_FAILS });
    expect(result).toMatchObject({ status: 'completed', result: expected });
    expect(warnings(logs)).toHaveLength(1);
    expect((await replayHistory({ bundle }, result.events)).ok).toBe(true);
  });

  it('timer cancelled by its scope', async () => {
    const sandbox = await sandboxOf(bundle);
    const { result, logs } = await simulateWithLogs(sandbox, { workflowType: 'timerCancelledByScope' });
    expect(result).toMatchObject({ status: 'completed', result: 'timer cancelled' });
    expect(result.events.map((e) => e.eventType)).toContain('TimerCanceled');
    expect(warnings(logs)[0]?.attributes?.unhandledRejection).toMatch(/cancellation scope cancelled$/);
  });

  it('update handler awaiting an activity that failed meanwhile', async () => {
    const sandbox = await sandboxOf(bundle);
    const { result, logs } = await simulateWithLogs(sandbox, {
      workflowType: 'updateAwaitsLater',
      activities: FAST_FAILS,
      updates: [{ name: 'check', args: ['x'], atMs: 1000, updateId: 'u-1' }],
      signals: [{ name: 'close', atMs: 10 * 60_000 }],
    });
    expect(result).toMatchObject({ status: 'completed', result: 'closed' });
    expect(result.events).toContainEqual(
      expect.objectContaining({ eventType: 'WorkflowExecutionUpdateCompleted', result: 'caught boom' }),
    );
    expect(warnings(logs)).toHaveLength(1);
    expect((await replayHistory({ bundle }, result.events)).ok).toBe(true);
  });
});

describe('a rejection the workflow never handles', () => {
  it.each([
    ['activityNeverAwaited', { activities: FAST_FAILS }, 'A', /activity fast \(id 1\) failed$/],
    ['timerInCancelledScopeNeverAwaited', {}, 'done', /cancellation scope cancelled$/],
  ] as const)(
    '%s: the run ends as the code says, with one warning',
    async (workflowType, script, value, reason) => {
      const sandbox = await sandboxOf(bundle);
      const { result, logs } = await simulateWithLogs(sandbox, { workflowType, ...script });
      expect(result).toMatchObject({ status: 'completed', result: value });
      const [warning, ...more] = warnings(logs);
      expect(more).toEqual([]);
      expect(warning?.attributes?.unhandledRejection).toMatch(reason);
      expect(warning?.message).toMatch(/nothing had handled it when the workflow task ended/);
    },
  );

  it('logs nothing on replay', async () => {
    const sandbox = await sandboxOf(bundle);
    const { result } = await simulateWithLogs(sandbox, {
      workflowType: 'activityNeverAwaited',
      activities: FAST_FAILS,
    });
    const run = await sandbox.newRun(result.runId);
    const replayed = [];
    for (const task of result.tasks)
      replayed.push(await run.activate({ ...task.activation, isReplaying: true }));
    run.dispose();
    expect(replayed.map((c) => c.commands.length)).toEqual(result.tasks.map((t) => t.commands.length));
    expect(replayed.flatMap((c) => c.logs)).toEqual([]);
  });
});

describe('hand-made bundles: every kind of rejection value, both isolation modes', () => {
  const HOLD = {
    setup: 'let held;',
    onJob: `
      if (job.kind === 'initialize') held = Promise.reject(job.args[0] === undefined ? state.reason() : job.args[0]);
      if (job.kind === 'signal' && job.name === 'await') {
        held.then(() => emit({ kind: 'completeWorkflow', result: 'resolved' }),
          (err) => emit({ kind: 'completeWorkflow', result: 'caught ' + String(err && err.message !== undefined ? err.message : err) }));
      }`,
  };

  it.each(['inline', 'process'] as const)(
    '%s: held until a later activation handles it',
    async (isolation) => {
      const sandbox = await sandboxOf(
        testBundle({ ...HOLD, onJob: `state.reason = () => new TypeError('held');${HOLD.onJob}` }),
        isolation,
      );
      const run = await sandbox.newRun('r');
      const first = await run.activate(testActivation('r', [initialize('r')]));
      expect(first.taskFailure).toBeUndefined();
      expect(first.logs.map((l) => l.attributes)).toEqual([{ unhandledRejection: 'TypeError: held' }]);
      const second = await run.activate(testActivation('r', [signal('await')]));
      expect(second.commands).toEqual([{ kind: 'completeWorkflow', result: 'caught held' }]);
      expect(second.logs).toEqual([]);
      run.dispose();
    },
  );

  it.each([
    ['a string', `state.reason = () => 'plain'`, '"plain"'],
    ['undefined', `state.reason = () => undefined`, 'undefined'],
    ['a non-Error object', `state.reason = () => ({ code: 7 })`, 'a value that is not an Error'],
    [
      'an error class named on its prototype',
      `state.reason = () => { class Nope extends Error {} Nope.prototype.name = 'Nope'; return new Nope('no'); }`,
      'Nope: no',
    ],
    ['a huge message', `state.reason = () => new Error('x'.repeat(100000))`, /^Error: x{493}…$/],
  ])('rejecting with %s', async (_, setReason, described) => {
    const sandbox = await sandboxOf(testBundle({ ...HOLD, onJob: `${setReason};${HOLD.onJob}` }));
    const run = await sandbox.newRun('r');
    const first = await run.activate(testActivation('r', [initialize('r')]));
    expect(first.taskFailure).toBeUndefined();
    expect(first.logs[0]?.attributes?.unhandledRejection).toEqual(
      typeof described === 'string' ? described : expect.stringMatching(described),
    );
    run.dispose();
  });

  it('a reason whose message getter never returns: the process sandbox is killed and restarted', async () => {
    // isolated-vm reads the reason's message outside the CPU deadline, so inline this would hang the
    // host: one of the failures that process isolation (the worker default) exists for.
    const sandbox = await createWorkflowSandbox(
      testBundle({
        onJob: `if (job.kind === 'initialize' && job.info.runId === 'r') Promise.reject({ get message() { for (;;); } });`,
      }),
      { isolation: 'process', activationTimeoutMs: 200 },
    );
    sandboxes.push(sandbox);
    const run = await sandbox.newRun('r');
    await expect(run.activate(testActivation('r', [initialize('r')]))).rejects.toMatchObject({
      code: 'SANDBOX_RUN_LOST',
    });
    const next = await sandbox.newRun('r2');
    expect((await next.activate(testActivation('r2', [initialize('r2')]))).taskFailure).toBeUndefined();
  });
});
