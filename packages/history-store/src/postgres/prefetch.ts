/**
 * The read phase of a Postgres transaction (or of a batch of operations in one): every row the
 * operations announced is locked and loaded in one round trip, and when workflow tasks were claimed,
 * their runs are locked (without waiting) and their histories read in a second one.
 */
import type { ClaimSpec, PrefetchSpec } from '../store/records.ts';
import type { RunRef } from '../store/types.ts';
import { keyOf, type TxCache } from './cache.ts';
import { bind, type SqlValue } from './literal.ts';
import { eventFromRow, requestFromRow, runFromRow, taskFromRow } from './rows.ts';
import type { Statements } from './sql.ts';

type Row = Record<string, unknown>;

/** Runs several statements in one round trip (after the transaction's pending writes). */
export type Reader = (statements: string[]) => Promise<Row[][]>;

/** Loads what `spec` announces into `cache`. */
export async function prefetch(
  read: Reader,
  sql: Statements,
  cache: TxCache,
  spec: PrefetchSpec,
  now: number,
): Promise<void> {
  const stmts: string[] = [];
  const handlers: ((rows: Row[]) => void)[] = [];
  const want = (stmt: string, params: SqlValue[], handle: (rows: Row[]) => void) => {
    stmts.push(bind(stmt, params));
    handlers.push(handle);
  };
  const tasks = [...new Set(spec.tasks ?? [])].filter(
    (id) => /^\d+$/.test(id) && !cache.tasks.get(id)?.locked,
  );
  if (tasks.length > 0) {
    want(sql.lockTasks, [tasks], (rows) => {
      for (const id of tasks) cache.tasks.set(id, { rec: undefined, locked: true });
      for (const r of rows) cache.task(taskFromRow(r), true);
    });
  }
  const runs = uniqueRefs(spec.runs ?? []).filter((r) => !cache.runs.get(keyOf(r))?.locked);
  if (runs.length > 0) {
    want(sql.lockRuns, refColumns(runs), (rows) => {
      for (const r of runs) cache.runs.set(keyOf(r), { rec: undefined, locked: true });
      for (const r of rows) cache.run(runFromRow(r), true);
    });
  }
  // After the run locks in the same round trip: nobody appends to a run while we hold it.
  const earliest = new Map<string, { ref: RunRef; fromEventId: number }>();
  for (const h of spec.histories ?? []) {
    const k = keyOf(h.ref);
    if (cache.events.has(k)) continue;
    const prev = earliest.get(k);
    if (!prev || prev.fromEventId > h.fromEventId) earliest.set(k, h);
  }
  const histories = [...earliest.values()];
  if (histories.length > 0) {
    const refs = histories.map((h) => h.ref);
    want(sql.readEventsOfRuns, [...refColumns(refs), histories.map((h) => h.fromEventId)], (rows) => {
      for (const h of histories) cache.events.set(keyOf(h.ref), { from: h.fromEventId, events: [] });
      for (const row of rows) {
        cache.events.get(`${row.workflow_id}\u0000${row.run_id}`)?.events.push(eventFromRow(row));
      }
    });
  }
  const latest = [...new Set(spec.latest ?? [])].filter((w) => !cache.latest.get(w)?.locked).sort();
  if (latest.length > 0) {
    want(sql.lockLatestRuns, [latest], (rows) => {
      for (const w of latest) cache.latest.set(w, { key: undefined, locked: true });
      for (const r of rows) {
        const run = runFromRow(r);
        cache.run(run, true);
        cache.latest.set(run.workflowId, { key: keyOf(run), locked: true });
      }
    });
  }
  const parents = uniqueRefs(spec.children ?? []).filter((r) => !cache.children.has(keyOf(r)));
  if (parents.length > 0) {
    want(sql.childrenOfRuns, refColumns(parents), (rows) => {
      for (const p of parents) cache.children.set(keyOf(p), new Set());
      for (const r of rows) {
        const child = runFromRow(r);
        if (!cache.runs.has(keyOf(child))) cache.run(child, false);
        cache.children.get(keyOf(child.parent!))?.add(keyOf(child));
      }
    });
  }
  const reqRuns = uniqueRefs(spec.requests ?? []).filter((r) => !cache.requests.has(keyOf(r)));
  if (reqRuns.length > 0) {
    want(sql.requestsOfRuns, refColumns(reqRuns), (rows) => {
      for (const r of reqRuns) cache.requests.set(keyOf(r), new Map());
      for (const row of rows) {
        const req = requestFromRow(row);
        cache.requests.get(keyOf(req))?.set(req.requestId, req);
      }
    });
  }
  const claims = groupClaims(spec.claims ?? []);
  for (const [key, c] of claims) {
    if (cache.claimed.has(key)) continue;
    want(sql.lockClaimable, [c.kind, c.taskQueue, now, c.max], (rows) => {
      cache.claimed.set(
        key,
        rows.map((r) => {
          const t = taskFromRow(r);
          cache.task(t, true);
          return t;
        }),
      );
    });
  }
  if (stmts.length === 0) return;
  const results = await read(stmts);
  handlers.forEach((h, i) => {
    h(results[i] ?? []);
  });
  const wf = [...claims].filter(([, c]) => c.kind === 'workflow');
  if (wf.length > 0) await claimedRuns(read, sql, cache, wf);
}

/** Second round trip of a claim: lock the claimed workflow tasks' runs without waiting, read histories. */
async function claimedRuns(
  read: Reader,
  sql: Statements,
  cache: TxCache,
  claims: [string, Merged][],
): Promise<void> {
  const known = new Map<string, number>();
  const refs: RunRef[] = [];
  for (const [key, c] of claims) {
    for (const t of cache.claimed.get(key) ?? []) refs.push(t);
    for (const k of c.known) for (const [runId, n] of k) known.set(runId, n);
  }
  const want = uniqueRefs(refs).filter((r) => !cache.runs.get(keyOf(r))?.locked);
  if (want.length === 0) return;
  const from = want.map((r) => (known.get(r.runId) ?? 0) + 1);
  const cols = refColumns(want);
  const [locked = [], exist = [], events = []] = await read([
    bind(sql.lockRunsSkipLocked, cols),
    bind(sql.runsExist, cols),
    bind(sql.readEventsOfRuns, [...cols, from]),
  ]);
  for (const r of locked) cache.run(runFromRow(r), true);
  const present = new Set(exist.map((r) => `${r.workflow_id}\u0000${r.run_id}`));
  want.forEach((r, i) => {
    const k = keyOf(r);
    if (!present.has(k)) cache.missing.add(k);
    else if (!cache.runs.get(k)?.locked) cache.busy.add(k);
    else cache.events.set(k, { from: from[i]!, events: [] });
  });
  for (const row of events) {
    cache.events.get(`${row.workflow_id}\u0000${row.run_id}`)?.events.push(eventFromRow(row));
  }
}

type Merged = ClaimSpec & { known: ReadonlyMap<string, number>[] };

/** One claim per kind and queue, asking for the sum of what the batch's claims want. */
function groupClaims(claims: ClaimSpec[]): Map<string, Merged> {
  const out = new Map<string, Merged>();
  for (const c of claims) {
    const key = claimKey(c.kind, c.taskQueue);
    const prev = out.get(key);
    const known = c.knownHistory ? [c.knownHistory] : [];
    if (prev) {
      prev.max += c.max;
      prev.known.push(...known);
    } else out.set(key, { kind: c.kind, taskQueue: c.taskQueue, max: c.max, known });
  }
  return out;
}

/** Key of the claimable rows taken ahead for a kind and queue. */
export function claimKey(kind: string, taskQueue: string): string {
  return `${kind}\u0000${taskQueue}`;
}

/** Distinct refs (plain copies). */
export function uniqueRefs(refs: RunRef[]): RunRef[] {
  const seen = new Map<string, RunRef>();
  for (const r of refs) seen.set(keyOf(r), { workflowId: r.workflowId, runId: r.runId });
  return [...seen.values()];
}

/** Refs as the two arrays `unnest` takes. */
export function refColumns(refs: RunRef[]): SqlValue[] {
  return [refs.map((r) => r.workflowId), refs.map((r) => r.runId)];
}
