/**
 * The replay gate on production-sized data: 10,000 stored histories of the order workflow replayed
 * straight from Postgres with `replayHistories({ db, workflowType })`, end to end (listing, reading,
 * decoding, replaying on every core). Target: under 10 s. Baseline, same run: only reading the same
 * 10,000 histories from the store, with the same reader, without replaying them.
 *
 * Seeding is not timed. The corpus is recorded once with the simulator and imported in parallel into
 * a schema named after the order workflow's build id; later runs find it and skip seeding (a code
 * change gives a new build id, a fresh corpus, and drops the old schema).
 */
import { fileURLToPath } from 'node:url';
import type { History } from '../packages/history-store/src/index.ts';
import { historyFromEvents } from '../packages/history-store/src/index.ts';
import { openStore, PgDriver } from '../packages/history-store/src/postgres/index.ts';
import { compileWorkflows } from '../packages/runtime/src/compiler/index.ts';
import { createWorkflowSandbox } from '../packages/runtime/src/sandbox/index.ts';
import { simulateWorkflow } from '../packages/runtime/src/simulator/index.ts';
import { replayHistories } from '../packages/testing/src/replay/index.ts';
import { storeItems } from '../packages/testing/src/replay/store-source.ts';
import { corpusRandom, orderScript } from './lib/order-corpus.ts';
import type { BenchResult } from './lib/types.ts';

const ORDER = fileURLToPath(new URL('../fixtures/workflows/order.ts', import.meta.url));
const COUNT = 10_000;
const URL_ =
  process.env.REPRISE_BENCH_DATABASE_URL ??
  process.env.REPRISE_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA_PREFIX = 'bench_gate_';

/** Runs the replay gate benchmark. */
export async function run(): Promise<BenchResult[]> {
  const bundle = await compileWorkflows({ workflowsPath: ORDER });
  const schema = `${SCHEMA_PREFIX}${bundle.buildId
    .slice(0, 12)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')}`;
  const seeded = await ensureCorpus(schema);
  const query = { db: URL_, schema, workflowType: 'orderWorkflow' };

  // Baseline: list and read every history, no replay.
  const r0 = performance.now();
  let read = 0;
  let events = 0;
  for await (const item of storeItems(query).items) {
    if (item.kind !== 'history') throw item.error;
    read++;
    events += item.events.length;
  }
  const readMs = performance.now() - r0;
  if (read !== COUNT) throw new Error(`read ${read} histories, expected ${COUNT}`);

  const t0 = performance.now();
  const verdict = await replayHistories(query, { bundle });
  const gateMs = performance.now() - t0;
  if (!verdict.ok || verdict.total !== COUNT) {
    const bad = verdict.results.find((r) => !r.ok);
    throw new Error(
      `gate failed: ${verdict.replayed}/${verdict.total} replayed; ${bad?.error?.message ?? ''}`,
    );
  }
  return [
    {
      name: 'replay gate: 10,000 order histories from Postgres, end to end',
      value: gateMs / 1000,
      unit: 's',
      baseline: { name: 'reading the same histories from the store, no replay', value: readMs / 1000 },
      note: `target < 10 s; ${verdict.lanes} lanes; ${((COUNT * 1000) / gateMs).toFixed(0)} histories/s; ${(events / COUNT).toFixed(1)} events each${seeded ? `; seeded in ${(seeded / 1000).toFixed(1)} s (not timed)` : '; corpus cached'}`,
    },
  ];
}

/** Makes sure `schema` holds the corpus; returns the seeding time in ms, or 0 when it was cached. */
async function ensureCorpus(schema: string): Promise<number> {
  const driver = new PgDriver({ connectionString: URL_, max: 1 });
  try {
    const count = await driver.withClient(async (c) => {
      const { rows } = await c.query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'runs'`,
        [schema],
      );
      if (rows[0]?.n !== 1) return 0;
      const r = await c.query(`SELECT count(*)::int AS n FROM "${schema}".runs`);
      return Number(r.rows[0]?.n ?? 0);
    });
    if (count === COUNT) return 0;
    const started = performance.now();
    await driver.withClient(async (c) => {
      const { rows } = await c.query(
        `SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE $1`,
        [`${SCHEMA_PREFIX}%`],
      );
      for (const r of rows) await c.query(`DROP SCHEMA "${String(r.schema_name)}" CASCADE`);
    });
    await seed(schema);
    return performance.now() - started;
  } finally {
    await driver.close();
  }
}

async function seed(schema: string): Promise<void> {
  const histories = await recordCorpus();
  const store = await openStore({ url: URL_, schema, poolSize: 16 });
  try {
    let next = 0;
    const importer = async () => {
      while (next < histories.length) await store.importHistory!(histories[next++]!);
    };
    await Promise.all(Array.from({ length: 16 }, importer));
  } finally {
    await store.close();
  }
}

/** 10,000 order runs with varied data, timing and outcomes (a fixed-seed generator: the same corpus every time). */
async function recordCorpus(): Promise<History[]> {
  const bundle = await compileWorkflows({ workflowsPath: ORDER });
  const sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
  const next = corpusRandom();
  const out: History[] = [];
  try {
    for (let i = 0; i < COUNT; i++) {
      const approved = next(10) < 8;
      const script = orderScript(i, next, { approved, refund: true });
      const r = await simulateWorkflow(sandbox, script, { buildId: bundle.buildId });
      out.push(
        historyFromEvents(r.events, {
          runId: r.runId,
          buildId: bundle.buildId,
          exportedAt: '2026-01-01T00:00:00.000Z',
        }),
      );
    }
  } finally {
    await sandbox.dispose();
  }
  return out;
}

if (import.meta.main) console.log(await run());
