/**
 * Worker benchmarks on the local Postgres (REPRISE_BENCH_DATABASE_URL, else REPRISE_TEST_DATABASE_URL,
 * else postgres://postgres@127.0.0.1:5432/test), each in a fresh schema:
 *
 * - throughput of a 3-activity workflow (the trip saga's happy path) with 50 in flight;
 * - one workflow started and awaited alone: p50 latency;
 * - runs sleeping on durable timers: cached sandboxes, database calls per second while they sleep,
 *   and how late each wakes (2,000 runs by default; `REPRISE_BENCH_TIMERS=100000` for the full size).
 *
 * Baselines, measured in the same run: raw single-row INSERT commits with 50 clients (throughput) and
 * one client (latency), on the same database.
 *
 * `REPRISE_BENCH_CONCURRENT_BATCHES` and `REPRISE_BENCH_FOLD_BELOW` override the store's
 * `concurrentBatches` and the worker's `foldBelowInFlight`, to compare settings.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryStore } from '../packages/history-store/src/index.ts';
import { PgDriver } from '../packages/history-store/src/postgres/index.ts';
import { openStore } from '../packages/history-store/src/postgres/open.ts';
import { Client, silentLogger, Worker } from '../packages/runtime/src/index.ts';
import type { BenchResult } from './lib/types.ts';

const URL =
  process.env.REPRISE_BENCH_DATABASE_URL ??
  process.env.REPRISE_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const WORKFLOWS = join(import.meta.dirname, '../fixtures/workflows/index.ts');
const SLEEPER = join(import.meta.dirname, 'worker-fixtures/sleeper.ts');
const IN_FLIGHT = 50;
const THROUGHPUT_RUNS = 3000;
const LATENCY_RUNS = 60;
const TIMER_RUNS = Number(process.env.REPRISE_BENCH_TIMERS ?? 2000);
/** Tuning knobs, for comparing settings with the same bench (unset: the defaults). */
const tuning = {
  concurrentBatches: optionalNumber('REPRISE_BENCH_CONCURRENT_BATCHES'),
  foldBelowInFlight: optionalNumber('REPRISE_BENCH_FOLD_BELOW'),
};

/** The overridden settings, for the result's note. */
function tuned(): string {
  const set = Object.entries(tuning).filter(([, v]) => v !== undefined);
  return set.length === 0 ? '' : `; settings: ${set.map(([k, v]) => `${k}=${v}`).join(', ')}`;
}

function optionalNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

/** Runs the worker benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new PgDriver({ connectionString: URL, max: IN_FLIGHT });
  try {
    const raw = await rawInsertBaseline(admin, schema);
    const store = await openStore({
      url: URL,
      schema,
      poolSize: 20,
      ...(tuning.concurrentBatches !== undefined && { concurrentBatches: tuning.concurrentBatches }),
    });
    try {
      const flow = await throughputAndLatency(store);
      const timers = await sleepingTimers(store);
      return [
        {
          name: `3-activity workflows/s, ${IN_FLIGHT} in flight (Postgres, inline sandboxes)`,
          value: flow.perSecond,
          unit: 'workflows/s',
          baseline: { name: `raw 1-row INSERT commits/s, ${IN_FLIGHT} clients`, value: raw.commitsPerSecond },
          note: `target >= 500; ${THROUGHPUT_RUNS} workflows; ${flow.eager}${tuned()}`,
        },
        {
          name: 'worker process CPU per workflow at 50 in flight (client and worker, all threads)',
          value: flow.cpuMsPerWorkflow,
          unit: 'ms',
          note: `${(flow.cpuShare * 100).toFixed(0)} % of one core over the throughput run; the rest of the machine is Postgres and idle`,
        },
        ...(flow.pgMsPerWorkflow === undefined
          ? []
          : [
              {
                name: 'Postgres server CPU per workflow at 50 in flight (local server, all its processes)',
                value: flow.pgMsPerWorkflow,
                unit: 'ms',
                note: `${(((flow.pgMsPerWorkflow * THROUGHPUT_RUNS) / flow.wallMs) * 100).toFixed(0)} % of one core; read from /proc, so it counts any other client of the same server too`,
              },
            ]),
        {
          name: 'one workflow started and awaited alone, p50',
          value: flow.p50,
          unit: 'ms',
          baseline: { name: 'raw 1-row INSERT commit, p50', value: raw.p50 },
          note: `target < 10 ms; p90 ${flow.p90.toFixed(2)} ms over ${LATENCY_RUNS} runs`,
        },
        {
          name: `${TIMER_RUNS} runs sleeping: cached sandboxes while asleep`,
          value: timers.cachedWhileSleeping,
          unit: 'runs',
          note: `${timers.evicted} evicted on going to sleep (evictSleepingRunsAfterMs 5 s); each replays when it wakes`,
        },
        {
          name: `${TIMER_RUNS} runs sleeping: database calls per second while asleep`,
          value: timers.callsPerSecond,
          unit: 'calls/s',
          note: 'one worker: the claim on the poll interval (1 s) and one nextDueTime per timer-loop wake (1 s); none per sleeper',
        },
        {
          name: `${TIMER_RUNS} runs sleeping: p99 lateness of the wake-up`,
          value: timers.p99LateMs,
          unit: 'ms',
          note: `target < 1000; max ${timers.maxLateMs.toFixed(0)} ms; all ${TIMER_RUNS} completed in ${(timers.drainMs / 1000).toFixed(1)} s`,
        },
      ];
    } finally {
      await store.close();
    }
  } finally {
    await admin
      .withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))
      .catch(() => undefined);
    await admin.close();
  }
}

async function rawInsertBaseline(driver: PgDriver, schema: string) {
  await driver.withClient(async (c) => {
    await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await c.query(`CREATE TABLE "${schema}".raw_bench (id bigserial PRIMARY KEY, v bytea)`);
  });
  const insert = (c: { query: (t: string, p?: unknown[]) => Promise<unknown> }) =>
    c.query(`INSERT INTO "${schema}".raw_bench (v) VALUES ($1)`, [Buffer.alloc(64)]);
  const lat: number[] = [];
  await driver.withClient(async (c) => {
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await insert(c);
      lat.push(performance.now() - t);
    }
  });
  let done = 0;
  const until = performance.now() + 2000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, () =>
      driver.withClient(async (c) => {
        while (performance.now() < until) {
          await insert(c);
          done++;
        }
      }),
    ),
  );
  return { commitsPerSecond: done / ((performance.now() - t0) / 1000), p50: percentile(lat, 0.5) };
}

async function throughputAndLatency(store: HistoryStore) {
  const worker = await Worker.create({
    store,
    workflowsPath: WORKFLOWS,
    activities: tripActivities,
    taskQueue: 'bench',
    isolation: 'inline',
    logger: silentLogger,
    ...(tuning.foldBelowInFlight !== undefined && { foldBelowInFlight: tuning.foldBelowInFlight }),
  });
  const running = worker.run();
  const client = new Client({ store });
  const trip = (id: string) => ({ tripId: id, flight: 'LH1', hotel: 'Ritz', car: 'Mini' });
  try {
    // Warm up: compile caches, JIT, pool connections.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.execute('tripBookingWorkflow', {
          workflowId: `warm-${i}`,
          taskQueue: 'bench',
          args: [trip(`w${i}`)],
        }),
      ),
    );
    let next = 0;
    const cpu0 = process.cpuUsage();
    const pg0 = postgresCpuMs();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < THROUGHPUT_RUNS) {
          const i = next++;
          await client.execute('tripBookingWorkflow', {
            workflowId: `tp-${i}`,
            taskQueue: 'bench',
            args: [trip(`t${i}`)],
          });
        }
      }),
    );
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const pg1 = postgresCpuMs();
    const pgMsPerWorkflow =
      pg0 !== undefined && pg1 !== undefined ? (pg1 - pg0) / THROUGHPUT_RUNS : undefined;
    const perSecond = THROUGHPUT_RUNS / (wallMs / 1000);
    const cpuMsPerWorkflow = (cpu.user + cpu.system) / 1000 / THROUGHPUT_RUNS;
    const cpuShare = (cpu.user + cpu.system) / 1000 / wallMs;
    const lat: number[] = [];
    for (let i = 0; i < LATENCY_RUNS; i++) {
      const t = performance.now();
      await client.execute('tripBookingWorkflow', {
        workflowId: `lat-${i}`,
        taskQueue: 'bench',
        args: [trip(`l${i}`)],
      });
      lat.push(performance.now() - t);
    }
    const st = worker.stats;
    return {
      perSecond,
      cpuMsPerWorkflow,
      cpuShare,
      pgMsPerWorkflow,
      wallMs,
      p50: percentile(lat, 0.5),
      p90: percentile(lat, 0.9),
      eager: `${st.eagerActivities} of ${st.activitiesCompleted} activities and ${st.eagerWorkflowTasks} of ${st.workflowTasksCompleted} workflow tasks came by eager dispatch`,
    };
  } finally {
    await worker.shutdown();
    await running;
  }
}

/** Store methods that reach the database (waits on notifications do not). */
const DATABASE_CALLS = new Set([
  'claimWorkflowTasks',
  'claimActivityTasks',
  'processDueTimers',
  'nextDueTime',
  'completeWorkflowTask',
  'completeWorkflowTaskAndClaim',
  'completeActivityTask',
  'completeActivityTaskAndClaim',
]);

async function sleepingTimers(store: HistoryStore) {
  let calls = 0;
  const counted = new Proxy(store, {
    get(target, prop) {
      // `target` as the receiver: the store's getters read private fields.
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (DATABASE_CALLS.has(String(prop))) calls++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  // Long enough for every run to be started and asleep before the first wakes.
  const sleepMs = Math.max(8000, TIMER_RUNS * 4);
  const worker = await Worker.create({
    store: counted,
    workflowsPath: SLEEPER,
    taskQueue: 'sleepers',
    isolation: 'inline',
    maxCachedRuns: 100,
    logger: silentLogger,
  });
  const running = worker.run();
  const client = new Client({ store });
  try {
    const ids: string[] = [];
    const starts: Promise<unknown>[] = [];
    for (let i = 0; i < TIMER_RUNS; i++) {
      ids.push(`s-${i}`);
      starts.push(
        client.start('sleeperWorkflow', { workflowId: `s-${i}`, taskQueue: 'sleepers', args: [sleepMs] }),
      );
      if (starts.length >= 200) await Promise.all(starts.splice(0));
    }
    await Promise.all(starts);
    // Let every run start its timer, then count database calls during two quiet seconds.
    while (worker.stats.workflowTasksCompleted < TIMER_RUNS) await new Promise((r) => setTimeout(r, 50));
    const cachedWhileSleeping = worker.stats.cachedRuns;
    const evicted = worker.stats.sleepingRunsEvicted;
    calls = 0;
    await new Promise((r) => setTimeout(r, 2000));
    const callsPerSecond = calls / 2;
    const t0 = performance.now();
    await inLanes(ids, (id) => client.getHandle(id).result());
    const drainMs = performance.now() - t0;
    const late: number[] = [];
    await inLanes(ids, async (id) => {
      const h = await store.readHistory(id);
      const started = h.find((e) => e.eventType === 'TimerStarted');
      const fired = h.find((e) => e.eventType === 'TimerFired');
      if (started?.eventType === 'TimerStarted' && fired)
        late.push(fired.eventTime - (started.eventTime + started.startToFireTimeoutMs));
    });
    return {
      cachedWhileSleeping,
      evicted,
      callsPerSecond,
      p99LateMs: percentile(late, 0.99),
      maxLateMs: late.reduce((a, b) => Math.max(a, b), 0),
      drainMs,
    };
  } finally {
    await worker.shutdown();
    await running;
  }
}

/**
 * CPU time (ms) used so far by the processes named `postgres*` on this machine, from /proc; undefined
 * where there is no /proc or no such process to read (a remote server).
 */
function postgresCpuMs(): number | undefined {
  let ticks = 0;
  let found = false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) continue;
      // Fields after the command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    } catch {
      // The process ended meanwhile.
    }
  }
  // Linux reports these in clock ticks of 10 ms (USER_HZ 100).
  return found ? ticks * 10 : undefined;
}

/** The trip saga's activities, happy path only (the bench project does not include fixtures/). */
const tripActivities = {
  bookFlight: async (tripId: string, flight: string) => `flight-${tripId}-${flight}`,
  bookHotel: async (tripId: string, hotel: string) => `hotel-${tripId}-${hotel}`,
  bookCar: async (tripId: string, car: string) => `car-${tripId}-${car}`,
  cancelFlight: async () => undefined,
  cancelHotel: async () => undefined,
  cancelCar: async () => undefined,
};

/** Runs `fn` over `items`, 50 at a time. */
async function inLanes<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
}
