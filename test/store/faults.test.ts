/**
 * Fault tests on the real Postgres: racing claimers, a paused holder whose lease expired, a connection
 * killed mid-transaction (named crash point: before the completion's event insert), concurrent migrators.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '../../packages/history-store/src/conformance/index.ts';
import {
  createPostgresStore,
  migrate,
  migrations,
  PgDriver,
  preparedName,
  type SqlClient,
  type SqlDriver,
  statements,
} from '../../packages/history-store/src/postgres/index.ts';
import type { HistoryStore } from '../../packages/history-store/src/store/types.ts';
import { DATABASE_URL, dropSchema, freshSchema, requirePostgres } from './support.ts';

beforeAll(requirePostgres);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function open(schema: string, driver: SqlDriver = new PgDriver({ connectionString: DATABASE_URL, max: 4 })) {
  const store = createPostgresStore({ driver, schema });
  cleanups.push(() => store.close());
  return store;
}

function useSchema(): string {
  const schema = freshSchema('fault');
  cleanups.unshift(() => dropSchema(schema));
  return schema;
}

/** Checks the invariants every fault test ends with: dense ids from 1, no duplicates. */
async function checkDense(store: HistoryStore, workflowId: string): Promise<void> {
  const ids = (await store.readHistory(workflowId)).map((e) => e.eventId);
  expect(ids).toEqual(ids.map((_, i) => i + 1));
}

/**
 * A driver with a crash point: when armed, the connection about to send SQL containing the named
 * statement is killed from another connection just before it is sent (the store sends a
 * transaction's writes together, so this is the round trip carrying the completion's events).
 */
class CrashingDriver implements SqlDriver {
  readonly kind = 'postgres';
  readonly inner = new PgDriver({ connectionString: DATABASE_URL, max: 4 });
  readonly killer = new PgDriver({ connectionString: DATABASE_URL, max: 1 });
  /** How many more times the crash point fires. */
  armed = 0;
  fired = 0;
  readonly crashBefore: string;
  constructor(crashBefore: string) {
    this.crashBefore = crashBefore;
  }

  withClient<T>(fn: (client: SqlClient) => Promise<T>): Promise<T> {
    return this.inner.withClient((c) =>
      fn({
        ...(c.session && { session: c.session }),
        exec: (text) => c.exec(text),
        query: async (text, params) => {
          await this.#maybeCrash(c, text);
          return c.query(text, params);
        },
        simple: async (text) => {
          await this.#maybeCrash(c, text);
          return c.simple(text);
        },
      }),
    );
  }
  async #maybeCrash(c: SqlClient, text: string): Promise<void> {
    if (this.armed > 0 && text.includes(this.crashBefore)) {
      this.armed--;
      this.fired++;
      const [rows] = await c.simple('SELECT pg_backend_pid() AS pid');
      await this.killer.withClient((k) => k.query('SELECT pg_terminate_backend($1)', [rows![0]!.pid]));
    }
  }
  listen(channel: string, cb: (payload: string) => void): Promise<void> {
    return this.inner.listen(channel, cb);
  }
  async close(): Promise<void> {
    await this.inner.close();
    await this.killer.close();
  }
}

/** The crash point: the write carrying a completion's events (sent as the prepared statement). */
const eventInsert = (schema: string) => `EXECUTE ${preparedName(statements(schema).writeInsertEvents)}(`;

describe('store faults on Postgres', () => {
  it('two claimers racing for the same tasks each get disjoint tasks, every task exactly once', async () => {
    const schema = useSchema();
    const a = open(schema);
    const b = open(schema);
    await a.init();
    await b.init();
    const n = 60;
    for (let i = 0; i < n; i++) {
      await a.startWorkflow({ workflowId: `race-${i}`, workflowType: 't', taskQueue: 'q', input: [] });
    }
    const claimAll = async (store: HistoryStore, owner: string) => {
      const got: string[] = [];
      for (;;) {
        const tasks = await store.claimWorkflowTasks({ taskQueue: 'q', owner, leaseMs: 60_000, max: 3 });
        if (tasks.length === 0) return got;
        got.push(...tasks.map((t) => t.workflowId));
      }
    };
    const [ga, gb] = await Promise.all([
      claimAll(a, 'a'),
      claimAll(b, 'b'),
      claimAll(a, 'a2'),
      claimAll(b, 'b2'),
    ]).then((r) => [
      [...r[0], ...r[2]],
      [...r[1], ...r[3]],
    ]);
    const all = [...ga!, ...gb!];
    expect(all).toHaveLength(n);
    expect(new Set(all).size).toBe(n);
    expect(ga!.length).toBeGreaterThan(0);
    expect(gb!.length).toBeGreaterThan(0);
  });

  it('a paused holder whose lease expired is fenced out: its completion is rejected, nothing written', async () => {
    const schema = useSchema();
    const a = open(schema);
    const b = open(schema);
    await a.startWorkflow({ workflowId: 'paused', workflowType: 't', taskQueue: 'q', input: [] });
    const [held] = await a.claimWorkflowTasks({ taskQueue: 'q', owner: 'a', leaseMs: 150 });
    await new Promise((r) => setTimeout(r, 200)); // the "pause": a GC stall, a stopped VM
    const [taken] = await b.claimWorkflowTasks({ taskQueue: 'q', owner: 'b', leaseMs: 10_000 });
    expect(taken?.workflowId).toBe('paused');
    await expect(a.completeWorkflowTask(held!, completion(held!))).rejects.toMatchObject({
      code: 'STALE_LEASE',
    });
    expect((await b.describeRun('paused'))?.historyLength).toBe(2);
    await b.completeWorkflowTask(taken!, completion(taken!));
    expect((await b.readHistory('paused')).map((e) => e.eventType)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
    ]);
    await checkDense(b, 'paused');
  });

  it('a connection killed mid-transaction writes nothing; the retry on a new connection succeeds', async () => {
    const schema = useSchema();
    const driver = new CrashingDriver(eventInsert(schema));
    const store = open(schema, driver);
    await store.startWorkflow({ workflowId: 'drop', workflowType: 't', taskQueue: 'q', input: [] });
    const [t] = await store.claimWorkflowTasks({ taskQueue: 'q', owner: 'w', leaseMs: 10_000 });
    driver.armed = 1;
    await store.completeWorkflowTask(t!, completion(t!));
    expect(driver.fired).toBe(1);
    expect((await store.describeRun('drop'))?.historyLength).toBe(4);
    await checkDense(store, 'drop');
  });

  it('when every attempt loses its connection the caller gets a retryable error and nothing is written', async () => {
    const schema = useSchema();
    const driver = new CrashingDriver(eventInsert(schema));
    const store = open(schema, driver);
    await store.startWorkflow({ workflowId: 'drop2', workflowType: 't', taskQueue: 'q', input: [] });
    const [t] = await store.claimWorkflowTasks({ taskQueue: 'q', owner: 'w', leaseMs: 10_000 });
    driver.armed = 100;
    await expect(store.completeWorkflowTask(t!, completion(t!))).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
      retryable: true,
    });
    driver.armed = 0;
    expect((await store.describeRun('drop2'))?.historyLength).toBe(2);
    await store.completeWorkflowTask(t!, completion(t!));
    await checkDense(store, 'drop2');
  });

  it('concurrent migrators apply each migration exactly once', async () => {
    const schema = useSchema();
    const drivers = Array.from({ length: 4 }, () => new PgDriver({ connectionString: DATABASE_URL, max: 1 }));
    cleanups.push(async () => {
      for (const d of drivers) await d.close();
    });
    const applied = await Promise.all(drivers.map((d) => d.withClient((c) => migrate(c, schema))));
    expect(applied.flat().sort()).toEqual(migrations.map((m) => m.version));
    const { rows } = await drivers[0]!.withClient((c) =>
      c.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`),
    );
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('schemas isolate apps sharing one database', async () => {
    const s1 = useSchema();
    const s2 = useSchema();
    const a = open(s1);
    const b = open(s2);
    await a.startWorkflow({ workflowId: 'same-id', workflowType: 't', taskQueue: 'q', input: [] });
    expect(await b.describeRun('same-id')).toBeUndefined();
    await b.startWorkflow({ workflowId: 'same-id', workflowType: 't', taskQueue: 'q', input: [] });
    expect((await a.listRuns()).runs).toHaveLength(1);
  });

  it('LISTEN/NOTIFY wakes a poller in another process-like store', async () => {
    const schema = useSchema();
    const a = open(schema);
    const b = open(schema);
    await a.init();
    await b.init();
    const woke = b.waitForWork('q', 10_000);
    const t0 = Date.now();
    await a.startWorkflow({ workflowId: 'n', workflowType: 't', taskQueue: 'q', input: [] });
    await woke;
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
