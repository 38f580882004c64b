/**
 * The replay gate: histories (files, folders, JSONL, in memory, or runs in a store) replayed against
 * workflow code, with one result per history, a verdict, and a JUnit report for CI.
 */
/** Replays one history (from `@reprise/runtime`, here so tests import the gate from one place). */
export { replayHistory } from '@reprise/runtime';
export { replayHistories } from './gate.ts';
export { gateJUnit } from './junit.ts';
export type {
  GateHistoryResult,
  GateOptions,
  GateProgress,
  GateSource,
  GateStatus,
  GateTypeSummary,
  GateVerdict,
  GivenHistory,
  StoreQuery,
} from './types.ts';
