import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../fixtures/activities/order.ts';
import {
  createMemoryStore,
  type HistoryEvent,
  type HistoryStore,
} from '../../packages/history-store/src/index.ts';
import { Client, type Logger, Worker, WorkflowFailedError } from '../../packages/runtime/src/index.ts';

const WORKFLOWS = join(import.meta.dirname, '../../fixtures/workflows/order.ts');

const order = (id: string, extra: Record<string, unknown> = {}) => ({
  orderId: id,
  amountCents: 500,
  items: [{ sku: 'a', quantity: 1 }],
  ...extra,
});

/** A clock the test moves forward, so the 1-hour sleep and 7-day wait pass at once. */
function manualClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, skip: (ms: number) => (offset += ms) };
}

const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
const logger: Logger = {
  log: (level, msg, fields) => lines.push({ level, msg, ...(fields ? { fields } : {}) }),
};

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.shutdown()));
  workers = [];
  lines.length = 0;
});

async function start(store: HistoryStore, extra: Partial<Parameters<typeof Worker.create>[0]> = {}) {
  const worker = await Worker.create({
    workflowsPath: WORKFLOWS,
    activities: createOrderActivities() as never,
    taskQueue: 'orders',
    store,
    isolation: 'inline',
    pollIntervalMs: 50,
    logger,
    ...extra,
  });
  workers.push(worker);
  const running = worker.run();
  return { worker, running };
}

async function untilHistory(
  client: Client,
  id: string,
  pred: (h: HistoryEvent[]) => boolean,
): Promise<HistoryEvent[]> {
  for (;;) {
    const h = await client.getHandle(id).fetchHistory();
    if (pred(h)) return h;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const timers = (h: HistoryEvent[]) => h.filter((e) => e.eventType === 'TimerStarted').length;

describe('Worker on the memory store', () => {
  it('runs the order workflow end to end: activities, retry, durable timer, signal, query', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const client = new Client({ store });
    await start(store);
    const handle = await client.start('orderWorkflow', {
      workflowId: 'o1',
      taskQueue: 'orders',
      args: [order('o1', { paymentFailures: 1 })],
    });
    await untilHistory(client, 'o1', (h) => timers(h) >= 1);
    expect(await handle.query('status')).toBe('cooling-off');
    clock.skip(3_600_000 + 1000);
    await untilHistory(client, 'o1', (h) => timers(h) >= 2);
    expect(await handle.query('status')).toBe('awaiting-approval');
    await handle.signal('approve', 'ana');
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'fulfilled', orderId: 'o1', approvedBy: 'ana' });

    const history = await handle.fetchHistory();
    expect(history.map((e) => e.eventId)).toEqual(history.map((_, i) => i + 1));
    const charge = history.find((e) => e.eventType === 'ActivityTaskStarted' && e.attempt === 2);
    expect(charge).toMatchObject({ lastFailure: { type: 'PaymentGatewayTimeout' } });
    expect(history.filter((e) => e.eventType === 'WorkflowExecutionSignaled')).toHaveLength(1);
    expect((await handle.describe()).status).toBe('completed');
  });

  it('eager start: a client in the worker process hands it the first workflow task, no claim', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const { worker } = await start(store);
    const eager = new Client({ store });
    await eager.start('orderWorkflow', { workflowId: 'e1', taskQueue: 'orders', args: [order('e1')] });
    await untilHistory(eager, 'e1', (h) => timers(h) >= 1);
    expect(worker.stats.eagerStarts).toBe(1);
    const first = (await eager.getHandle('e1').fetchHistory()).find(
      (e) => e.eventType === 'WorkflowTaskStarted',
    );
    expect(first).toMatchObject({ identity: worker.options.identity });

    // Turned off, or on a queue no worker here serves: an ordinary start that a poller claims.
    const plain = new Client({ store, eagerStart: false });
    await plain.start('orderWorkflow', { workflowId: 'e2', taskQueue: 'orders', args: [order('e2')] });
    await untilHistory(plain, 'e2', (h) => timers(h) >= 1);
    await eager.start('orderWorkflow', { workflowId: 'e3', taskQueue: 'elsewhere', args: [order('e3')] });
    expect(worker.stats.eagerStarts).toBe(1);
    expect((await eager.getHandle('e3').fetchHistory()).map((e) => e.eventType)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
    ]);
  });

  it('replays an evicted run from history (cache size 0) with the same result', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const client = new Client({ store });
    await start(store, { maxCachedRuns: 0 });
    const handle = await client.start('orderWorkflow', {
      workflowId: 'o2',
      taskQueue: 'orders',
      args: [order('o2')],
    });
    await untilHistory(client, 'o2', (h) => timers(h) >= 1);
    clock.skip(3_600_000 + 1000);
    await untilHistory(client, 'o2', (h) => timers(h) >= 2);
    await handle.signal('approve', 'bo');
    expect(await handle.result()).toMatchObject({ status: 'fulfilled', approvedBy: 'bo' });
  });

  it('buffers a signal sent before the handler exists and delivers it exactly once', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    const client = new Client({ store });
    const handle = await client.start('orderWorkflow', {
      workflowId: 'o3',
      taskQueue: 'orders',
      args: [order('o3')],
    });
    await handle.signal('approve', 'early');
    await start(store);
    await untilHistory(client, 'o3', (h) => timers(h) >= 1);
    clock.skip(3_600_000 + 1000);
    expect(await handle.result()).toMatchObject({ approvedBy: 'early' });
    const h = await handle.fetchHistory();
    expect(h.filter((e) => e.eventType === 'WorkflowExecutionSignaled')).toHaveLength(1);
  });

  it('surfaces a non-retryable activity failure as WorkflowFailedError with the cause', async () => {
    const store = createMemoryStore();
    const client = new Client({ store });
    await start(store);
    const handle = await client.start('orderWorkflow', {
      workflowId: 'o4',
      taskQueue: 'orders',
      args: [order('o4', { amountCents: 0 })],
    });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(JSON.stringify((err as WorkflowFailedError).cause.failure)).toContain('CardDeclined');
  });

  it('terminates and cancels runs through the client', async () => {
    const store = createMemoryStore();
    const client = new Client({ store });
    await start(store);
    const t = await client.start('orderWorkflow', {
      workflowId: 'o5',
      taskQueue: 'orders',
      args: [order('o5')],
    });
    await untilHistory(client, 'o5', (h) => timers(h) >= 1);
    await t.terminate('test');
    await expect(t.result()).rejects.toMatchObject({ status: 'terminated' });
    const c = await client.start('orderWorkflow', {
      workflowId: 'o6',
      taskQueue: 'orders',
      args: [order('o6')],
    });
    await untilHistory(client, 'o6', (h) => timers(h) >= 1);
    await c.cancel();
    await expect(c.result()).rejects.toMatchObject({ status: expect.stringMatching(/canceled|failed/) });
  });

  it('rejects a second start of a running workflow id with WorkflowAlreadyStartedError', async () => {
    const store = createMemoryStore();
    const client = new Client({ store });
    await client.start('orderWorkflow', { workflowId: 'dup', taskQueue: 'orders', args: [order('dup')] });
    await expect(
      client.start('orderWorkflow', { workflowId: 'dup', taskQueue: 'orders', args: [] }),
    ).rejects.toMatchObject({
      code: 'WORKFLOW_ALREADY_STARTED',
    });
    await expect(client.getHandle('nope').describe()).rejects.toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
  });

  it('shuts down gracefully: run() resolves and nothing held is lost', async () => {
    const store = createMemoryStore();
    const client = new Client({ store });
    const { worker, running } = await start(store);
    await client.start('orderWorkflow', { workflowId: 'o7', taskQueue: 'orders', args: [order('o7')] });
    await untilHistory(client, 'o7', (h) => timers(h) >= 1);
    await worker.shutdown();
    await running;
    expect(worker.state).toBe('stopped');
    expect(lines.some((l) => l.msg === 'worker stopped')).toBe(true);
  });
});
