import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSampleActivities } from '../../fixtures/activities/samples.ts';
import { createTripActivities } from '../../fixtures/activities/trip.ts';
import { createMemoryStore, type HistoryStore } from '../../packages/history-store/src/index.ts';
import { Client, silentLogger, Worker, WorkflowFailedError } from '../../packages/runtime/src/index.ts';

const WORKFLOWS = join(import.meta.dirname, '../../fixtures/workflows/index.ts');

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.shutdown()));
  workers = [];
});

function skippingClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, skip: (ms: number) => (offset += ms) };
}

async function worker(store: HistoryStore, extra: Partial<Parameters<typeof Worker.create>[0]> = {}) {
  const w = await Worker.create({
    workflowsPath: WORKFLOWS,
    activities: { ...createSampleActivities(), ...createTripActivities() } as never,
    taskQueue: 'samples',
    store,
    isolation: 'inline',
    pollIntervalMs: 50,
    logger: silentLogger,
    ...extra,
  });
  workers.push(w);
  void w.run();
  return w;
}

describe('Worker semantics on the sample workflows', () => {
  it('runs child workflows, signals a child, and records the parent in each child', async () => {
    const store = createMemoryStore();
    const client = new Client({ store });
    await worker(store);
    const result = await client.execute('fulfilmentWorkflow', {
      workflowId: 'ful-1',
      taskQueue: 'samples',
      args: ['ful-1', ['p1', 'p2', 'p3']],
    });
    expect(result).toEqual([
      'done:ship p1:express:ful-1',
      'done:ship p2:standard:ful-1',
      'done:ship p3:standard:ful-1',
    ]);
    const child = await client.getHandle('ful-1-p2').describe();
    expect(child).toMatchObject({ status: 'completed', parent: { workflowId: 'ful-1' } });
  });

  it('follows continue-as-new to the final run and its result', async () => {
    const clock = skippingClock();
    const store = createMemoryStore({ clock });
    const client = new Client({ store });
    await worker(store);
    const handle = await client.start('counterWorkflow', {
      workflowId: 'count',
      taskQueue: 'samples',
      args: [0, 5, 2],
    });
    const skipper = setInterval(() => clock.skip(61_000), 30);
    try {
      expect(await handle.result()).toBe(5);
    } finally {
      clearInterval(skipper);
    }
    const runs = [];
    for await (const r of client.list({ workflowId: 'count' })) runs.push(r);
    expect(runs.filter((r) => r.status === 'continuedAsNew').length).toBeGreaterThanOrEqual(2);
  });

  it('suggests continue-as-new past the history-size threshold', async () => {
    const clock = skippingClock();
    const store = createMemoryStore({ clock });
    const client = new Client({ store });
    await worker(store, { continueAsNewSuggestedAt: 8 });
    const handle = await client.start('counterWorkflow', {
      workflowId: 'hint',
      taskQueue: 'samples',
      args: [0, 4, 100],
    });
    const skipper = setInterval(() => clock.skip(61_000), 30);
    try {
      expect(await handle.result()).toBe(4);
    } finally {
      clearInterval(skipper);
    }
    const runs = [];
    for await (const r of client.list({ workflowId: 'hint' })) runs.push(r);
    // batch 100 would never continue; the hint made every run stop after a few events.
    expect(runs.length).toBeGreaterThan(1);
  });

  it('accepts updates, rejects invalid ones with the validator failure, and answers queries', async () => {
    const store = createMemoryStore();
    const client = new Client({ store });
    await worker(store);
    const cart = await client.start('cartWorkflow', { workflowId: 'cart', taskQueue: 'samples', args: [2] });
    expect(await cart.update('addItem', 'tea', 2)).toBe(1);
    await expect(cart.update('addItem', 'cup', 0)).rejects.toMatchObject({
      failure: { type: 'BadQuantity' },
    });
    expect(await cart.update('addItem', 'pot', 1)).toBe(2);
    expect(await cart.query('items')).toEqual([
      { sku: 'tea', quantity: 2 },
      { sku: 'pot', quantity: 1 },
    ]);
    const before = (await cart.fetchHistory()).length;
    await cart.query('items');
    expect((await cart.fetchHistory()).length).toBe(before);
    await cart.signal('checkout');
    expect(await cart.result()).toHaveLength(2);
  });

  it('runs the saga, compensating in reverse order when a step fails', async () => {
    const store = createMemoryStore();
    const client = new Client({ store });
    const cancelled: string[] = [];
    await worker(store, {
      activities: { ...createSampleActivities(), ...createTripActivities(cancelled) } as never,
    });
    const err = await client
      .execute('tripBookingWorkflow', {
        workflowId: 'trip',
        taskQueue: 'samples',
        args: [{ tripId: 't1', flight: 'LH1', hotel: 'Ritz', car: 'sold-out-van' }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(JSON.stringify((err as WorkflowFailedError).cause.failure)).toContain('SoldOut');
    expect(cancelled).toEqual(['hotel-t1-Ritz', 'flight-t1-LH1']);
  });
});
