/**
 * The activation protocol: what crosses the host/sandbox boundary.
 * Sandbox-safe: no Node imports.
 */
export type { Activation, ActivityResolution, ChildResolution, Job, WorkflowInfoInit } from './activation.ts';
export { BUNDLE_GLOBAL, type BundleGlobal, RUN_ENV_GLOBAL, type RunEnv, type RunInstance } from './bundle.ts';
export type {
  ActivityOptionsMs,
  Command,
  CommandKind,
  Completion,
  LogRecord,
  MarkerData,
  QueryResult,
  SourceLocation,
} from './completion.ts';
export { type Duration, parseDuration } from './duration.ts';
export type { FailureInfo } from './failure.ts';
