/**
 * Sandbox benchmark.
 *
 * 1. Boundary overhead of a warm activation with one job in (an activity result) and one command out
 *    (the next scheduleActivity), for both isolation modes. Baseline, same run: the very same run
 *    instance code evaluated in a `node:vm` context of this process and called directly, with no
 *    isolated-vm and no copying. Overhead = sandbox time - baseline time (target < 50 µs inline).
 *    Process isolation is measured twice: one activation at a time (IPC round-trip latency) and 100
 *    runs activating together (batched per tick, the worker's steady state).
 * 2. Isolate heap held by an idle cached run of the compiled order workflow (started, waiting on its
 *    first activity), over 1,000 runs, after a full GC (target < 200 KB).
 */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { createContext, runInContext } from 'node:vm';
import { compileWorkflows } from '../packages/runtime/src/compiler/index.ts';
import type { Activation } from '../packages/runtime/src/protocol/index.ts';
import {
  createWorkflowSandbox,
  type InlineSandbox,
  type WorkflowSandbox,
} from '../packages/runtime/src/sandbox/index.ts';
import { initialize, testActivation, testBundle } from '../packages/runtime/src/sandbox/test-bundle.ts';
import { initializeJob } from '../packages/runtime/src/sandbox-runtime/driver.test-util.ts';
import type { BenchResult } from './lib/types.ts';

const ORDER = fileURLToPath(new URL('../fixtures/workflows/order.ts', import.meta.url));
const WARMUP = 2000;
const ROUNDS = 20_000;
const IDLE_RUNS = 1000;

/** One job in (an activity result), one command out (the next activity). */
const BUNDLE = testBundle({
  onJob: `if (job.kind === 'resolveActivity') emit({ kind: 'scheduleActivity', seq: job.seq + 1, activityId: String(job.seq + 1),
    activityType: 'chargePayment', args: [job.result.result.orderId, 4200], options: { startToCloseTimeoutMs: 60000 } });`,
});

const activationFor = (runId: string, seq: number): Activation =>
  testActivation(runId, [
    {
      kind: 'resolveActivity',
      seq,
      result: { status: 'completed', result: { orderId: 'order-1', ok: true } },
    },
  ]);

/** µs per activation of the same instance code called directly in a node:vm context. */
function baselineMicros(): number {
  const context = createContext({});
  runInContext(BUNDLE.code, context);
  const instance = runInContext('globalThis.__reprise.instantiate()', context) as {
    activate(a: Activation): void;
    conclude(): unknown;
  };
  instance.activate(testActivation('base', [initialize('base')]));
  instance.conclude();
  const step = (i: number): void => {
    instance.activate(activationFor('base', i));
    if (instance.conclude() === undefined) throw new Error('baseline instance did not conclude');
  };
  for (let i = 0; i < WARMUP; i++) step(i);
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) step(i);
  return ((performance.now() - started) * 1000) / ROUNDS;
}

async function sequentialMicros(sandbox: WorkflowSandbox, rounds: number): Promise<number> {
  const run = await sandbox.newRun('warm');
  await run.activate(testActivation('warm', [initialize('warm')]));
  for (let i = 0; i < WARMUP; i++) await run.activate(activationFor('warm', i));
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const completion = await run.activate(activationFor('warm', i));
    if (completion.commands.length !== 1) throw new Error('expected one command');
  }
  return ((performance.now() - started) * 1000) / rounds;
}

async function concurrentMicros(sandbox: WorkflowSandbox, runs: number, rounds: number): Promise<number> {
  const handles = await Promise.all(Array.from({ length: runs }, (_, i) => sandbox.newRun(`c${i}`)));
  await Promise.all(handles.map((h, i) => h.activate(testActivation(`c${i}`, [initialize(`c${i}`)]))));
  const started = performance.now();
  for (let r = 0; r < rounds; r++)
    await Promise.all(handles.map((h, i) => h.activate(activationFor(`c${i}`, r))));
  return ((performance.now() - started) * 1000) / (runs * rounds);
}

async function idleRunKilobytes(): Promise<{ perRun: number; context: number }> {
  // V8 gives contexts created from now on a `gc` function; the sandbox calls it before measuring.
  setFlagsFromString('--expose-gc');
  const bundle = await compileWorkflows({ workflowsPath: ORDER });
  const sandbox = (await createWorkflowSandbox(bundle, { isolation: 'inline' })) as InlineSandbox;
  const order = {
    orderId: 'o-1',
    sku: 'sku-1',
    quantity: 1,
    amountCents: 4200,
    customerEmail: 'a@example.com',
  };
  const start = async (runId: string) => {
    const run = await sandbox.newRun(runId);
    await run.activate({
      runId,
      timestamp: Date.UTC(2026, 0, 1),
      isReplaying: false,
      historyLength: 3,
      jobs: [initializeJob('orderWorkflow', [order], runId)],
    });
    return run;
  };
  await start('first');
  const before = sandbox.heapStatistics({ collectGarbage: true })!.used_heap_size;
  const runs = [];
  for (let i = 0; i < IDLE_RUNS; i++) runs.push(await start(`idle-${i}`));
  const after = sandbox.heapStatistics({ collectGarbage: true })!.used_heap_size;
  await sandbox.dispose();
  return { perRun: (after - before) / IDLE_RUNS / 1024, context: before / 1024 };
}

/** Runs the sandbox benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const baseline = baselineMicros();
  const base = { name: 'same instance called directly (node:vm, no isolated-vm)', value: baseline };
  const inline = await createWorkflowSandbox(BUNDLE, { isolation: 'inline' });
  const inlineMicros = await sequentialMicros(inline, ROUNDS);
  await inline.dispose();
  const proc = await createWorkflowSandbox(BUNDLE, { isolation: 'process' });
  const processMicros = await sequentialMicros(proc, ROUNDS / 4);
  const processBatched = await concurrentMicros(proc, 100, 50);
  await proc.dispose();
  const idle = await idleRunKilobytes();
  return [
    { name: 'sandbox: warm activation, inline', value: inlineMicros, unit: 'µs', baseline: base },
    {
      name: 'sandbox: boundary overhead, inline (target < 50)',
      value: inlineMicros - baseline,
      unit: 'µs',
      note: 'two isolated-vm calls (activate; conclude after the microtask checkpoint), copies both ways, completion check',
    },
    {
      name: 'sandbox: warm activation, process, one at a time',
      value: processMicros,
      unit: 'µs',
      baseline: base,
    },
    {
      name: 'sandbox: boundary overhead, process, one at a time',
      value: processMicros - baseline,
      unit: 'µs',
      note: 'dominated by the IPC round trip to the sandbox child',
    },
    {
      name: 'sandbox: warm activation, process, 100 runs batched',
      value: processBatched,
      unit: 'µs',
      baseline: base,
      note: 'per activation; one IPC message each way per tick',
    },
    {
      name: 'sandbox: isolate heap per idle cached run (target < 200)',
      value: idle.perRun,
      unit: 'KB',
      note: `order workflow waiting on its first activity, ${IDLE_RUNS} runs, after GC; the shared context itself holds ${Math.round(idle.context)} KB`,
    },
  ];
}
