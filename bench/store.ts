/**
 * Store benchmark: the full task cycle of a 3-activity workflow driven straight against the Postgres
 * store with synthetic events (start, 4 workflow-task claims and completions, 3 activity claims and
 * completions: 15 transactions per workflow), 50 workflows in flight, on the local Postgres.
 * Baseline in the same run: a raw `BEGIN; INSERT; COMMIT` loop through pg at the same concurrency,
 * the machine's ceiling for durable transactions. Also: one workflow alone, p50 latency.
 */
import { randomBytes } from 'node:crypto';
import { completion } from '../packages/history-store/src/conformance/helpers.ts';
import { createPostgresStore, PgDriver } from '../packages/history-store/src/postgres/index.ts';
import type { HistoryStore, WorkflowTask } from '../packages/history-store/src/store/types.ts';
import { loadNote, median } from './lib/measure.ts';
import type { BenchResult } from './lib/types.ts';

const URL =
  process.env.REPRISE_BENCH_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const IN_FLIGHT = 50;
const POOL = 20;
const DURATION_MS = Number(process.env.REPRISE_BENCH_MS ?? 5000);

async function claimWf(store: HistoryStore, queue: string): Promise<WorkflowTask> {
  for (;;) {
    const [t] = await store.claimWorkflowTasks({ taskQueue: queue, owner: 'bench', leaseMs: 30_000 });
    if (t) return t;
  }
}

/** Drives one workflow through its whole cycle on its own queues. */
async function oneWorkflow(store: HistoryStore, id: string, queue: string): Promise<void> {
  await store.startWorkflow({
    workflowId: id,
    workflowType: 'order',
    taskQueue: queue,
    input: [{ order: id }],
  });
  for (let step = 0; step < 4; step++) {
    const t = await claimWf(store, queue);
    const wtc = t.startedEventId + 1;
    const command =
      step < 3
        ? {
            eventType: 'ActivityTaskScheduled' as const,
            workflowTaskCompletedEventId: wtc,
            activityId: String(step + 1),
            activityType: `step${step + 1}`,
            taskQueue: `${queue}-act`,
            input: [{ order: id, step }],
            startToCloseTimeoutMs: 30_000,
          }
        : {
            eventType: 'WorkflowExecutionCompleted' as const,
            workflowTaskCompletedEventId: wtc,
            result: { ok: true },
          };
    await store.completeWorkflowTask(t, completion(t, command));
    if (step === 3) return;
    let acts = await store.claimActivityTasks({ taskQueue: `${queue}-act`, owner: 'bench', leaseMs: 30_000 });
    while (acts.length === 0) {
      acts = await store.claimActivityTasks({ taskQueue: `${queue}-act`, owner: 'bench', leaseMs: 30_000 });
    }
    await store.completeActivityTask(acts[0]!, { status: 'completed', result: { step, charged: 42 } });
  }
}

async function storeThroughput(store: HistoryStore): Promise<number> {
  let done = 0;
  const deadline = Date.now() + DURATION_MS;
  const lanes = Array.from({ length: IN_FLIGHT }, async (_, lane) => {
    for (let i = 0; Date.now() < deadline; i++) {
      await oneWorkflow(store, `tp-${lane}-${i}`, `q${lane}`);
      done++;
    }
  });
  const t0 = performance.now();
  await Promise.all(lanes);
  return done / ((performance.now() - t0) / 1000);
}

async function rawCommits(driver: PgDriver, schema: string): Promise<number> {
  await driver.withClient((c) =>
    c.query(`CREATE TABLE "${schema}".raw (id bigserial PRIMARY KEY, data bytea)`),
  );
  const payload = randomBytes(200);
  let done = 0;
  const deadline = Date.now() + DURATION_MS;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < deadline) {
        await driver.withClient(async (c) => {
          await c.query('BEGIN');
          await c.query(`INSERT INTO "${schema}".raw (data) VALUES ($1)`, [payload]);
          await c.query('COMMIT');
        });
        done++;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

/** See the module comment. */
export async function run(): Promise<BenchResult[]> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const driver = new PgDriver({ connectionString: URL, max: POOL });
  const store = createPostgresStore({ driver, schema });
  const admin = new PgDriver({ connectionString: URL, max: POOL });
  try {
    await store.init();
    // Warm up connections, plans and the JIT.
    await Promise.all(Array.from({ length: 20 }, (_, i) => oneWorkflow(store, `warm-${i}`, `w${i}`)));
    const latencies: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      await oneWorkflow(store, `alone-${i}`, 'alone');
      latencies.push(performance.now() - t0);
    }
    const wfPerSec = await storeThroughput(store);
    const commitsPerSec = await rawCommits(admin, schema);
    const note = `${IN_FLIGHT} in flight, pool ${POOL}, 15 store transactions per workflow; ${loadNote()}`;
    return [
      {
        name: 'store: 3-activity workflow cycles/s (50 in flight)',
        value: Math.round(wfPerSec),
        unit: 'workflows/s',
        baseline: { name: 'raw pg BEGIN+INSERT+COMMIT/s ÷ 15', value: Math.round(commitsPerSec / 15) },
        note,
      },
      {
        name: 'store: transactions/s in the workflow cycle',
        value: Math.round(wfPerSec * 15),
        unit: 'tx/s',
        baseline: { name: 'raw pg BEGIN+INSERT+COMMIT/s', value: Math.round(commitsPerSec) },
        note,
      },
      {
        name: 'store: one 3-activity workflow alone, p50',
        value: Number(median(latencies).toFixed(2)),
        unit: 'ms',
        note: 'start to close through the store only (no worker, no sandbox)',
      },
    ];
  } finally {
    await store.close();
    await admin
      .withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))
      .catch(() => undefined);
    await admin.close();
  }
}

if (import.meta.main) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
