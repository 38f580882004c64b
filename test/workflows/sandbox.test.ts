import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileWorkflows } from '../../packages/runtime/src/compiler/index.ts';
import type { Activation, Job } from '../../packages/runtime/src/protocol/activation.ts';
import type { Completion } from '../../packages/runtime/src/protocol/completion.ts';
import { createWorkflowSandbox } from '../../packages/runtime/src/sandbox/index.ts';
import type { WorkflowSandbox } from '../../packages/runtime/src/sandbox/types.ts';
import { initializeJob, T0 } from '../../packages/runtime/src/sandbox-runtime/driver.test-util.ts';

const HOUR = 3_600_000;
let sandbox: WorkflowSandbox;

beforeAll(async () => {
  const bundle = await compileWorkflows({
    workflowsPath: join(import.meta.dirname, '../../fixtures/workflows/index.ts'),
  });
  sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
});
afterAll(async () => {
  await sandbox?.dispose();
});

const activation = (jobs: Job[], timestamp = T0, extra: Partial<Activation> = {}): Activation => ({
  runId: 'run-1',
  timestamp,
  isReplaying: false,
  historyLength: 3,
  jobs,
  ...extra,
});
const kinds = (c: Completion) => c.commands.map((x) => x.kind);

describe('sample workflows inside the real sandbox', () => {
  it('lists the workflow types of the samples bundle', () => {
    expect(sandbox.workflowTypes().sort()).toEqual([
      'cancellableWorkWorkflow',
      'cartWorkflow',
      'counterWorkflow',
      'fulfilmentWorkflow',
      'orderWorkflow',
      'paymentReminderWorkflow',
      'shipmentWorkflow',
      'tripBookingWorkflow',
    ]);
  });

  it('runs the order workflow to completion through activations', async () => {
    const run = await sandbox.newRun('run-1');
    const order = { orderId: 'o-1', amountCents: 100, items: [{ sku: 'a', quantity: 1 }] };
    let c = await run.activate(activation([initializeJob('orderWorkflow', [order])]));
    expect(c.commands).toMatchObject([{ kind: 'scheduleActivity', seq: 1, activityType: 'checkInventory' }]);
    c = await run.activate(
      activation([
        {
          kind: 'resolveActivity',
          seq: 1,
          result: { status: 'completed', result: { ok: true, reserved: 1 } },
        },
      ]),
    );
    expect(c.commands).toMatchObject([{ kind: 'scheduleActivity', seq: 2, activityType: 'chargePayment' }]);
    c = await run.activate(
      activation([{ kind: 'resolveActivity', seq: 2, result: { status: 'completed', result: 'ch' } }]),
    );
    expect(c.commands).toEqual([{ kind: 'startTimer', seq: 1, durationMs: HOUR }]);
    expect(c.logs).toMatchObject([{ level: 'info', message: 'payment charged' }]);
    c = await run.activate(
      activation([{ kind: 'fireTimer', seq: 1 }], T0 + HOUR, { captureLocations: true }),
    );
    expect(kinds(c)).toEqual(['startTimer']);
    // Bundle coordinates (the host maps them through the source map); the workflow's frame is there.
    expect(c.commands[0]?.stack).toContain('orderWorkflow');
    c = await run.activate(
      activation([
        { kind: 'signal', name: 'approve', args: ['eve'] },
        { kind: 'query', queryId: 'q', name: 'status', args: [] },
      ]),
    );
    expect(kinds(c)).toEqual(['cancelTimer', 'scheduleActivity']);
    expect(c.queryResults).toEqual([{ queryId: 'q', result: 'fulfilling' }]);
    c = await run.activate(
      activation([{ kind: 'resolveActivity', seq: 3, result: { status: 'completed', result: 'trk' } }]),
    );
    expect(c.commands).toEqual([
      {
        kind: 'completeWorkflow',
        result: { status: 'fulfilled', orderId: 'o-1', chargeId: 'ch', trackingId: 'trk', approvedBy: 'eve' },
      },
    ]);
    run.dispose();
  });

  it('keeps interleaved runs apart (each run has its own module state)', async () => {
    const a = await sandbox.newRun('a');
    const b = await sandbox.newRun('b');
    const on = (id: string, jobs: Job[]) => activation(jobs, T0, { runId: id });
    const order = (id: string) => ({ orderId: id, amountCents: 5, items: [] });
    await a.activate(on('a', [initializeJob('orderWorkflow', [order('A')], 'a')]));
    await b.activate(on('b', [initializeJob('orderWorkflow', [order('B')], 'b')]));
    const inventory: Job = {
      kind: 'resolveActivity',
      seq: 1,
      result: { status: 'completed', result: { ok: true, reserved: 0 } },
    };
    const ca = await a.activate(on('a', [inventory]));
    expect(ca.commands).toMatchObject([{ kind: 'scheduleActivity', seq: 2, args: ['A', 5] }]);
    const query: Job = { kind: 'query', queryId: 'q', name: 'status', args: [] };
    expect((await b.activate(on('b', [query]))).queryResults).toEqual([
      { queryId: 'q', result: 'validating' },
    ]);
    expect((await a.activate(on('a', [query]))).queryResults).toEqual([{ queryId: 'q', result: 'charging' }]);
    a.dispose();
    b.dispose();
  });
});
