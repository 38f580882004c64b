/**
 * Sleeping runs leave the worker's cache: a run that waits only on a far timer has its sandbox
 * instance disposed and replays from history when the timer fires, with the same result.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../fixtures/activities/order.ts';
import { createMemoryStore, type HistoryEvent } from '../../packages/history-store/src/index.ts';
import { Client, silentLogger, Worker } from '../../packages/runtime/src/index.ts';

const WORKFLOWS = join(import.meta.dirname, '../../fixtures/workflows/order.ts');

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.shutdown()));
  workers = [];
});

async function setup(evictSleepingRunsAfterMs?: number) {
  let offset = 0;
  const clock = { now: () => Date.now() + offset, skip: (ms: number) => (offset += ms) };
  const store = createMemoryStore({ clock });
  const worker = await Worker.create({
    workflowsPath: WORKFLOWS,
    activities: createOrderActivities() as never,
    taskQueue: 'orders',
    store,
    isolation: 'inline',
    pollIntervalMs: 50,
    timerRecheckMs: 50,
    logger: silentLogger,
    ...(evictSleepingRunsAfterMs !== undefined ? { evictSleepingRunsAfterMs } : {}),
  });
  workers.push(worker);
  void worker.run();
  return { clock, client: new Client({ store }), worker };
}

async function until(client: Client, id: string, timers: number): Promise<HistoryEvent[]> {
  for (;;) {
    const h = await client.getHandle(id).fetchHistory();
    if (h.filter((e) => e.eventType === 'TimerStarted').length >= timers) {
      // The worker caches or evicts the run just after its completion commits.
      await new Promise((r) => setTimeout(r, 50));
      return h;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

const order = (id: string) => ({ orderId: id, amountCents: 500, items: [{ sku: 'a', quantity: 1 }] });

describe('sleeping runs', () => {
  it('are evicted while they sleep on a far timer and replay when it fires, with the same result', async () => {
    const { clock, client, worker } = await setup();
    const handle = await client.start('orderWorkflow', {
      workflowId: 'z1',
      taskQueue: 'orders',
      args: [order('z1')],
    });
    await until(client, 'z1', 1); // the one-hour cooling-off sleep
    expect(worker.stats.cachedRuns).toBe(0);
    expect(worker.stats.sleepingRunsEvicted).toBe(1);
    clock.skip(3_600_000 + 1000);
    await until(client, 'z1', 2); // the seven-day wait for approval (a condition with a timer)
    expect(worker.stats.cachedRuns).toBe(0);
    expect(worker.stats.sleepingRunsEvicted).toBe(2);
    expect(await handle.query('status')).toBe('awaiting-approval');
    await handle.signal('approve', 'ana');
    expect(await handle.result()).toMatchObject({ status: 'fulfilled', approvedBy: 'ana' });
  });

  it('stay cached when the threshold is Infinity', async () => {
    const { client, worker } = await setup(Number.POSITIVE_INFINITY);
    await client.start('orderWorkflow', { workflowId: 'z2', taskQueue: 'orders', args: [order('z2')] });
    await until(client, 'z2', 1);
    expect(worker.stats.cachedRuns).toBe(1);
    expect(worker.stats.sleepingRunsEvicted).toBe(0);
  });

  it('rejects a negative threshold with a clear error', async () => {
    await expect(setup(-1)).rejects.toThrow(/evictSleepingRunsAfterMs.*zero or more/);
  });
});
