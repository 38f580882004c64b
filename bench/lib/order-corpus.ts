/**
 * The order-workflow corpus the replay benchmarks record with the simulator: reproducible inputs,
 * activity latencies and approval times drawn from one seeded generator.
 */
import type { SimulationScript } from '../../packages/runtime/src/simulator/index.ts';

const HOUR = 3_600_000;

/** A seeded generator of integers in [0, n), the same sequence on every run. */
export function corpusRandom(): (n: number) => number {
  let seed = 0x2545f491;
  return (n: number) => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed % n;
  };
}

/**
 * The script of order `i`: three activities with random latencies and, when `approved`, an approval
 * signal some time after the 1-hour cooling-off. With `refund`, a refund outcome is scripted too (for
 * runs that are not approved and time out).
 */
export function orderScript(
  i: number,
  next: (n: number) => number,
  options: { approved: boolean; refund: boolean },
): SimulationScript {
  return {
    workflowType: 'orderWorkflow',
    workflowId: `order-${i}`,
    args: [
      {
        orderId: `o-${i}`,
        amountCents: 500 + next(100_000),
        items: [{ sku: `sku-${next(50)}`, quantity: 1 + next(4) }],
      },
    ],
    activities: {
      checkInventory: { status: 'completed', result: { ok: true, reserved: 1 }, latencyMs: 100 + next(2000) },
      chargePayment: { status: 'completed', result: `ch_${i}`, latencyMs: 100 + next(5000) },
      fulfil: { status: 'completed', result: `trk-${i}`, latencyMs: 100 + next(5000) },
      ...(options.refund && {
        refund: { status: 'completed', result: `re_${i}`, latencyMs: 100 + next(5000) },
      }),
    },
    ...(options.approved && {
      signals: [{ name: 'approve', args: [`approver-${next(9)}`], atMs: HOUR + 60_000 + next(48 * HOUR) }],
    }),
  };
}
