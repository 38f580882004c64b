/**
 * Which patch ids and change ids a set of histories uses, by how many open and retained closed runs,
 * and whether each old branch can go. The verdicts are conservative: a run that lacks a marker counts
 * as needing the old path even if it has not reached the versioning call yet (only replay can tell;
 * `checkVersions` does that). Runs that completed no workflow task count for nothing: they took no
 * branch, and any code replays them.
 */
import { DEFAULT_VERSION } from '../get-version.ts';
import { type HistoryMarkers, scanHistory } from './scan.ts';
import type {
  IdConflict,
  PatchBranch,
  PatchUsage,
  PatchVerdict,
  RunCounts,
  VersionBranch,
  VersionedHistory,
  VersionsReport,
  VersionUsage,
} from './types.ts';

interface Scanned {
  history: VersionedHistory;
  markers: HistoryMarkers;
}

/**
 * Analyses a set of histories: for every patch id and change id each workflow type records, how many
 * open and retained closed runs take each branch, and a verdict per branch and per id (see
 * docs/versioning.md, "Verdicts").
 * @throws VersioningError `MALFORMED_MARKER` when a history holds an unreadable versioning marker.
 */
export function analyzeVersions(histories: readonly VersionedHistory[]): VersionsReport {
  const byType = new Map<string, Scanned[]>();
  const total = counts();
  const undecided = counts();
  for (const history of histories) {
    const markers = scanHistory(history.events, history.source);
    add(total, history.open);
    if (!markers.decided) {
      add(undecided, history.open);
      continue;
    }
    const list = byType.get(history.workflowType);
    if (list) list.push({ history, markers });
    else byType.set(history.workflowType, [{ history, markers }]);
  }
  const usages: (PatchUsage | VersionUsage)[] = [];
  const conflicts: IdConflict[] = [];
  for (const [workflowType, runs] of [...byType].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const patchIds = new Set(runs.flatMap((r) => [...r.markers.patches.keys()]));
    const changeIds = new Set(runs.flatMap((r) => [...r.markers.versions.keys()]));
    for (const id of [...patchIds].sort()) {
      usages.push(patchUsage(workflowType, id, runs));
      if (changeIds.has(id)) conflicts.push(conflict(workflowType, id, runs));
    }
    for (const id of [...changeIds].sort()) usages.push(versionUsage(workflowType, id, runs));
  }
  return { histories: total, undecided, usages, conflicts };
}

function patchUsage(workflowType: string, id: string, runs: Scanned[]): PatchUsage {
  const lacking = counts();
  const marked = counts();
  const deprecated = counts();
  for (const { history, markers } of runs) {
    const d = markers.patches.get(id);
    add(d === undefined ? lacking : d ? deprecated : marked, history.open);
  }
  const verdict: PatchVerdict = any(lacking)
    ? 'needed'
    : any(marked)
      ? 'safe-to-deprecate'
      : 'safe-to-remove';
  const branches: [PatchBranch, PatchBranch, PatchBranch] = [
    {
      branch: 'old path (no marker)',
      counts: lacking,
      verdict: any(lacking) ? neededBy(lacking) : 'safe to delete: no run lacks the marker',
    },
    {
      branch: 'patched() marker',
      counts: marked,
      verdict: any(marked)
        ? `${neededBy(marked)}: keep a patched() or deprecatePatch() call`
        : 'no run holds one',
    },
    {
      branch: 'deprecatePatch() marker',
      counts: deprecated,
      verdict: any(deprecated) ? 'replays with or without the call' : 'no run holds one',
    },
  ];
  return { api: 'patch', workflowType, id, branches, verdict, summary: patchSummary(id, verdict, lacking) };
}

function patchSummary(id: string, verdict: PatchVerdict, lacking: RunCounts): string {
  switch (verdict) {
    case 'needed':
      return `${neededBy(lacking)}: keep patched('${id}') and its old path`;
    case 'safe-to-deprecate':
      return `safe to deprecate: every open and retained run has the marker; replace patched('${id}') with deprecatePatch('${id}') and delete the old path`;
    case 'safe-to-remove':
      return `safe to remove: no open or retained run lacks the marker or holds a non-deprecated one; delete deprecatePatch('${id}')`;
  }
}

function versionUsage(workflowType: string, id: string, runs: Scanned[]): VersionUsage {
  const byVersion = new Map<number, RunCounts>([[DEFAULT_VERSION, counts()]]);
  for (const { history, markers } of runs) {
    const v = markers.versions.get(id) ?? DEFAULT_VERSION;
    const c = byVersion.get(v) ?? counts();
    byVersion.set(v, c);
    add(c, history.open);
  }
  const branches: VersionBranch[] = [...byVersion]
    .sort(([a], [b]) => b - a)
    .map(([version, c]) =>
      any(c)
        ? { version, counts: c, verdictKind: 'needed', verdict: neededBy(c) }
        : {
            version,
            counts: c,
            verdictKind: 'safe-to-remove',
            verdict: 'safe to remove: no open or retained run follows it',
          },
    );
  const inUse = branches.filter((b) => b.verdictKind === 'needed').map((b) => b.version);
  const minInUse = inUse.length > 0 ? Math.min(...inUse) : undefined;
  const summary =
    minInUse === undefined
      ? 'no run follows any version'
      : minInUse === DEFAULT_VERSION
        ? `runs without a marker remain: keep minSupported at DEFAULT_VERSION (-1) in getVersion('${id}')`
        : `minSupported can be raised to ${minInUse} in getVersion('${id}'); branches below it can go`;
  return { api: 'version', workflowType, id, branches, minInUse, summary };
}

function conflict(workflowType: string, id: string, runs: Scanned[]): IdConflict {
  return {
    workflowType,
    id,
    patchSources: runs.filter((r) => r.markers.patches.has(id)).map((r) => r.history.source),
    versionSources: runs.filter((r) => r.markers.versions.has(id)).map((r) => r.history.source),
  };
}

/** "still needed by 3 open runs and 1 retained closed run". */
export function neededBy(c: RunCounts): string {
  if (c.open > 0) {
    return `still needed by ${plural(c.open, 'open run')}${c.closed > 0 ? ` and ${plural(c.closed, 'retained closed run')}` : ''}`;
  }
  return `still needed by ${plural(c.closed, 'retained closed run')} (no open run)`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function counts(): RunCounts {
  return { open: 0, closed: 0 };
}

function add(c: RunCounts, open: boolean): void {
  if (open) c.open++;
  else c.closed++;
}

function any(c: RunCounts): boolean {
  return c.open + c.closed > 0;
}
