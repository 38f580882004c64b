/**
 * The gate's JUnit XML report, written by the same writer as `reprise versions check` so CI systems
 * see one format: a test suite per workflow type, a test case per history, a failure carrying the
 * nondeterminism diff (or the bad-input message with its file and event id).
 */
import { type HistoryCheck, type ReplayFailure, versionCheckJUnit } from '@reprise/versioning/analysis';
import type { GateHistoryResult, GateVerdict } from './types.ts';

/** Renders a {@link GateVerdict} as JUnit XML. */
export function gateJUnit(verdict: GateVerdict, name = 'reprise replay'): string {
  const byType = new Map<string, GateHistoryResult[]>();
  for (const r of verdict.results) {
    const list = byType.get(r.workflowType) ?? [];
    list.push(r);
    byType.set(r.workflowType, list);
  }
  return versionCheckJUnit(
    {
      ok: verdict.ok,
      total: verdict.total,
      failed: verdict.total - verdict.replayed,
      workflowTypes: verdict.byType.map((t) => ({
        workflowType: t.workflowType,
        replayed: t.ok,
        failed: t.failed,
        branchCounts: [],
        histories: (byType.get(t.workflowType) ?? []).map(toCheck),
      })),
    },
    name,
  );
}

function toCheck(r: GateHistoryResult): HistoryCheck {
  const check: HistoryCheck = {
    source: r.source,
    workflowId: r.workflowId,
    runId: r.runId,
    open: r.open,
    ok: r.ok,
    branches: [],
  };
  if (r.error) check.failure = failureOf(r.error, r.status);
  return check;
}

function failureOf(error: Error, status: GateHistoryResult['status']): ReplayFailure {
  const e = error as Error & { code?: unknown; eventId?: unknown; location?: ReplayFailure['location'] };
  const failure: ReplayFailure = {
    code: typeof e.code === 'string' ? e.code : status === 'invalid' ? 'INVALID_HISTORY' : error.name,
    message: error.message,
  };
  if (typeof e.eventId === 'number') failure.eventId = e.eventId;
  if (e.location)
    failure.location = { file: e.location.file, line: e.location.line, column: e.location.column };
  return failure;
}
