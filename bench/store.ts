/**
 * Store benchmark on the local Postgres: the full task cycle of a 3-activity workflow driven straight
 * against the store with synthetic events, 50 workflows in flight, each lane on its own queues.
 * - plain API: start, 4 workflow-task claims and completions, 3 activity claims and completions
 *   (15 store operations per workflow);
 * - eager dispatch: a workflow task completion takes the activity it scheduled and an activity
 *   completion takes the next workflow task (start, 1 claim, 4 + 3 completions: 9 operations).
 * Group commit shares transactions between lanes, so the figures to compare are workflows/s against
 * the baseline measured in the same run: a raw `BEGIN; INSERT; COMMIT` loop through pg at the same
 * concurrency, the machine's rate of durable transactions. Also: one workflow alone (p50), and
 * durable timers: firing rate of due timers and the cost of `nextDueTime` with thousands asleep.
 */
import { randomBytes } from 'node:crypto';
import { completion } from '../packages/history-store/src/conformance/helpers.ts';
import type { NewEvent } from '../packages/history-store/src/events/events.ts';
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
const TIMERS = 2000;
const lease = { owner: 'bench', leaseMs: 30_000 };

type Mode = 'plain' | 'eager';

async function claimWf(store: HistoryStore, queue: string): Promise<WorkflowTask> {
  for (;;) {
    const [t] = await store.claimWorkflowTasks({ taskQueue: queue, ...lease });
    if (t) return t;
  }
}

function command(t: WorkflowTask, id: string, queue: string, step: number): NewEvent {
  const wtc = t.startedEventId + 1;
  if (step === 3)
    return {
      eventType: 'WorkflowExecutionCompleted',
      workflowTaskCompletedEventId: wtc,
      result: { ok: true },
    };
  return {
    eventType: 'ActivityTaskScheduled',
    workflowTaskCompletedEventId: wtc,
    activityId: String(step + 1),
    activityType: `step${step + 1}`,
    taskQueue: `${queue}-act`,
    input: [{ order: id, step }],
    startToCloseTimeoutMs: 30_000,
  };
}

/** Drives one workflow through its whole cycle on its own queues. */
async function oneWorkflow(store: HistoryStore, id: string, queue: string, mode: Mode): Promise<void> {
  await store.startWorkflow({
    workflowId: id,
    workflowType: 'order',
    taskQueue: queue,
    input: [{ order: id }],
  });
  let t = await claimWf(store, queue);
  for (let step = 0; ; step++) {
    const done = completion(t, command(t, id, queue, step));
    if (step === 3) return store.completeWorkflowTask(t, done);
    let act =
      mode === 'eager'
        ? (
            await store.completeWorkflowTaskAndClaim!(t, done, {
              ...lease,
              max: 1,
              taskQueues: [`${queue}-act`],
            })
          )[0]
        : await store.completeWorkflowTask(t, done).then(() => undefined);
    while (!act) [act] = await store.claimActivityTasks({ taskQueue: `${queue}-act`, ...lease });
    const outcome = { status: 'completed' as const, result: { step, charged: 42 } };
    if (mode === 'eager') {
      const r = await store.completeActivityTaskAndClaim!(act, outcome, { taskQueue: queue, ...lease });
      t = r.workflowTask ?? (await claimWf(store, queue));
    } else {
      await store.completeActivityTask(act, outcome);
      t = await claimWf(store, queue);
    }
  }
}

async function throughput(store: HistoryStore, mode: Mode): Promise<number> {
  let done = 0;
  const deadline = Date.now() + DURATION_MS;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, lane) => {
      for (let i = 0; Date.now() < deadline; i++) {
        await oneWorkflow(store, `${mode}-${lane}-${i}`, `${mode}${lane}`, mode);
        done++;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

async function aloneP50(store: HistoryStore, mode: Mode): Promise<number> {
  const latencies: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    await oneWorkflow(store, `alone-${mode}-${i}`, `alone-${mode}`, mode);
    latencies.push(performance.now() - t0);
  }
  return median(latencies);
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

/** p50 of one durable commit alone: `BEGIN; INSERT; COMMIT` in one round trip, one client. */
async function rawCommitP50(driver: PgDriver, schema: string): Promise<number> {
  const payload = `'\\x${randomBytes(200).toString('hex')}'`;
  const latencies: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await driver.withClient((c) =>
      c.simple(`BEGIN; INSERT INTO "${schema}".raw (data) VALUES (${payload}); COMMIT`),
    );
    latencies.push(performance.now() - t0);
  }
  return median(latencies);
}

/** `TIMERS` runs asleep on durable timers due at once; then two pollers fire them. */
async function timers(store: HistoryStore): Promise<{ firedPerSec: number; nextDueMs: number }> {
  await Promise.all(
    Array.from({ length: TIMERS }, (_, i) =>
      store.startWorkflow({
        workflowId: `sleep-${i}`,
        workflowType: 'sleep',
        taskQueue: 'sleepers',
        input: [],
      }),
    ),
  );
  for (;;) {
    const tasks = await store.claimWorkflowTasks({ taskQueue: 'sleepers', ...lease, max: 200 });
    if (tasks.length === 0) break;
    await Promise.all(
      tasks.map((t) =>
        store.completeWorkflowTask(
          t,
          completion(t, {
            eventType: 'TimerStarted',
            workflowTaskCompletedEventId: t.startedEventId + 1,
            timerId: '1',
            startToFireTimeoutMs: 1,
          }),
        ),
      ),
    );
  }
  // Asleep: what a sleeping run costs a poller is this one indexed lookup.
  const n0 = performance.now();
  for (let i = 0; i < 50; i++) await store.nextDueTime();
  const nextDueMs = (performance.now() - n0) / 50;
  await new Promise((r) => setTimeout(r, 5)); // every timer is due now
  const t0 = performance.now();
  let fired = 0;
  await Promise.all(
    [0, 1].map(async () => {
      for (;;) {
        const n = await store.processDueTimers(1000);
        if (n === 0) return;
        fired += n;
      }
    }),
  );
  return { firedPerSec: fired / ((performance.now() - t0) / 1000), nextDueMs };
}

/** See the module comment. */
export async function run(): Promise<BenchResult[]> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const driver = new PgDriver({ connectionString: URL, max: POOL });
  const batches = process.env.REPRISE_BENCH_BATCHES;
  const store = createPostgresStore({
    driver,
    schema,
    ...(batches !== undefined && { concurrentBatches: Number(batches) }),
  });
  const admin = new PgDriver({ connectionString: URL, max: POOL });
  try {
    await store.init();
    // Warm up connections, plans and the JIT.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => oneWorkflow(store, `warm-${i}`, `w${i}`, 'plain')),
    );
    const alonePlain = await aloneP50(store, 'plain');
    const aloneEager = await aloneP50(store, 'eager');
    const plain = await throughput(store, 'plain');
    const eager = await throughput(store, 'eager');
    const commits = await rawCommits(admin, schema);
    const commitP50 = await rawCommitP50(admin, schema);
    const { firedPerSec, nextDueMs } = await timers(store);
    const note = `${IN_FLIGHT} in flight, pool ${POOL}, group commit on; ${loadNote()}`;
    const rawAlone = {
      name: 'raw pg BEGIN+INSERT+COMMIT alone, p50 (one round trip)',
      value: Number(commitP50.toFixed(3)),
    };
    const raw = {
      name: `raw pg BEGIN+INSERT+COMMIT/s (${IN_FLIGHT} lanes, pool ${POOL})`,
      value: Math.round(commits),
    };
    return [
      {
        name: 'store: 3-activity workflows/s, plain API (15 operations each)',
        value: Math.round(plain),
        unit: 'workflows/s',
        baseline: raw,
        note,
      },
      {
        name: 'store: 3-activity workflows/s, eager dispatch (9 operations each)',
        value: Math.round(eager),
        unit: 'workflows/s',
        baseline: raw,
        note,
      },
      {
        name: 'store: one 3-activity workflow alone, p50, plain API',
        value: Number(alonePlain.toFixed(2)),
        unit: 'ms',
        baseline: rawAlone,
        note: 'start to close through the store only (no worker, no sandbox)',
      },
      {
        name: 'store: one 3-activity workflow alone, p50, eager dispatch',
        value: Number(aloneEager.toFixed(2)),
        unit: 'ms',
        baseline: rawAlone,
        note: 'start to close through the store only (no worker, no sandbox)',
      },
      {
        name: 'store: due timers fired/s (2 pollers)',
        value: Math.round(firedPerSec),
        unit: 'timers/s',
        baseline: raw,
        note: `${TIMERS} runs asleep, all due at once; each firing appends TimerFired + WorkflowTaskScheduled and creates a workflow task`,
      },
      {
        name: `store: nextDueTime with ${TIMERS} runs asleep`,
        value: Number(nextDueMs.toFixed(3)),
        unit: 'ms',
        note: 'the whole polling cost of sleeping runs: one indexed min() per poll',
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
