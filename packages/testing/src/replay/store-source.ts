/**
 * Replaying production runs straight from the store: list the matching runs page by page with
 * `listRuns` cursors, then read their histories with a window of reads in flight, so the next
 * histories arrive while earlier ones replay. No export step, no files.
 */
import type { HistoryStore, ListRunsFilter, RunInfo } from '@reprise/history-store';
import type { GateItem, ItemStream } from './sources.ts';
import type { StoreQuery } from './types.ts';

/** Runs per `listRuns` page. */
const PAGE = 1000;
/** History reads in flight (a pool of 10 connections by default; leave some for everyone else). */
const READ_WINDOW = 8;

/** The runs of a {@link StoreQuery} as a stream of items, newest first. */
export function storeItems(query: StoreQuery): ItemStream {
  let total: number | undefined;
  async function* items(): AsyncGenerator<GateItem> {
    const filter = filterOf(query);
    const owned = typeof query.db === 'string';
    const store = typeof query.db === 'string' ? await openLocation(query.db, query.schema) : query.db;
    try {
      const runs = await listAll(store, filter, query.limit);
      total = runs.length;
      const reads: Promise<GateItem>[] = [];
      let next = 0;
      const fill = () => {
        while (next < runs.length && reads.length < READ_WINDOW) reads.push(readOne(store, runs[next++]!));
      };
      fill();
      while (reads.length > 0) {
        const item = await reads.shift()!;
        fill();
        yield item;
      }
    } finally {
      if (owned) await store.close();
    }
  }
  return { items: items(), total: () => total };
}

async function readOne(store: HistoryStore, run: RunInfo): Promise<GateItem> {
  const source = `store:${run.workflowId}/${run.runId}`;
  try {
    const events = await store.readHistory(run.workflowId, run.runId);
    // Stores validate events when they are appended: no second check on the way out.
    return { kind: 'history', source, events, workflowId: run.workflowId, runId: run.runId, validate: false };
  } catch (err) {
    return { kind: 'invalid', source, error: err as Error };
  }
}

async function listAll(
  store: HistoryStore,
  filter: ListRunsFilter,
  limit: number | undefined,
): Promise<RunInfo[]> {
  const out: RunInfo[] = [];
  let cursor: string | undefined;
  do {
    const want = limit === undefined ? PAGE : Math.min(PAGE, limit - out.length);
    if (want <= 0) break;
    const page = await store.listRuns({ ...filter, limit: want, ...(cursor !== undefined && { cursor }) });
    out.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

function filterOf(q: StoreQuery): ListRunsFilter {
  const filter: ListRunsFilter = {};
  if (q.workflowType !== undefined) filter.workflowType = q.workflowType;
  if (q.status !== undefined) filter.status = q.status;
  if (q.startedAfter !== undefined) filter.startedAfter = toMs(q.startedAfter);
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit <= 0)) {
    throw new TypeError(`replayHistories: limit must be a positive integer, got ${q.limit}`);
  }
  return filter;
}

/** A time as ms since the epoch. @throws TypeError for text that is not a date */
export function toMs(t: Date | string | number): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) {
    throw new TypeError(
      `replayHistories: startedAfter '${String(t)}' is not a time; pass a Date, ISO text such as 2026-11-01T00:00:00Z, or ms since the epoch`,
    );
  }
  return ms;
}

/** Opens a store from a location: `postgres://…`, `memory:`, or a PGlite data directory. */
async function openLocation(db: string, schema: string | undefined): Promise<HistoryStore> {
  const { openStore } = await import('@reprise/history-store/postgres');
  const where = /^(postgres(ql)?:\/\/|memory:)/.test(db) ? { url: db } : { dataDir: db };
  return openStore({ ...where, ...(schema !== undefined && { schema }) });
}
