/**
 * Types shared by the host-side versioning analysis: the histories it reads and what it reports.
 */
import type { HistoryEvent } from '@reprise/history-store';

/** One run's history, as the analysis sees it. */
export interface VersionedHistory {
  /** Where it came from: a file path (with `#n` for the n-th history in a file) or `store:<id>/<run>`. */
  source: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  /** True while the run is open (no closing event in a file; status `running` in a store). */
  open: boolean;
  events: HistoryEvent[];
}

/** How many open and retained closed runs are in a group. */
export interface RunCounts {
  open: number;
  closed: number;
}

/** What one history holds for one patch id or change id. */
export type BranchTaken =
  | {
      api: 'patch';
      id: string;
      /** `marker`: recorded by `patched()`; `deprecated`: by `deprecatePatch()`; `none`: old path. */
      marker: 'marker' | 'deprecated' | 'none';
    }
  /** `version` is `DEFAULT_VERSION` (-1) when the history holds no marker for the change id. */
  | { api: 'version'; id: string; version: number };

/** Verdict on one patch id, from the open and retained closed runs that use it. */
export type PatchVerdict =
  /** Some run lacks the marker: the old path must stay, with `patched()`. */
  | 'needed'
  /** Every run has the marker: the old path can go and `patched()` can become `deprecatePatch()`. */
  | 'safe-to-deprecate'
  /** Every run has a deprecated marker (or none needs one): the `deprecatePatch()` call can go. */
  | 'safe-to-remove';

/** One branch of a patch: runs without its marker, with it, or with its deprecated form. */
export interface PatchBranch {
  branch: 'old path (no marker)' | 'patched() marker' | 'deprecatePatch() marker';
  counts: RunCounts;
  /** Plain-words verdict, e.g. "still needed by 3 open runs". */
  verdict: string;
}

/** Usage and verdict of one patch id within one workflow type. */
export interface PatchUsage {
  api: 'patch';
  workflowType: string;
  id: string;
  branches: [PatchBranch, PatchBranch, PatchBranch];
  verdict: PatchVerdict;
  /** The verdict and what to do about it, in one sentence. */
  summary: string;
}

/** One version of a change id and the runs that follow it. */
export interface VersionBranch {
  /** `DEFAULT_VERSION` (-1) for runs without a marker. */
  version: number;
  counts: RunCounts;
  /** `needed` while an open or retained run uses it; `safe-to-remove` otherwise. */
  verdictKind: 'needed' | 'safe-to-remove';
  verdict: string;
}

/** Usage and verdict of one change id within one workflow type. */
export interface VersionUsage {
  api: 'version';
  workflowType: string;
  id: string;
  /** Newest first; always includes `DEFAULT_VERSION`. */
  branches: VersionBranch[];
  /** Smallest version an open or retained run follows: the lowest `minSupported` the code still needs. */
  minInUse: number | undefined;
  summary: string;
}

/** An id that some histories record as a patch and others as a change id. */
export interface IdConflict {
  workflowType: string;
  id: string;
  patchSources: string[];
  versionSources: string[];
}

/** What `analyzeVersions` found in a set of histories. */
export interface VersionsReport {
  /** Histories analysed, and how many of them are open. */
  histories: RunCounts;
  /** Histories that completed no workflow task yet: they have taken no branch and need none. */
  undecided: RunCounts;
  usages: (PatchUsage | VersionUsage)[];
  conflicts: IdConflict[];
}
