/**
 * `checkDeterminism` on the order workflow with the default 200 generated schedules (target: under
 * 10 s on this machine). Baseline in the same run: the same number of plain simulated runs of the
 * order workflow in the same kind of sandbox, one fixed schedule each, with no replay, resume or
 * shrinking, so the ratio is the price of the three properties over just executing the schedules.
 */
import { fileURLToPath } from 'node:url';
import * as fc from 'fast-check';
import { compileWorkflows, createWorkflowSandbox, simulateWorkflow } from '../packages/runtime/src/index.ts';
import { checkDeterminism } from '../packages/testing/src/index.ts';
import { loadNote } from './lib/measure.ts';
import type { BenchResult } from './lib/types.ts';

const workflowsPath = fileURLToPath(new URL('../fixtures/workflows/index.ts', import.meta.url));
const RUNS = 200;

const order = { orderId: 'o-1', amountCents: 1299, items: [{ sku: 'tea', quantity: 1 }] };

async function plainRuns(): Promise<number> {
  const bundle = await compileWorkflows({ workflowsPath });
  const sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
  try {
    const started = performance.now();
    for (let i = 0; i < RUNS; i++) {
      const result = await simulateWorkflow(sandbox, {
        workflowType: 'orderWorkflow',
        workflowId: `order-${i}`,
        args: [order],
        activities: {
          checkInventory: { status: 'completed', result: { ok: true, reserved: 1 } },
          chargePayment: { status: 'completed', result: 'ch_1' },
          fulfil: { status: 'completed', result: 'trk_1' },
        },
        signals: [{ name: 'approve', args: ['ana'], atMs: 2 * 3_600_000 }],
      });
      if (result.status !== 'completed') throw new Error(`baseline run ended ${result.status}`);
    }
    return (performance.now() - started) / 1000;
  } finally {
    await sandbox.dispose();
  }
}

async function checkOrder(): Promise<number> {
  const started = performance.now();
  const stats = await checkDeterminism(
    { workflowsPath, workflowType: 'orderWorkflow' },
    {
      numRuns: RUNS,
      inputs: fc.tuple(
        fc.record({
          orderId: fc.constantFrom('o-1', 'o-2'),
          amountCents: fc.nat(100_000),
          items: fc.array(
            fc.record({ sku: fc.constantFrom('tea', 'mug'), quantity: fc.integer({ min: 1, max: 3 }) }),
            {
              maxLength: 2,
            },
          ),
        }),
      ),
      activities: {
        checkInventory: fc.record({ ok: fc.boolean(), reserved: fc.nat(5) }),
        chargePayment: { result: fc.constant('ch_1'), failureTypes: ['CardDeclined', 'GatewayDown'] },
        fulfil: fc.constant('trk_1'),
        refund: fc.constant('re_1'),
      },
      signals: { approve: fc.tuple(fc.constantFrom('ana', 'bo')) },
      queries: { status: fc.constant([]) },
      log: () => {},
    },
  );
  if (stats.runs !== RUNS) throw new Error(`checkDeterminism ran ${stats.runs} schedules, expected ${RUNS}`);
  return (performance.now() - started) / 1000;
}

/** Runs the checkDeterminism benchmark. */
export async function run(): Promise<BenchResult[]> {
  // Warm the compile cache so both sides start from a compiled bundle.
  await compileWorkflows({ workflowsPath });
  const baseline = await plainRuns();
  const seconds = await checkOrder();
  return [
    {
      name: `checkDeterminism(orderWorkflow), ${RUNS} schedules`,
      value: seconds,
      unit: 's',
      baseline: { name: `${RUNS} plain simulated runs`, value: baseline },
      note: `target < 10 s; ${loadNote()}`,
    },
  ];
}
