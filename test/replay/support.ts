/** Shared set-up of the replay gate tests: the CLI with buffer IO, and simulated order corpora. */
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { type CliRun, runCli } from '../../packages/cli/src/testing/io.ts';
import { type History, historyFromEvents } from '../../packages/history-store/src/index.ts';
import { compileWorkflows } from '../../packages/runtime/src/compiler/index.ts';
import { createWorkflowSandbox } from '../../packages/runtime/src/sandbox/index.ts';
import { type SimulationScript, simulateWorkflow } from '../../packages/runtime/src/simulator/index.ts';

/** The repository root. */
export const root = resolve(import.meta.dirname, '../..');
/** The order workflow, as recorded in the fixtures. */
export const ORDER = resolve(root, 'fixtures/workflows/order.ts');
/** The order workflow with an unguarded change (a two-hour sleep). */
export const ORDER_CHANGED = resolve(import.meta.dirname, 'workflows/order-changed.ts');

/** Runs `reprise <argv>` in-process and captures its output. */
export function cli(...argv: string[]): Promise<CliRun> {
  return runCli(argv, root);
}

const HOUR = 3_600_000;

/**
 * `count` order histories recorded with the simulator: approved ones, ones that time out waiting for
 * approval, and (every `outOfStockEvery`-th) ones that end before the sleep. Deterministic.
 */
export async function orderCorpus(count: number, outOfStockEvery = 10): Promise<History[]> {
  const bundle = await compileWorkflows({ workflowsPath: ORDER });
  const sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
  const out: History[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const outOfStock = i % outOfStockEvery === outOfStockEvery - 1;
      const script: SimulationScript = {
        workflowType: 'orderWorkflow',
        workflowId: `order-${i}`,
        args: [{ orderId: `o-${i}`, amountCents: 500 + i, items: [{ sku: `sku-${i % 7}`, quantity: 1 }] }],
        activities: {
          checkInventory: {
            status: 'completed',
            result: outOfStock ? { ok: false, reserved: 0, reason: 'sold out' } : { ok: true, reserved: 1 },
          },
          chargePayment: { status: 'completed', result: `ch_${i}` },
          fulfil: { status: 'completed', result: `trk-${i}` },
          refund: { status: 'completed', result: `re_${i}` },
        },
        ...(i % 3 !== 2 && { signals: [{ name: 'approve', args: [`a-${i}`], atMs: 2 * HOUR }] }),
      };
      const r = await simulateWorkflow(sandbox, script, { buildId: bundle.buildId });
      out.push(historyFromEvents(r.events, { runId: r.runId, buildId: bundle.buildId }));
    }
  } finally {
    await sandbox.dispose();
  }
  return out;
}

/** A small well-formedness check: tags nest and close, attributes are quoted, text has no raw `<` or `&`. */
export function expectWellFormed(xml: string): void {
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z]+)((?:\s+[A-Za-z]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let consumed = 0;
  for (let m = token.exec(body); m !== null; m = token.exec(body)) {
    consumed = token.lastIndex;
    if (m[5] !== undefined) {
      expect(m[5]).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
      continue;
    }
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]!);
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
}
