/**
 * `checkVersions`: replays every history against new workflow code and reports, per workflow type,
 * how many replay, which fail (with the nondeterminism diff), and which versioning branch each
 * history takes.
 */
import { branchesTaken, describeBranch, type HistoryMarkers, scanHistory } from './scan.ts';
import type { BranchTaken, VersionedHistory } from './types.ts';

/** How one history replayed. */
export type ReplayVerdict = { ok: true } | { ok: false; error: Error };

/**
 * Replays one history against the workflow code at `workflowsPath`, with no side effects. The CLI and
 * `@reprise/testing` pass the runtime's replayer; this package cannot import `@reprise/runtime`,
 * which depends on it. The replayer is called once per history, in order, and may keep the compiled
 * bundle between calls.
 */
export type HistoryReplayer = (workflowsPath: string, history: VersionedHistory) => Promise<ReplayVerdict>;

/** Options of {@link checkVersions}. */
export interface CheckVersionsOptions {
  /** The new workflow code: its entry file. */
  workflowsPath: string;
  histories: readonly VersionedHistory[];
  replay: HistoryReplayer;
  /** Called after each history, for progress output. */
  onProgress?: (done: number, total: number) => void;
}

/** Where and how a history failed to replay. */
export interface ReplayFailure {
  /** The error's code, e.g. `NONDETERMINISM`, `UNSUPPORTED_VERSION`. */
  code: string;
  /** The full message: for nondeterminism, the expected-versus-actual diff. */
  message: string;
  /** First diverging event, when the error names one. */
  eventId?: number;
  /** Workflow source location of the diverging command, when known. */
  location?: { file: string; line: number; column: number };
}

/** One history's result. */
export interface HistoryCheck {
  source: string;
  workflowId: string;
  runId: string;
  open: boolean;
  ok: boolean;
  /** The branch it takes for every patch id and change id its workflow type records. */
  branches: BranchTaken[];
  failure?: ReplayFailure;
}

/** Results for one workflow type. */
export interface WorkflowTypeCheck {
  workflowType: string;
  replayed: number;
  failed: number;
  histories: HistoryCheck[];
  /** How many histories take each branch (`describeBranch` text), replayed or not. */
  branchCounts: { branch: string; replayed: number; failed: number }[];
}

/** What {@link checkVersions} found. */
export interface VersionCheckResult {
  /** True when every history replayed (and there was at least one). */
  ok: boolean;
  total: number;
  failed: number;
  workflowTypes: WorkflowTypeCheck[];
}

/**
 * Replays every history against the code at `workflowsPath`. Never throws for a history that fails
 * to replay: the failure is in the result. An empty set of histories is not ok (a gate must not go
 * green because its corpus vanished).
 */
export async function checkVersions(opts: CheckVersionsOptions): Promise<VersionCheckResult> {
  const { histories, replay, workflowsPath } = opts;
  const scanned = histories.map((h) => ({ h, markers: scanHistory(h.events, h.source) }));
  const ids = idsByType(scanned);
  const byType = new Map<string, HistoryCheck[]>();
  let failed = 0;
  for (const [i, { h, markers }] of scanned.entries()) {
    let verdict: ReplayVerdict;
    try {
      verdict = await replay(workflowsPath, h);
    } catch (err) {
      verdict = { ok: false, error: err as Error };
    }
    const check: HistoryCheck = {
      source: h.source,
      workflowId: h.workflowId,
      runId: h.runId,
      open: h.open,
      ok: verdict.ok,
      branches: branchesTaken(markers, ids.get(h.workflowType)!),
    };
    if (!verdict.ok) {
      check.failure = failureOf(verdict.error);
      failed++;
    }
    const list = byType.get(h.workflowType);
    if (list) list.push(check);
    else byType.set(h.workflowType, [check]);
    opts.onProgress?.(i + 1, scanned.length);
  }
  const workflowTypes = [...byType.keys()]
    .sort()
    .map((workflowType) => summarize(workflowType, byType.get(workflowType)!));
  return { ok: failed === 0 && histories.length > 0, total: histories.length, failed, workflowTypes };
}

function idsByType(scanned: { h: VersionedHistory; markers: HistoryMarkers }[]) {
  const ids = new Map<string, { patches: Set<string>; versions: Set<string> }>();
  for (const { h, markers } of scanned) {
    let entry = ids.get(h.workflowType);
    if (!entry) {
      entry = { patches: new Set(), versions: new Set() };
      ids.set(h.workflowType, entry);
    }
    for (const id of markers.patches.keys()) entry.patches.add(id);
    for (const id of markers.versions.keys()) entry.versions.add(id);
  }
  return ids;
}

function summarize(workflowType: string, histories: HistoryCheck[]): WorkflowTypeCheck {
  const counts = new Map<string, { replayed: number; failed: number }>();
  for (const h of histories) {
    for (const b of h.branches) {
      const key = describeBranch(b);
      const c = counts.get(key) ?? { replayed: 0, failed: 0 };
      if (h.ok) c.replayed++;
      else c.failed++;
      counts.set(key, c);
    }
  }
  const failed = histories.filter((h) => !h.ok).length;
  return {
    workflowType,
    replayed: histories.length - failed,
    failed,
    histories,
    branchCounts: [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([branch, c]) => ({ branch, ...c })),
  };
}

/** Reads the facts a replay error carries (the runtime's `NondeterminismError` has them as fields). */
function failureOf(error: Error): ReplayFailure {
  const e = error as Error & { code?: unknown; eventId?: unknown; location?: unknown };
  const failure: ReplayFailure = {
    code: typeof e.code === 'string' ? e.code : (e.name ?? 'Error'),
    message: e.message ?? String(error),
  };
  if (typeof e.eventId === 'number') failure.eventId = e.eventId;
  const loc = e.location as ReplayFailure['location'] | undefined;
  if (loc && typeof loc.file === 'string' && typeof loc.line === 'number') {
    failure.location = { file: loc.file, line: loc.line, column: loc.column };
  }
  return failure;
}
