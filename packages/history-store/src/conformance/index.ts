// The shared HistoryStore conformance suite (vitest), for every store implementation.
export type { ConformanceContext } from './context.ts';
export { claimOne, cmd, completedId, completion, ManualClock, type StoreFactory } from './helpers.ts';
export { runStoreConformance } from './suite.ts';
