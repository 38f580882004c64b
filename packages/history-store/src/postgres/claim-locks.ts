/**
 * The claim side of a Postgres transaction: handing out the claimable rows `prefetch` took ahead,
 * and locking the claimed tasks' runs without waiting, so a claim never queues behind a delivery.
 */

import { cloneRecord } from '../store/clone.ts';
import type { TaskRecord } from '../store/records.ts';
import type { RunRef } from '../store/types.ts';
import { keyOf, type TxCache } from './cache.ts';
import { claimKey, type Reader, refColumns, uniqueRefs } from './prefetch.ts';
import { runFromRow } from './rows.ts';
import type { Statements } from './sql.ts';

/**
 * Up to `max` claimable rows of a kind and queue that `prefetch` took, copied, or undefined when it
 * took none. Rows the transaction changed since (deleted, leased, no longer visible) are left out.
 */
export function takeClaimed(
  cache: TxCache,
  kind: string,
  taskQueue: string,
  max: number,
  now: number,
): TaskRecord[] | undefined {
  const rows = cache.claimed.get(claimKey(kind, taskQueue));
  if (!rows) return undefined;
  const out: TaskRecord[] = [];
  while (out.length < max && rows.length > 0) {
    const cur = cache.tasks.get(rows.shift()!.taskId)?.rec;
    if (cur?.visibleAt !== undefined && cur.visibleAt <= now) out.push(cloneRecord(cur));
  }
  return out;
}

/**
 * Locks runs with SKIP LOCKED, caching what it learns: `busy` runs are held by another transaction,
 * `missing` runs do not exist (keys as in cache.ts). Runs already locked or known cost no round trip.
 */
export async function lockRunsNoWait(
  read: Reader,
  sql: Statements,
  cache: TxCache,
  refs: RunRef[],
): Promise<{ missing: Set<string>; busy: Set<string> }> {
  const want = uniqueRefs(refs).filter(
    (r) => !cache.runs.get(keyOf(r))?.locked && !cache.busy.has(keyOf(r)) && !cache.missing.has(keyOf(r)),
  );
  if (want.length > 0) {
    const cols = refColumns(want);
    const [locked = [], exist = []] = await read([
      { text: sql.lockRunsSkipLocked, params: cols },
      { text: sql.runsExist, params: cols },
    ]);
    for (const r of locked) cache.run(runFromRow(r), true);
    const present = new Set(exist.map((r) => `${r.workflow_id}\u0000${r.run_id}`));
    for (const r of want) {
      const k = keyOf(r);
      if (!present.has(k)) cache.missing.add(k);
      else if (!cache.runs.get(k)?.locked) cache.busy.add(k);
    }
  }
  const keys = refs.map(keyOf);
  return {
    missing: new Set(keys.filter((k) => cache.missing.has(k))),
    busy: new Set(keys.filter((k) => cache.busy.has(k))),
  };
}
