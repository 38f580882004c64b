/** The verdict over a corpus: counts, per-workflow-type totals, and whether the gate passes. */
import type { GateHistoryResult, GateTypeSummary, GateVerdict } from './types.ts';

/** Builds the verdict from the results (one per history, in source order). */
export function summarize(
  results: GateHistoryResult[],
  run: { buildId: string; durationMs: number; lanes: number; allowEmpty: boolean },
): GateVerdict {
  const byType = new Map<string, GateTypeSummary>();
  const counts = { ok: 0, nondeterminism: 0, failed: 0, invalid: 0 };
  for (const r of results) {
    counts[r.status]++;
    let t = byType.get(r.workflowType);
    if (!t) {
      t = { workflowType: r.workflowType, histories: 0, events: 0, ok: 0, failed: 0, timeMs: 0 };
      byType.set(r.workflowType, t);
    }
    t.histories++;
    t.events += r.eventCount;
    t.timeMs += r.durationMs;
    if (r.ok) t.ok++;
    else t.failed++;
  }
  const total = results.length;
  const empty = total === 0;
  return {
    ok: counts.ok === total && (!empty || run.allowEmpty),
    buildId: run.buildId,
    total,
    replayed: counts.ok,
    nondeterministic: counts.nondeterminism,
    failed: counts.failed,
    invalid: counts.invalid,
    empty,
    durationMs: run.durationMs,
    lanes: run.lanes,
    byType: [...byType.values()].sort((a, b) =>
      a.workflowType < b.workflowType ? -1 : a.workflowType > b.workflowType ? 1 : 0,
    ),
    results,
  };
}
