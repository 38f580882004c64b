/**
 * The worked migration end to end on workers and the Postgres store: a run started on v1 finished by
 * a v2 worker; a run started on v2 finished by a v3 worker; a v1 run picked up by a v3 worker stays
 * open and visibly blocked on nondeterminism (nothing appended), then finishes once a v2 worker takes
 * it back. Fails (never skips) when Postgres is unreachable.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../fixtures/activities/order.ts';
import type { HistoryEvent, HistoryStore } from '../../packages/history-store/src/index.ts';
import { openStore } from '../../packages/history-store/src/postgres/index.ts';
import { Client, type Logger, Worker } from '../../packages/runtime/src/index.ts';
import { DATABASE_URL, dropSchema, freshSchema, requirePostgres } from '../store/support.ts';

const code = (v: string) => join(import.meta.dirname, `../../fixtures/versioning/${v}/order.ts`);
const activities = {
  ...createOrderActivities(),
  fraudCheck: async (_orderId: string, amountCents: number) => ({ ok: amountCents < 100_000, score: 3 }),
};
const order = (id: string) => ({ orderId: id, amountCents: 500, items: [{ sku: 'a', quantity: 1 }] });
const silent: Logger = { log: () => {} };

let offset = 0;
const clock = { now: () => Date.now() + offset };
const schema = freshSchema('versioning');
let store: HistoryStore;
let client: Client;
const running: Worker[] = [];

beforeAll(async () => {
  await requirePostgres();
  store = await openStore({ url: DATABASE_URL, schema, clock });
  await store.init();
  client = new Client({ store });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.shutdown()));
});
afterAll(async () => {
  await store?.close();
  await dropSchema(schema);
});

/** Starts a worker running `version` of the order workflow; stop it with `stop(worker)`. */
async function worker(version: string): Promise<Worker> {
  const w = await Worker.create({
    workflowsPath: code(version),
    activities: activities as never,
    taskQueue: 'orders',
    store,
    isolation: 'inline',
    pollIntervalMs: 20,
    logger: silent,
  });
  running.push(w);
  void w.run();
  return w;
}

async function stop(w: Worker): Promise<void> {
  running.splice(running.indexOf(w), 1);
  await w.shutdown();
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const history = (id: string) => client.getHandle(id).fetchHistory();
const timers = (h: HistoryEvent[]) => h.filter((e) => e.eventType === 'TimerStarted').length;
const activityTypes = (h: HistoryEvent[]) =>
  h.flatMap((e) => (e.eventType === 'ActivityTaskScheduled' ? [e.activityType] : []));
const patchMarkers = (h: HistoryEvent[]) =>
  h.flatMap((e) => (e.eventType === 'MarkerRecorded' && e.markerName === 'patch' ? [e.details] : []));

/** Starts an order on `first` code and lets it run into its one-hour cooling-off (past the patch point). */
async function startOn(first: string, id: string): Promise<void> {
  const w = await worker(first);
  await client.start('orderWorkflow', { workflowId: id, taskQueue: 'orders', args: [order(id)] });
  await until(
    `${id} cooling off`,
    () => history(id),
    (h) => timers(h) >= 1,
  );
  await stop(w);
}

/** Lets the cooling-off timer fire, approves, and waits for the result. */
async function finish(id: string): Promise<unknown> {
  offset += 3_600_000 + 1000;
  await until(
    `${id} awaiting approval`,
    () => history(id),
    (h) => timers(h) >= 2,
  );
  await client.getHandle(id).signal('approve', 'ops');
  return client.getHandle(id).result();
}

describe('the worked migration on workers and Postgres', () => {
  it('a run started on v1 is finished by a v2 worker on the old path', async () => {
    await startOn('v1', 'mig-v1-v2');
    await worker('v2');
    expect(await finish('mig-v1-v2')).toMatch(/^fulfilled:/);
    const h = await history('mig-v1-v2');
    expect(activityTypes(h)).toEqual(['checkInventory', 'chargePayment', 'fulfil']);
    expect(patchMarkers(h)).toEqual([]);
  });

  it('a run started on v2 is finished by a v3 worker', async () => {
    await startOn('v2', 'mig-v2-v3');
    await worker('v3');
    expect(await finish('mig-v2-v3')).toMatch(/^fulfilled:/);
    const h = await history('mig-v2-v3');
    expect(activityTypes(h)).toEqual(['checkInventory', 'fraudCheck', 'chargePayment', 'fulfil']);
    expect(patchMarkers(h)).toEqual([{ patchId: 'add-fraud-check', deprecated: false }]);
  });

  it('a v1 run under a v3 worker stays open and blocked, appending nothing, until a v2 worker takes it back', async () => {
    const id = 'mig-v1-v3-v2';
    await startOn('v1', id);
    const v3 = await worker('v3');
    offset += 3_600_000 + 1000; // the timer fires: a workflow task that v3 must replay
    const blocked = await until(
      `${id} blocked`,
      () => client.getHandle(id).describe(),
      (r) => r.blocked !== undefined,
    );
    expect(blocked.status).toBe('running');
    expect(blocked.blocked).toMatchObject({ cause: 'Nondeterminism' });
    expect(blocked.blocked!.message).toContain("scheduleActivity 'fraudCheck'");
    const frozen = (await history(id)).length;
    await new Promise((r) => setTimeout(r, 300));
    expect((await history(id)).length).toBe(frozen);
    await stop(v3);

    await worker('v2');
    await until(
      `${id} awaiting approval`,
      () => history(id),
      (h) => timers(h) >= 2,
    );
    await client.getHandle(id).signal('approve', 'ops');
    expect(await client.getHandle(id).result()).toMatch(/^fulfilled:/);
    expect((await client.getHandle(id).describe()).blocked).toBeUndefined();
    expect(activityTypes(await history(id))).toEqual(['checkInventory', 'chargePayment', 'fulfil']);
  });
});
