/**
 * Fault test: Postgres restarted while runs are in flight. Pollers drive 3-activity workflows the way
 * a worker does (retryable store errors are retried, a stale lease drops the task) and the database
 * goes away in the middle: every connection is cut, new ones are refused for a while, then it is back.
 * In-flight operations must fail with retryable errors, then every run completes with the invariants.
 *
 * By default the outage is made by a TCP proxy in front of Postgres (every connection of the store
 * dropped, new ones refused for OUTAGE_MS): the store sees exactly what a restart shows a client, and
 * other tests sharing the server are untouched. With REPRISE_FAULT_RESTART_CLUSTER=1 the real cluster
 * is restarted (`pg_ctlcluster … restart`), for a dedicated machine; Postgres is always left running.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '../../packages/history-store/src/conformance/index.ts';
import { isStoreError } from '../../packages/history-store/src/errors.ts';
import type { NewEvent } from '../../packages/history-store/src/events/events.ts';
import { createPostgresStore, PgDriver } from '../../packages/history-store/src/postgres/index.ts';
import type { HistoryStore, WorkflowTask } from '../../packages/history-store/src/store/types.ts';
import { DATABASE_URL, dropSchema, freshSchema, requirePostgres } from './support.ts';

const run = promisify(execFile);
const version = readdirSync('/etc/postgresql')[0] ?? '15';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ready(): Promise<boolean> {
  return run('pg_isready', ['-h', '127.0.0.1', '-t', '1']).then(
    () => true,
    () => false,
  );
}

/** Leaves Postgres running whatever happened. */
async function ensureRunning(): Promise<void> {
  for (let i = 0; i < 30 && !(await ready()); i++) {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']).catch(
      () => undefined,
    );
    await sleep(500);
  }
}

/** A TCP proxy to Postgres that can play a server restart for the connections through it. */
class Outage {
  readonly #upstream = new URL(DATABASE_URL);
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    const server = createServer((client) => {
      const server = createConnection(Number(this.#upstream.port || 5432), this.#upstream.hostname);
      for (const [a, b] of [
        [client, server],
        [server, client],
      ] as const) {
        this.#sockets.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.#sockets.delete(a);
          b.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  url(): string {
    const u = new URL(DATABASE_URL);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Cuts every connection and refuses new ones for `ms`, then accepts again on the same port. */
  async restart(ms: number): Promise<void> {
    await this.stop();
    await sleep(ms);
    await this.start();
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

const OUTAGE_MS = 1500;
const realRestart = process.env.REPRISE_FAULT_RESTART_CLUSTER === '1';

beforeAll(requirePostgres);
afterAll(async () => {
  if (realRestart) await ensureRunning();
}, 60_000);

const N = 16;
const ACTIVITY_MS = 800;
const stats = { retryable: 0, stale: 0 };

/** Retries retryable store errors, as a worker does; other errors are returned to the caller. */
async function retrying<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (!isStoreError(err) || !err.retryable || i > 400) throw err;
      stats.retryable++;
      await sleep(50);
    }
  }
}

/** Next command of the synthetic workflow, from its history: three activities in turn, then done. */
function decide(t: WorkflowTask): NewEvent[] {
  const count = (type: string) => t.history.filter((e) => e.eventType === type).length;
  const scheduled = count('ActivityTaskScheduled');
  const wtc = t.startedEventId + 1;
  if (count('ActivityTaskCompleted') === 3) {
    return [{ eventType: 'WorkflowExecutionCompleted', workflowTaskCompletedEventId: wtc, result: 'ok' }];
  }
  if (scheduled > count('ActivityTaskCompleted')) return [];
  return [
    {
      eventType: 'ActivityTaskScheduled',
      workflowTaskCompletedEventId: wtc,
      activityId: String(scheduled + 1),
      activityType: 'step',
      taskQueue: 'acts',
      input: [scheduled],
      startToCloseTimeoutMs: 20_000,
    },
  ];
}

/** Completion errors a worker shrugs off: its lease went (maybe its own lost commit), or the run moved on. */
function dropped(err: unknown): boolean {
  if (isStoreError(err) && (err.code === 'STALE_LEASE' || err.code === 'RUN_CONFLICT')) {
    stats.stale++;
    return true;
  }
  return false;
}

async function workflowPoller(store: HistoryStore, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const tasks = await retrying(() =>
      store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'wf-poller', leaseMs: 3000, max: 8 }),
    );
    if (tasks.length === 0) await store.waitForWork('wf', 100);
    await Promise.all(
      tasks.map((t) =>
        retrying(() => store.completeWorkflowTask(t, completion(t, ...decide(t)))).catch((err) => {
          if (!dropped(err)) throw err;
        }),
      ),
    );
  }
}

async function activityPoller(store: HistoryStore, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const acts = await retrying(() =>
      store.claimActivityTasks({ taskQueue: 'acts', owner: 'act-poller', leaseMs: 10_000, max: 16 }),
    );
    if (acts.length === 0) await store.waitForWork('acts', 100);
    await Promise.all(
      acts.map(async (a) => {
        await sleep(ACTIVITY_MS); // the activity's work: keeps runs in flight across the restart
        await retrying(() =>
          store.completeActivityTask(a, { status: 'completed', result: a.activityId }),
        ).catch((err) => {
          if (!dropped(err)) throw err;
        });
      }),
    );
  }
}

describe('Postgres restarted while runs are in flight', () => {
  it('in-flight operations fail retryably, then every run completes with its invariants', async () => {
    const schema = freshSchema('restart');
    const proxy = new Outage();
    await proxy.start();
    const url = realRestart ? DATABASE_URL : proxy.url();
    const driver = new PgDriver({ connectionString: url, max: 6, connectionTimeoutMillis: 2000 });
    const store = createPostgresStore({ driver, schema });
    try {
      await store.init();
      for (let i = 0; i < N; i++) {
        await store.startWorkflow({ workflowId: `rs-${i}`, workflowType: 't', taskQueue: 'wf', input: [] });
      }
      let closed = 0;
      const stop = () => closed === N;
      const pollers = [
        workflowPoller(store, stop),
        workflowPoller(store, stop),
        activityPoller(store, stop),
        activityPoller(store, stop),
      ];
      const watcher = (async () => {
        while (closed < N) {
          await sleep(100);
          const infos = await retrying(() => store.listRuns({ status: 'completed', limit: N }));
          closed = infos.runs.length;
        }
      })();
      await sleep(150); // mid-flight: some runs are between steps, some inside a transaction
      const closedAtRestart = closed;
      const t0 = Date.now();
      if (realRestart) {
        await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
        await ensureRunning();
      } else {
        await proxy.restart(OUTAGE_MS);
      }
      const restartMs = Date.now() - t0;
      await Promise.all([watcher, ...pollers]);
      console.log(
        `restart: ${restartMs} ms, runs closed before it ${closedAtRestart}/${N}, retryable errors ${stats.retryable}, dropped tasks ${stats.stale}`,
      );

      expect(closedAtRestart).toBeLessThan(N);
      expect(stats.retryable).toBeGreaterThan(0);
      for (let i = 0; i < N; i++) {
        const h = await store.readHistory(`rs-${i}`);
        expect(h.map((e) => e.eventId)).toEqual(h.map((_, j) => j + 1));
        expect(h.at(-1)?.eventType).toBe('WorkflowExecutionCompleted');
        const results = h.filter((e) => e.eventType === 'ActivityTaskCompleted').map((e) => e.result);
        expect(results).toEqual(['1', '2', '3']);
      }
      const orphans = await driver.withClient((c) =>
        c.query(
          `SELECT (SELECT count(*) FROM "${schema}".tasks) AS tasks, (SELECT count(*) FROM "${schema}".buffered) AS buffered`,
        ),
      );
      expect(orphans.rows[0]).toEqual({ tasks: '0', buffered: '0' });
    } finally {
      if (realRestart) await ensureRunning();
      await store.close();
      await proxy.stop();
      await dropSchema(schema);
    }
  }, 40_000);
});
