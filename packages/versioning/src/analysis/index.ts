// @reprise/versioning/analysis: host-side tools that say which runs still need an old branch.

// Static analysis of the markers histories hold.
export { analyzeVersions } from './analyze.ts';
// Replaying histories against new code, and the CI report.
export {
  type CheckVersionsOptions,
  checkVersions,
  type HistoryCheck,
  type HistoryReplayer,
  type ReplayFailure,
  type ReplayVerdict,
  type VersionCheckResult,
  type WorkflowTypeCheck,
} from './check.ts';
export { versionCheckJUnit } from './junit.ts';
// Loading histories from files, folders and stores.
export { fromLoaded, readHistorySources, readStoreHistories, type StoreHistoryFilter } from './load.ts';
export { branchesTaken, describeBranch, type HistoryMarkers, scanHistory } from './scan.ts';
export type {
  BranchTaken,
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
