/**
 * `replayHistories` from @reprise/testing over every kind of source, on one lane and on worker-thread
 * lanes: one result per history, errors with their classes, and the verdict.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type History, serializeHistory } from '../../packages/history-store/src/index.ts';
import { isNondeterminismError } from '../../packages/runtime/src/index.ts';
import { gateJUnit, replayHistories } from '../../packages/testing/src/index.ts';
import { expectWellFormed, ORDER, ORDER_CHANGED, orderCorpus, root } from './support.ts';

let corpus: History[];
let scratch: string;
beforeAll(async () => {
  corpus = await orderCorpus(120);
  scratch = await mkdtemp(join(tmpdir(), 'reprise-gate-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('replayHistories', () => {
  it('replays the committed fixtures from a folder: one result per file, verdict ok', async () => {
    const v = await replayHistories(join(root, 'fixtures/histories/order'), { workflowsPath: ORDER });
    expect(v.ok).toBe(true);
    expect(v.total).toBe(6);
    expect(v.results.every((r) => r.status === 'ok' && r.source.endsWith('.json'))).toBe(true);
    expect(v.byType).toEqual([
      expect.objectContaining({ workflowType: 'orderWorkflow', histories: 6, ok: 6 }),
    ]);
  });

  it('replays histories in memory, in source order', async () => {
    const v = await replayHistories(corpus, { workflowsPath: ORDER });
    expect(v.ok).toBe(true);
    expect(v.results.map((r) => r.workflowId)).toEqual(corpus.map((h) => h.header.workflowId));
    expect(v.byType[0]!.events).toBe(corpus.reduce((n, h) => n + h.events.length, 0));
  });

  it('finds every nondeterministic history, as NondeterminismErrors with the source line', async () => {
    const progress: number[] = [];
    const v = await replayHistories(corpus, {
      workflowsPath: ORDER_CHANGED,
      onProgress: (p) => progress.push(p.done),
    });
    const outOfStock = corpus.filter((h) => JSON.stringify(h.events.at(-1)).includes('sold out'));
    expect(outOfStock.length).toBe(12);
    expect(v.ok).toBe(false);
    expect(v.nondeterministic).toBe(corpus.length - outOfStock.length);
    expect(v.replayed).toBe(outOfStock.length);
    expect(progress).toEqual(corpus.map((_, i) => i + 1));
    for (const r of v.results.filter((x) => !x.ok)) {
      expect(r.status).toBe('nondeterminism');
      expect(isNondeterminismError(r.error)).toBe(true);
      expect(r.error!.message).toContain('+ code:    startTimer');
    }
    // Source lines for the first `locateLimit` (100) divergences: each costs a second replay.
    const located = v.results.filter((r) => /order-changed\.ts:\d+/.test(r.error?.message ?? ''));
    expect(located).toHaveLength(100);
  });

  it('reads a JSONL stream; a malformed line is an invalid result and the lines after it still replay', async () => {
    const lines = corpus.slice(0, 3).map((h) => serializeHistory(h, 'jsonl'));
    const bad = lines[1]!.replace(
      '"eventType":"ActivityTaskScheduled"',
      '"eventType":"ActivityTaskScheduledX"',
    );
    const text = [lines[0], bad, lines[2]].join('');
    const v = await replayHistories(Readable.from([text]), { workflowsPath: ORDER });
    expect(v.results.map((r) => r.status)).toEqual(['ok', 'invalid', 'ok']);
    expect(v.invalid).toBe(1);
    expect(v.ok).toBe(false);
    expect(v.results[1]!.source).toBe('<stream>:2');
    expect(v.results[1]!.error!.message).toMatch(/<stream>:2: event \d+: unknown event type/);
  });

  it('names a missing path and an unreadable file as invalid, and replays the rest', async () => {
    const broken = join(scratch, 'broken.json');
    await writeFile(broken, '{"format": "reprise-history", "events": [');
    const v = await replayHistories(
      [join(root, 'fixtures/histories/order/approved.json'), broken, join(scratch, 'nope')],
      {
        workflowsPath: ORDER,
      },
    );
    expect(v.results.map((r) => [r.status, r.source])).toEqual([
      ['invalid', join(scratch, 'nope')],
      ['ok', join(root, 'fixtures/histories/order/approved.json')],
      ['invalid', broken],
    ]);
    expect(v.results[2]!.error!.message).toContain('broken.json');
  });

  it('an empty corpus fails unless allowed', async () => {
    const empty = await mkdtemp(join(scratch, 'empty-'));
    expect((await replayHistories(empty, { workflowsPath: ORDER })).ok).toBe(false);
    const allowed = await replayHistories(empty, { workflowsPath: ORDER, allowEmpty: true });
    expect(allowed).toMatchObject({ ok: true, empty: true, total: 0 });
  });

  it('writes a JUnit report with one case per history and the diff in each failure', async () => {
    const v = await replayHistories(corpus.slice(0, 10), { workflowsPath: ORDER_CHANGED });
    const xml = gateJUnit(v);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="reprise replay" tests="10" failures="9">/,
    );
    expect(xml.match(/<testcase /g)).toHaveLength(10);
    expect(
      xml.match(
        /<failure type="NONDETERMINISM" message="NONDETERMINISM at event \d+ at [^"]*order-changed.ts:\d+">/g,
      ),
    ).toHaveLength(9);
    expectWellFormed(xml);
  });
});
