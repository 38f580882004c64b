/**
 * Data that enters the sandbox: one activation per workflow task, carrying the jobs derived from new
 * history events. Plain data only (structured-clonable); the sandbox boundary copies it.
 *
 * Sandbox-safe: no Node imports.
 */
import type { FailureInfo } from './failure.ts';

/** Static facts about the run, delivered once in the `initialize` job. */
export interface WorkflowInfoInit {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  /** Run attempt (1 unless the whole run is retried). */
  attempt: number;
  firstExecutionRunId: string;
  continuedFromRunId?: string;
  parent?: { workflowId: string; runId: string };
  /** Start time of the run, ms since the epoch (time of WorkflowExecutionStarted). */
  startTime: number;
  /** Build id of the bundle running the code. */
  buildId: string;
}

/** How an activity ended, as seen by workflow code. */
export type ActivityResolution =
  | { status: 'completed'; result: unknown }
  | { status: 'failed'; failure: FailureInfo }
  | { status: 'cancelled'; failure: FailureInfo };

/** How a child workflow ended, as seen by workflow code. */
export type ChildResolution =
  | { status: 'completed'; result: unknown }
  | { status: 'failed'; failure: FailureInfo }
  | { status: 'cancelled'; failure: FailureInfo };

/** One unit of work for the workflow code, derived from one history event (or a query/update request). */
export type Job =
  | {
      kind: 'initialize';
      workflowType: string;
      args: unknown[];
      info: WorkflowInfoInit;
      /** Seed of the run's PRNG: four unsigned 32-bit words, from WorkflowExecutionStarted. */
      randomnessSeed: number[];
    }
  | { kind: 'fireTimer'; seq: number }
  | { kind: 'resolveActivity'; seq: number; result: ActivityResolution }
  | { kind: 'signal'; name: string; args: unknown[] }
  | { kind: 'query'; queryId: string; name: string; args: unknown[] }
  | {
      kind: 'update';
      updateId: string;
      name: string;
      args: unknown[];
      /** False on replay of an accepted update: the validator ran when it was first accepted. */
      runValidator: boolean;
    }
  /** On replay: the history records a patch marker for this id in the workflow task being replayed. */
  | { kind: 'notifyPatch'; patchId: string }
  /** On replay: the history records this version for the change id in the task being replayed. */
  | { kind: 'notifyVersion'; changeId: string; version: number }
  | { kind: 'resolveChildStart'; seq: number; runId: string }
  | { kind: 'resolveChildStartFailed'; seq: number; failure: FailureInfo }
  | { kind: 'resolveChild'; seq: number; result: ChildResolution }
  | { kind: 'resolveSignalExternal'; seq: number; failure?: FailureInfo }
  | { kind: 'resolveCancelExternal'; seq: number; failure?: FailureInfo }
  | { kind: 'cancelWorkflow'; reason?: string };

/** Everything the sandbox needs for one workflow task. */
export interface Activation {
  runId: string;
  /** Workflow time: ms since the epoch of the WorkflowTaskStarted event. `Date.now()` returns it. */
  timestamp: number;
  /** True while the jobs come from events already in history (logs are silenced). */
  isReplaying: boolean;
  /** Number of events in history at this point (for `workflowInfo().historyLength`). */
  historyLength: number;
  /** Set when history is large enough that the workflow should continue as new. */
  continueAsNewSuggested?: boolean;
  /**
   * When true, each command carries the workflow source location that produced it (`loc`). Costs a
   * stack capture per command, so replay turns it on only to explain a nondeterminism error.
   */
  captureLocations?: boolean;
  jobs: Job[];
}
