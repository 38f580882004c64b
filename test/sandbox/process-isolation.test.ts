/**
 * Process isolation: sandboxes in a supervised child process. Failures V8 cannot survive in-process
 * kill the child, not this process; the child restarts; a run that keeps killing it is failed after
 * a bounded number of attempts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorkflowSandbox,
  type ProcessSandbox,
  type WorkflowSandbox,
} from '../../packages/runtime/src/sandbox/index.ts';
import {
  initialize,
  signal,
  testActivation,
  testBundle,
} from '../../packages/runtime/src/sandbox/test-bundle.ts';

const open: WorkflowSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
});

const BUNDLE = testBundle({
  onJob: `
    if (job.kind !== 'signal') return;
    if (job.name === 'ping') emit({ kind: 'completeWorkflow', result: ['pong', Date.now(), Math.random()] });
    if (job.name === 'huge') new Array(1e9).fill(0);
    if (job.name === 'loop') for (;;) {}
    if (job.name === 'bomb') { const a = []; for (;;) a.push({ n: a.length, s: 'x'.repeat(64) }); }`,
});

async function start(options: Parameters<typeof createWorkflowSandbox>[1] = {}) {
  const lost: [readonly string[], string][] = [];
  const sandbox = (await createWorkflowSandbox(BUNDLE, {
    isolation: 'process',
    activationTimeoutMs: 300,
    memoryLimitMb: 32,
    onRunsLost: (ids, reason) => lost.push([ids, reason]),
    ...options,
  })) as ProcessSandbox;
  open.push(sandbox);
  return { sandbox, lost };
}

async function run(sandbox: WorkflowSandbox, runId: string, name: string) {
  const r = await sandbox.newRun(runId);
  return { r, completion: await r.activate(testActivation(runId, [initialize(runId), signal(name)])) };
}

describe('process isolation', () => {
  it('runs activations in the child with the same results as inline', async () => {
    const { sandbox } = await start();
    const inline = await createWorkflowSandbox(BUNDLE, { isolation: 'inline' });
    open.push(inline);
    expect(sandbox.workflowTypes()).toEqual(['probe']);
    expect((await run(sandbox, 'a', 'ping')).completion).toEqual((await run(inline, 'a', 'ping')).completion);
  });

  it('batches concurrent activations and answers each', async () => {
    const { sandbox } = await start();
    const completions = await Promise.all(
      Array.from({ length: 50 }, (_, i) => run(sandbox, `r${i}`, 'ping')),
    );
    expect(completions.map((c) => c.completion.runId)).toEqual(Array.from({ length: 50 }, (_, i) => `r${i}`));
  });

  it('fails an infinite loop with WorkflowTaskTimeoutError inside the child', async () => {
    const { sandbox } = await start();
    await expect(run(sandbox, 'loop', 'loop')).rejects.toMatchObject({
      code: 'WORKFLOW_TASK_TIMEOUT',
      runId: 'loop',
    });
    expect((await run(sandbox, 'after', 'ping')).completion.commands).toHaveLength(1);
    expect(sandbox.restarts).toBe(0);
  });

  it('fails a memory bomb with SandboxMemoryError and reports lost runs', async () => {
    const { sandbox, lost } = await start({ activationTimeoutMs: 20_000 });
    await run(sandbox, 'bystander', 'ping');
    await expect(run(sandbox, 'bomb', 'bomb')).rejects.toMatchObject({
      code: 'SANDBOX_MEMORY_LIMIT',
      lostRunIds: ['bystander'],
    });
    expect(lost).toEqual([[['bystander'], 'memory']]);
    expect((await run(sandbox, 'after', 'ping')).completion.commands).toHaveLength(1);
  });

  it('survives a failure V8 cannot contain, restarts, and fails the culprit after bounded attempts', async () => {
    const { sandbox, lost } = await start({ maxCrashAttempts: 2 });
    const { r: bystander } = await run(sandbox, 'bystander', 'ping');
    const errors: unknown[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      errors.push(await run(sandbox, 'culprit', 'huge').catch((e: unknown) => e));
    }
    // Either the isolate's heap limit catches it, or the child dies and the supervisor takes over.
    const codes = errors.map((e) => (e as { code: string }).code);
    if (codes[0] === 'SANDBOX_MEMORY_LIMIT') {
      expect(codes).toEqual(['SANDBOX_MEMORY_LIMIT', 'SANDBOX_MEMORY_LIMIT', 'SANDBOX_MEMORY_LIMIT']);
    } else {
      expect(codes).toEqual(['SANDBOX_RUN_LOST', 'SANDBOX_CRASHED', 'SANDBOX_CRASHED']);
      expect(errors[1]).toMatchObject({ runId: 'culprit', attempts: 2 });
      expect(sandbox.restarts).toBe(2);
      expect(lost[0]).toEqual([['bystander'], 'crash']);
      await expect(bystander.activate(testActivation('bystander', [signal('ping')]))).rejects.toMatchObject({
        code: 'SANDBOX_RUN_LOST',
        reason: 'crash',
      });
    }
    // The host is alive and the sandbox serves other runs, including the replay of the bystander.
    expect((await run(sandbox, 'bystander', 'ping')).completion.commands).toHaveLength(1);
  });

  it('kills and restarts a child that stops answering, failing the stuck run', async () => {
    const { sandbox } = await start({ activationTimeoutMs: 100, maxCrashAttempts: 1 });
    // The watchdog only matters when isolated-vm's own deadline cannot interrupt: simulate with a stopped child.
    expect((await run(sandbox, 'warm', 'ping')).completion.commands).toHaveLength(1);
    const pid = sandbox.pid();
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGSTOP');
    await expect(run(sandbox, 'stuck', 'ping')).rejects.toMatchObject({
      code: 'SANDBOX_CRASHED',
      runId: 'stuck',
    });
    expect((await run(sandbox, 'next', 'ping')).completion.commands).toHaveLength(1);
  });
});
