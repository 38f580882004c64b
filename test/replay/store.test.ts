/**
 * Store-query mode (PGlite and Postgres, own schema), `history export`/`import` round trips, and
 * redaction that keeps histories replayable.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type History, readHistoryFile, writeHistoryFile } from '../../packages/history-store/src/index.ts';
import { openStore } from '../../packages/history-store/src/postgres/index.ts';
import { compileWorkflows } from '../../packages/runtime/src/compiler/index.ts';
import { createWorkflowSandbox } from '../../packages/runtime/src/sandbox/index.ts';
import { simulateWorkflow } from '../../packages/runtime/src/simulator/index.ts';
import { replayHistories } from '../../packages/testing/src/index.ts';
import { DATABASE_URL, dropSchema, freshSchema, requirePostgres } from '../store/support.ts';
import { cli, ORDER, ORDER_CHANGED, orderCorpus, root } from './support.ts';

let scratch: string;
let corpus: History[];
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'reprise-replay-store-'));
  corpus = await orderCorpus(40);
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('store-query mode on PGlite', () => {
  it('replays runs straight from the store, filtered, through the library and the CLI', async () => {
    const dir = join(scratch, 'pglite');
    const store = await openStore({ dataDir: dir });
    try {
      for (const h of corpus) await store.importHistory!(h);
    } finally {
      await store.close();
    }
    const all = await replayHistories({ db: dir, workflowType: 'orderWorkflow' }, { workflowsPath: ORDER });
    expect(all).toMatchObject({ ok: true, total: 40, replayed: 40 });
    expect(all.results[0]!.source).toMatch(/^store:order-\d+\/order-\d+-run-1$/);
    const limited = await replayHistories(
      { db: dir, status: 'completed', limit: 7 },
      { workflowsPath: ORDER },
    );
    expect(limited.total).toBe(7);
    const none = await replayHistories({ db: dir, workflowType: 'nope' }, { workflowsPath: ORDER });
    expect(none).toMatchObject({ ok: false, empty: true });

    const ok = await cli(
      'replay',
      '--workflows',
      ORDER,
      '--db',
      dir,
      '--query',
      'type=orderWorkflow,limit=5',
    );
    expect(ok.exit).toBe(0);
    expect(ok.stdout).toMatch(/OK: all 5 histories replay/);
    const broken = await cli(
      'replay',
      '--workflows',
      ORDER_CHANGED,
      '--db',
      dir,
      '--query',
      'status=completed|failed',
    );
    expect(broken.exit).toBe(1);
    expect(broken.stdout).toMatch(/FAILED: 36 nondeterministic; 4 of 40 histories replay/);
    const later = await cli(
      'replay',
      '--workflows',
      ORDER,
      '--db',
      dir,
      '--query',
      'startedAfter=2100-01-01',
    );
    expect(later.exit).toBe(2);
    expect(later.stderr).toContain('no histories to replay');
  });
});

describe('store-query mode on Postgres', () => {
  const schema = freshSchema('replay');
  beforeAll(requirePostgres);
  afterAll(() => dropSchema(schema));

  it('pages through more than one listRuns page and replays every run once', async () => {
    const many = await orderCorpus(1050);
    const store = await openStore({ url: DATABASE_URL, schema });
    try {
      let next = 0;
      const importer = async () => {
        while (next < many.length) await store.importHistory!(many[next++]!);
      };
      await Promise.all(Array.from({ length: 8 }, importer));
      const v = await replayHistories({ db: store, workflowType: 'orderWorkflow' }, { workflowsPath: ORDER });
      expect(v).toMatchObject({ ok: true, total: 1050 });
      expect(new Set(v.results.map((r) => r.workflowId)).size).toBe(1050);
    } finally {
      await store.close();
    }
    const byUrl = await replayHistories(
      { db: DATABASE_URL, schema, limit: 10, startedAfter: new Date(0) },
      { workflowsPath: ORDER_CHANGED },
    );
    expect(byUrl).toMatchObject({ total: 10, ok: false });
  });
});

describe('reprise history export / import', () => {
  it('export -> import -> export gives identical bytes (JSON and msgpack); import never overwrites', async () => {
    const a = join(scratch, 'rt-a');
    const b = join(scratch, 'rt-b');
    const fixture = join(root, 'fixtures/histories/order/approved.json');
    const id = (await readHistoryFile(fixture)).header.workflowId;
    expect((await cli('history', 'import', fixture, '--db', a)).exit).toBe(0);
    for (const ext of ['json', 'msgpack']) {
      const first = join(scratch, `first.${ext}`);
      const second = join(scratch, `second.${ext}`);
      expect((await cli('history', 'export', id, '--db', a, '-o', first)).exit).toBe(0);
      if (ext === 'json') expect((await cli('history', 'import', first, '--db', b)).exit).toBe(0);
      expect((await cli('history', 'export', id, '--db', b, '-o', second)).exit).toBe(0);
      expect(Buffer.compare(await readFile(first), await readFile(second))).toBe(0);
    }
    const again = await cli('history', 'import', fixture, '--db', b);
    expect(again.exit).toBe(2);
    expect(again.stderr).toContain('never overwrites');
    expect((await cli('history', 'export', id, '--db', a, '--format', 'yaml')).exit).toBe(2);
  });
});

describe('reprise history redact', () => {
  it('redacts the order workflow and the result still replays', async () => {
    const out = join(scratch, 'redacted.json');
    const r = await cli(
      'history',
      'redact',
      'fixtures/histories/order/approved.json',
      '-o',
      out,
      '--salt',
      's3cret',
      '--workflows',
      ORDER,
    );
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain('the redacted history replays');
    const text = await readFile(out, 'utf8');
    expect(text).not.toContain('o-1001');
    expect(text).not.toContain('ch_7f3a');
    expect((await cli('replay', '--workflows', ORDER, out)).exit).toBe(0);
  });

  it('refuses to write a fixture that redaction broke, and --keep fixes it', async () => {
    const vat = join(import.meta.dirname, 'workflows/vat.ts');
    const bundle = await compileWorkflows({ workflowsPath: vat });
    const sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
    const sim = await simulateWorkflow(sandbox, {
      workflowType: 'vatWorkflow',
      workflowId: 'vat-1',
      args: [{ orderId: 'o-9', country: 'DE' }],
    });
    await sandbox.dispose();
    const input = join(scratch, 'vat.json');
    const { historyFromEvents } = await import('../../packages/history-store/src/index.ts');
    await writeHistoryFile(input, historyFromEvents(sim.events, { runId: sim.runId }));
    const out = join(scratch, 'vat-redacted.json');
    const broken = await cli('history', 'redact', input, '-o', out, '--workflows', vat);
    expect(broken.exit).toBe(1);
    expect(broken.stderr).toContain('no longer replays');
    await expect(stat(out)).rejects.toThrow();
    const kept = await cli(
      'history',
      'redact',
      input,
      '-o',
      out,
      '--workflows',
      vat,
      '--keep',
      'WorkflowExecutionStarted.input[0].country',
    );
    expect(kept.exit).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('"DE"');
  });
});
