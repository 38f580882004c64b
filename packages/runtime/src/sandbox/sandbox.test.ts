import { afterEach, describe, expect, it } from 'vitest';
import type { Completion } from '../protocol/completion.ts';
import { createWorkflowSandbox, type WorkflowSandbox } from './index.ts';
import { initialize, signal, testActivation, testBundle } from './test-bundle.ts';

const open: WorkflowSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
});

async function sandboxFor(source: Parameters<typeof testBundle>[0]): Promise<WorkflowSandbox> {
  const sandbox = await createWorkflowSandbox(testBundle(source), { isolation: 'inline' });
  open.push(sandbox);
  return sandbox;
}

/** A workflow using every nondeterministic-looking global the sandbox makes deterministic. */
const DETERMINISM_PROBE = {
  onJob: `
    if (job.kind === 'initialize') {
      const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
      emit({ kind: 'recordMarker', marker: { markerName: 'sideEffect', id: 'globals', value: {
        now: Date.now(), text: new Date().toString(), local: new Date().toLocaleString(), intl: fmt.format(),
        offset: new Date().getTimezoneOffset(), hours: new Date(2026, 0, 1, 9).getHours(),
        number: (1234567.891).toLocaleString(), random: [Math.random(), Math.random()],
        uuid: crypto.randomUUID(), bytes: crypto.getRandomValues(new Uint8Array(6)),
        zone: Intl.DateTimeFormat().resolvedOptions().timeZone, locale: new Intl.NumberFormat().resolvedOptions().locale,
      } } });
      setTimeout(() => emit({ kind: 'completeWorkflow', result: { at: Date.now(), uuid: crypto.randomUUID() } }), 60000);
    }
  `,
};

async function runSequence(sandbox: WorkflowSandbox): Promise<Completion[]> {
  const run = await sandbox.newRun('det');
  const first = await run.activate(testActivation('det', [initialize('det')]));
  const second = await run.activate(
    testActivation('det', [{ kind: 'fireTimer', seq: 1 }], Date.UTC(2026, 0, 1, 0, 1)),
  );
  return [first, second];
}

describe('determinism', () => {
  it('gives identical commands for the same activations in two fresh sandboxes', async () => {
    const a = await runSequence(await sandboxFor(DETERMINISM_PROBE));
    const b = await runSequence(await sandboxFor(DETERMINISM_PROBE));
    expect(a).toEqual(b);
    const marker = a[0]!.commands[0] as { marker: { value: Record<string, unknown> } };
    expect(marker.marker.value).toMatchObject({
      now: Date.UTC(2026, 0, 1),
      text: 'Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)',
      local: '1/1/2026, 12:00:00 AM',
      intl: 'Thursday, January 1, 2026 at 12:00:00 AM UTC',
      offset: 0,
      hours: 9,
      number: '1,234,567.891',
      zone: 'UTC',
      locale: 'en-US',
    });
    expect(a[0]!.commands[1]).toEqual({ kind: 'startTimer', seq: 1, durationMs: 60000 });
    expect(a[1]!.commands[0]).toMatchObject({
      kind: 'completeWorkflow',
      result: { at: Date.UTC(2026, 0, 1, 0, 1) },
    });
  });

  it('draws different numbers for a different seed', async () => {
    const sandbox = await sandboxFor({
      onJob: `if (job.kind === 'initialize') emit({ kind: 'completeWorkflow', result: [Math.random(), crypto.randomUUID()] });`,
    });
    const draw = async (runId: string, seed: number[]) =>
      (await (await sandbox.newRun(runId)).activate(testActivation(runId, [initialize(runId, seed)])))
        .commands[0];
    expect(await draw('a', [1, 2, 3, 4])).toEqual(await draw('b', [1, 2, 3, 4]));
    expect(await draw('c', [1, 2, 3, 4])).not.toEqual(await draw('d', [5, 6, 7, 8]));
  });
});

describe('boundary', () => {
  it('keeps Date, bigint, Map, Set, Uint8Array and undefined in both directions', async () => {
    const sandbox = await sandboxFor({
      onJob: `if (job.kind === 'signal') emit({ kind: 'completeWorkflow', result: { echo: job.args[0], types: [
        job.args[0].d instanceof Date, typeof job.args[0].b, job.args[0].m instanceof Map, job.args[0].s instanceof Set,
        job.args[0].u instanceof Uint8Array, 'x' in job.args[0] && job.args[0].x === undefined] } });`,
    });
    const payload = {
      d: new Date(5),
      b: 2n ** 70n,
      m: new Map([[1, 'one']]),
      s: new Set(['a']),
      u: new Uint8Array([1, 2]),
      x: undefined,
    };
    const run = await sandbox.newRun('r');
    const completion = await run.activate(testActivation('r', [signal('echo', payload)]));
    expect(completion.commands[0]).toEqual({
      kind: 'completeWorkflow',
      result: { echo: payload, types: [true, 'bigint', true, true, true, true] },
    });
  });

  it('reports workflow types and recognizes a determinism violation by code', async () => {
    const sandbox = await sandboxFor({ onJob: `new WeakRef({});` });
    expect(sandbox.workflowTypes()).toEqual(['probe']);
    const run = await sandbox.newRun('r');
    const completion = await run.activate(testActivation('r', [initialize('r')]));
    expect(completion.taskFailure).toMatchObject({
      code: 'DETERMINISM_VIOLATION',
      type: 'DeterminismViolationError',
    });
    expect(completion.taskFailure!.message).toMatch(
      /WeakRef cannot be used in workflow code: .*garbage collector/,
    );
  });

  it('rejects a bundle without __reprise with a typed error', async () => {
    await expect(
      createWorkflowSandbox({ code: 'globalThis.x = 1;', buildId: 'bad' }, { isolation: 'inline' }),
    ).rejects.toMatchObject({
      code: 'WORKFLOW_BUNDLE',
      message: expect.stringMatching(/did not define globalThis.__reprise/),
    });
    await expect(
      createWorkflowSandbox({ code: 'function (', buildId: 'bad' }, { isolation: 'inline' }),
    ).rejects.toMatchObject({
      code: 'WORKFLOW_BUNDLE',
    });
  });
});

describe('copy into the sandbox', () => {
  it('refuses an activation that is not plain data with a typed error, and keeps serving', async () => {
    const sandbox = await sandboxFor({
      onJob: `if (job.kind === 'signal') emit({ kind: 'completeWorkflow', result: 'ok' });`,
    });
    const run = await sandbox.newRun('r');
    await expect(
      run.activate(testActivation('r', [signal('x', new Error('not data'))])),
    ).rejects.toMatchObject({
      code: 'SANDBOX_COPY',
    });
    const second = await sandbox.newRun('r2');
    await expect(second.activate(testActivation('r2', [signal('x', () => 1)]))).rejects.toMatchObject({
      code: 'SANDBOX_COPY',
    });
    const other = await sandbox.newRun('other');
    expect((await other.activate(testActivation('other', [signal('x')]))).commands).toEqual([
      { kind: 'completeWorkflow', result: 'ok' },
    ]);
  });

  it('names a getter as the reason, and still reports errors raised inside the call as they are', async () => {
    const sandbox = await createWorkflowSandbox(
      testBundle({ onJob: `if (job.kind === 'signal' && job.name === 'spin') for (;;) {}` }),
      { isolation: 'inline', activationTimeoutMs: 50 },
    );
    open.push(sandbox);
    const withGetter = {
      get secret() {
        return 1;
      },
    };
    const run = await sandbox.newRun('g');
    await expect(run.activate(testActivation('g', [signal('x', withGetter)]))).rejects.toMatchObject({
      code: 'SANDBOX_COPY',
      message: expect.stringMatching(/it contains a getter or an Error object/),
    });
    const spinning = await sandbox.newRun('s');
    await expect(spinning.activate(testActivation('s', [signal('spin')]))).rejects.toMatchObject({
      code: 'WORKFLOW_TASK_TIMEOUT',
    });
  });
});
