/**
 * The script of a simulated run: what the outside world does (activity outcomes, signals, cancel
 * requests, child outcomes) and when. Everything is data or a pure function, so one script always
 * records the same history.
 */
import type { FailureInfo, HistoryEvent } from '@reprise/history-store';
import type { Activation, Command, Completion, QueryResult } from '../protocol/index.ts';

/** Anything that runs workflow code for one run: a sandbox run, or a plain-JS stand-in. */
export interface ActivationTarget {
  /** The run id the target was created for (a sandbox run's); used when the script names none. */
  readonly runId?: string;
  activate(activation: Activation): Promise<Completion> | Completion;
}

/** How one activity call ends, and after how long. */
export type ActivityOutcomeScript =
  | { status: 'completed'; result?: unknown; latencyMs?: number }
  | { status: 'failed'; failure: FailureInfo; latencyMs?: number; attempts?: number }
  | {
      status: 'timedOut';
      timeoutType?: 'startToClose' | 'scheduleToClose' | 'scheduleToStart' | 'heartbeat';
      latencyMs?: number;
    };

/** What the simulator knows about an activity call when it asks the script for its outcome. */
export interface ActivityCall {
  activityType: string;
  activityId: string;
  args: unknown[];
  /** 0-based index among all activity calls of the run. */
  index: number;
  /** 0-based index among the calls of this activity type. */
  typeIndex: number;
}

/** How one child workflow ends. */
export type ChildOutcomeScript =
  | { status: 'completed'; result?: unknown; latencyMs?: number }
  | { status: 'failed'; failure: FailureInfo; latencyMs?: number }
  | { status: 'startFailed'; cause?: string };

/**
 * When something arrives from outside: at a time (ms after the run's start), or while the n-th
 * workflow task (1-based) runs, which the store buffers after that task's completion.
 */
export type Arrival = { atMs: number } | { duringTask: number };

/** A signal sent to the run. */
export type SignalScript = { name: string; args?: unknown[] } & Arrival;

/** An update sent to the run: delivered with the next workflow task, accepted or rejected there. */
export type UpdateScript = { name: string; args?: unknown[]; updateId?: string } & Arrival;

/** The whole script of a simulated run. */
export interface SimulationScript {
  workflowType: string;
  args?: unknown[];
  workflowId?: string;
  runId?: string;
  taskQueue?: string;
  /** Start time, ms since the epoch (default 2026-01-01T00:00:00Z). */
  startTime?: number;
  /** Four unsigned 32-bit words (default derived from the workflow id). */
  randomnessSeed?: number[];
  /**
   * Activity outcomes: a function of the call, or per activity type a single outcome or one per call
   * (the last repeats). Unscripted calls complete with `undefined` after `defaultLatencyMs`.
   */
  activities?:
    | ((call: ActivityCall) => ActivityOutcomeScript)
    | Record<string, ActivityOutcomeScript | ActivityOutcomeScript[]>;
  /** Child outcomes by child workflow type, or a function of the call. Default: completes with `undefined`. */
  children?:
    | ((call: { workflowType: string; workflowId: string; args: unknown[] }) => ChildOutcomeScript)
    | Record<string, ChildOutcomeScript>;
  signals?: SignalScript[];
  updates?: UpdateScript[];
  /** A cancel request for the run. */
  cancel?: Arrival & { reason?: string };
  /** Latency of unscripted activities and children (default 1000 ms). */
  defaultLatencyMs?: number;
  /** Stop after this many workflow tasks (default 10,000): guards against a workflow that never waits. */
  maxWorkflowTasks?: number;
}

/** How a simulated run ended. */
export type SimulationStatus =
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'continuedAsNew'
  /** Open, waiting for something the script never sends. */
  | 'blocked';

/** What one simulated workflow task did. */
export interface SimulatedTask {
  /** Id of its WorkflowTaskStarted event. */
  startedEventId: number;
  activation: Activation;
  /** The commands the code produced (without source stacks). */
  commands: Command[];
  queryResults: QueryResult[];
}

/** The recorded run. */
export interface SimulationResult {
  status: SimulationStatus;
  /** The history a worker and a store would have written. */
  events: HistoryEvent[];
  workflowId: string;
  runId: string;
  tasks: SimulatedTask[];
  /** The result (completed) or failure (failed) of the run. */
  result?: unknown;
  failure?: FailureInfo;
}
