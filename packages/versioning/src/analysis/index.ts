// @reprise/versioning/analysis: host-side tools that say which runs still need an old branch.

// Static analysis of the markers histories hold.
export { analyzeVersions } from './analyze.ts';
// Loading histories from files, folders and stores.
export { parseHistoryFile, readHistorySources, readStoreHistories, type StoreHistoryFilter } from './load.ts';
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
