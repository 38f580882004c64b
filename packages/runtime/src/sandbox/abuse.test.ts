/**
 * Escape and abuse probes from workflow code. Each must end in a clear, typed outcome with the host
 * alive and still serving other runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflowSandbox, type WorkflowSandbox } from './index.ts';
import { initialize, signal, testActivation, testBundle } from './test-bundle.ts';

const open: WorkflowSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
});

/** A sandbox whose `probe` signal runs `code` and completes with its value. */
async function probeSandbox(
  code: string,
  options: { memoryLimitMb?: number; activationTimeoutMs?: number } = {},
) {
  const sandbox = await createWorkflowSandbox(
    testBundle({
      onJob: `
        if (job.kind === 'signal' && job.name === 'probe') emit({ kind: 'completeWorkflow', result: (() => { ${code} })() });
        if (job.kind === 'signal' && job.name === 'ping') emit({ kind: 'completeWorkflow', result: 'pong' });`,
    }),
    { isolation: 'inline', activationTimeoutMs: 200, ...options },
  );
  open.push(sandbox);
  return sandbox;
}

async function activate(sandbox: WorkflowSandbox, runId: string, name: string) {
  const run = await sandbox.newRun(runId);
  return run.activate(testActivation(runId, [initialize(runId), signal(name)]));
}

/** The sandbox still answers a healthy run. */
async function expectAlive(sandbox: WorkflowSandbox): Promise<void> {
  const completion = await activate(sandbox, `healthy-${Math.random()}`, 'ping');
  expect(completion.commands).toEqual([{ kind: 'completeWorkflow', result: 'pong' }]);
}

describe('escape probes', () => {
  it.each([
    ['process', 'return process.env;', /process is not defined/],
    ['require', "return require('fs');", /require is not defined/],
    [
      'constructor chain',
      "return globalThis.constructor.constructor('return process')();",
      /Function cannot be used in workflow code/,
    ],
    [
      'function prototype',
      "return (() => 1).constructor('return 1')();",
      /Function cannot be used in workflow code/,
    ],
    [
      'async function constructor',
      "return (async () => 1).constructor('return 1');",
      /AsyncFunction cannot be used/,
    ],
    ['eval', "return eval('1 + 1');", /eval cannot be used in workflow code/],
    [
      'fetch',
      "return fetch('http://example.com');",
      /fetch cannot be used in workflow code: I\/O belongs in activities/,
    ],
    ['setInterval', 'return setInterval(() => {}, 10);', /setInterval cannot be used .*sleep\(\) in a loop/],
    ['SharedArrayBuffer', 'return new SharedArrayBuffer(8);', /SharedArrayBuffer cannot be used/],
    [
      'FinalizationRegistry',
      'return new FinalizationRegistry(() => {});',
      /FinalizationRegistry cannot be used/,
    ],
    ['performance.now', 'return performance.now();', /performance is not defined/],
  ])('%s fails the task with a clear error', async (_name, code, message) => {
    const sandbox = await probeSandbox(code);
    const completion = await activate(sandbox, 'r', 'probe');
    expect(completion.commands).toEqual([]);
    expect(completion.taskFailure?.message).toMatch(message);
    await expectAlive(sandbox);
  });

  it('has no Atomics or WebAssembly, and typeof checks stay safe', async () => {
    const sandbox = await probeSandbox(
      'return [typeof Atomics, typeof WebAssembly, typeof process, typeof require, typeof Buffer, typeof setImmediate];',
    );
    const completion = await activate(sandbox, 'r', 'probe');
    expect(completion.commands[0]).toMatchObject({
      result: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'function'],
    });
  });

  it('cannot pollute host prototypes through returned data', async () => {
    const sandbox = await probeSandbox(`
      const evil = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
      return { evil, nested: [evil] };`);
    const completion = await activate(sandbox, 'r', 'probe');
    const result = (completion.commands[0] as { result: Record<string, unknown> }).result;
    // The key arrives as plain data, and using the data the usual ways does not reach Object.prototype.
    expect(Object.hasOwn(result.evil as object, '__proto__')).toBe(true);
    const merged = { ...(result.evil as object) };
    Object.assign({}, result.evil);
    JSON.parse(JSON.stringify(result));
    structuredClone(result);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((merged as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a completion carrying __proto__ in a structural position', async () => {
    const sandbox = await probeSandbox(`
      emit(JSON.parse('{"kind": "startTimer", "seq": 1, "durationMs": 5, "__proto__": {"x": 1}}'));
      return 1;`);
    await expect(activate(sandbox, 'r', 'probe')).rejects.toMatchObject({ code: 'SANDBOX_PROTOCOL' });
    await expectAlive(sandbox);
  });

  it('stops a getter that loops while the result is copied, with the host alive', async () => {
    const sandbox = await probeSandbox('return { get x() { for (;;) {} } };');
    await expect(activate(sandbox, 'r', 'probe')).rejects.toMatchObject({
      code: 'SANDBOX_PROTOCOL',
      message: expect.stringMatching(/could not be copied out of the sandbox \(it has a getter\)/),
    });
    await expectAlive(sandbox);
  });

  it('rejects functions and junk completions with a typed error', async () => {
    const sandbox = await probeSandbox('return { f() {} };');
    await expect(activate(sandbox, 'r', 'probe')).rejects.toMatchObject({ code: 'SANDBOX_PROTOCOL' });
    const junk = await createWorkflowSandbox(
      {
        code: `${testBundle({ onJob: '' }).code}\nglobalThis.__reprise.instantiate = () => ({ activate() {}, conclude() { return { runId: 'r', commands: 'many' }; } });`,
        buildId: 'junk',
      },
      { isolation: 'inline' },
    );
    open.push(junk);
    await expect(activate(junk, 'r', 'x')).rejects.toMatchObject({
      code: 'SANDBOX_PROTOCOL',
      message: expect.stringMatching(/without a commands array/),
    });
  });

  it('turns deep recursion into a task failure', async () => {
    const sandbox = await probeSandbox('const f = (n) => f(n + 1) + 1; return f(0);');
    const completion = await activate(sandbox, 'r', 'probe');
    expect(completion.taskFailure).toMatchObject({
      type: 'RangeError',
      message: expect.stringMatching(/call stack/),
    });
    await expectAlive(sandbox);
  });

  it.each([
    ['a sync infinite loop', 'for (;;) {}'],
    ['an infinite microtask loop', 'const spin = () => Promise.resolve().then(spin); spin(); return 1;'],
  ])('fails %s with WorkflowTaskTimeoutError and keeps serving', async (_name, code) => {
    const sandbox = await probeSandbox(code, { activationTimeoutMs: 100 });
    const started = performance.now();
    await expect(activate(sandbox, 'r', 'probe')).rejects.toMatchObject({
      name: 'WorkflowTaskTimeoutError',
      code: 'WORKFLOW_TASK_TIMEOUT',
    });
    expect(performance.now() - started).toBeLessThan(5000);
    await expectAlive(sandbox);
  });

  it('fails a memory bomb with SandboxMemoryError, reports the lost runs, and serves new runs', async () => {
    const sandbox = await probeSandbox('const a = []; for (;;) a.push({ n: a.length, s: "x".repeat(64) });', {
      memoryLimitMb: 32,
      activationTimeoutMs: 20_000,
    });
    const bystander = await sandbox.newRun('bystander');
    await bystander.activate(testActivation('bystander', [initialize('bystander')]));
    const error = await activate(sandbox, 'bomb', 'probe').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SANDBOX_MEMORY_LIMIT', runId: 'bomb', lostRunIds: ['bystander'] });
    await expect(bystander.activate(testActivation('bystander', [signal('ping')]))).rejects.toMatchObject({
      code: 'SANDBOX_RUN_LOST',
      reason: 'memory',
    });
    await expectAlive(sandbox);
  });

  it('copies a huge returned array out, or refuses it, without harming the host', async () => {
    const sandbox = await probeSandbox('return new Array(2e6).fill(7);', { activationTimeoutMs: 5000 });
    const completion = await activate(sandbox, 'r', 'probe');
    expect((completion.commands[0] as { result: number[] }).result).toHaveLength(2e6);
    await expectAlive(sandbox);
  });
});
