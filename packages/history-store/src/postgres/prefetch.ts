/**
 * The read phase of a Postgres transaction (or of a batch of operations in one): every row the
 * operations announced is locked and loaded in one round trip, claims included (a workflow claim
 * brings each task's run, locked without waiting, and its history in the same statement).
 */
import type { ClaimSpec, PrefetchSpec, TaskRecord } from '../store/records.ts';
import type { RunRef } from '../store/types.ts';
import { keyOf, type TxCache } from './cache.ts';
import type { SqlValue } from './literal.ts';
import { eventFromRow, requestFromRow, runFromRow, taskFromRow } from './rows.ts';
import type { Sql } from './session.ts';
import type { Statements } from './sql.ts';

type Row = Record<string, unknown>;

/** Runs several statements in one round trip (after the transaction's pending writes). */
export type Reader = (statements: Sql[]) => Promise<Row[][]>;

/** Loads what `spec` announces into `cache`. */
export async function prefetch(
  read: Reader,
  sql: Statements,
  cache: TxCache,
  spec: PrefetchSpec,
  now: number,
): Promise<void> {
  const stmts: Sql[] = [];
  const handlers: ((rows: Row[]) => void)[] = [];
  const want = (stmt: string, params: SqlValue[], handle: (rows: Row[]) => void) => {
    stmts.push({ text: stmt, params });
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
  // Locked in the order of the array (see sql.ts lockRuns): one order everywhere, so no deadlocks.
  const runs = uniqueRefs(spec.runs ?? [])
    .filter((r) => !cache.runs.get(keyOf(r))?.locked)
    .sort(byKey);
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
    if (c.kind === 'workflow') {
      const known = new Map<string, number>();
      for (const k of c.known) for (const [runId, n] of k) known.set(runId, n);
      const params = [c.kind, c.taskQueue, now, c.max, [...known.keys()], [...known.values()]];
      want(sql.claimWorkflowRows, params, (rows) => {
        cache.claimed.set(
          key,
          rows.map((r) => claimedWorkflowRow(cache, r)),
        );
      });
      continue;
    }
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
}

/** Caches one row of `claimWorkflowRows`: the task, its run (or why it is not there), its history. */
function claimedWorkflowRow(cache: TxCache, r: Row): TaskRecord {
  const task = taskFromRow(r);
  cache.task(task, true);
  const k = keyOf(task);
  if (r.run_data !== null && r.run_data !== undefined) {
    cache.run(runFromRow({ data: r.run_data }), true);
    const history = (r.history as Uint8Array[] | null) ?? [];
    cache.events.set(k, {
      from: Number(r.history_from),
      events: history.map((data) => eventFromRow({ data })),
    });
  } else if (r.run_exists) {
    cache.busy.add(k);
  } else {
    cache.missing.add(k);
  }
  return task;
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

/** Orders refs by workflow id, then run id (code units, as `Array.prototype.sort`). */
export function byKey(a: RunRef, b: RunRef): number {
  if (a.workflowId !== b.workflowId) return a.workflowId < b.workflowId ? -1 : 1;
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}

/** Refs as the two arrays `unnest` takes. */
export function refColumns(refs: RunRef[]): SqlValue[] {
  return [refs.map((r) => r.workflowId), refs.map((r) => r.runId)];
}
