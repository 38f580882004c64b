/**
 * The vocabulary of property-based determinism checks: the outcome models a user gives per activity,
 * the schedule fast-check generates from them (plain data, so it shrinks and prints), and the options
 * and statistics of {@link checkDeterminism}.
 */
import type { ReplayComparison } from '@reprise/runtime';
import type * as fc from 'fast-check';

/** How one activity call can end in a generated schedule. */
export type OutcomeKind =
  /** Completes with a generated result. */
  | 'success'
  /** Fails with a retryable error one or more times, then completes (the workflow sees a later result). */
  | 'retriedSuccess'
  /** Fails with a non-retryable error. */
  | 'terminalFailure'
  /** Fails with a retryable error until the retry policy gives up. */
  | 'retriesExhausted'
  /** Times out (start-to-close or schedule-to-close). */
  | 'timeout';

/** Every outcome kind, in the order shrinking prefers (success first). */
export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'success',
  'retriedSuccess',
  'terminalFailure',
  'retriesExhausted',
  'timeout',
];

/** The outcome model of one activity type. */
export interface ActivityModel {
  /** Results of calls that complete. */
  result: fc.Arbitrary<unknown>;
  /** Outcomes to generate (default: all of {@link OUTCOME_KINDS}); success is always the most likely. */
  outcomes?: readonly OutcomeKind[];
  /** Application error types of generated failures (default `[<activityType>Failed]`). */
  failureTypes?: readonly string[];
}

/** An activity model, or only the arbitrary of its results (then every outcome kind is generated). */
export type ActivityModelInput = ActivityModel | fc.Arbitrary<unknown>;

/** The outcome model of one child workflow type. */
export interface ChildModel {
  result: fc.Arbitrary<unknown>;
  /** Generate failing children too (default true). */
  failures?: boolean;
}

/** A child model, or only the arbitrary of its results. */
export type ChildModelInput = ChildModel | fc.Arbitrary<unknown>;

/** The generated outcome of one activity call. `latencyMs` is the time from scheduling to the outcome. */
export type GeneratedOutcome =
  | { kind: 'success'; result: unknown; latencyMs: number }
  | { kind: 'retriedSuccess'; result: unknown; failedAttempts: number; latencyMs: number }
  | { kind: 'terminalFailure'; errorType: string; latencyMs: number }
  | { kind: 'retriesExhausted'; errorType: string; attempts: number; latencyMs: number }
  | { kind: 'timeout'; timeoutType: 'startToClose' | 'scheduleToClose'; latencyMs: number };

/** The generated outcome of one child workflow. */
export type GeneratedChildOutcome =
  | { kind: 'success'; result: unknown; latencyMs: number }
  | { kind: 'failure'; errorType: string; latencyMs: number };

/**
 * When a message arrives: `atMs` after the run started (so possibly while an activity runs or a
 * timer is pending), or while the n-th workflow task runs (delivered right after it).
 */
export type ArrivalPoint = { atMs: number } | { duringTask: number };

/** A signal in a schedule. */
export interface ScheduledSignal {
  name: string;
  args: unknown[];
  at: ArrivalPoint;
}

/** An update in a schedule (validated when it arrives, recorded when accepted). */
export interface ScheduledUpdate {
  name: string;
  args: unknown[];
  at: ArrivalPoint;
}

/** A query in a schedule: answered by the run's instance between workflow task `afterTask` and the next. */
export interface ScheduledQuery {
  afterTask: number;
  name: string;
  args: unknown[];
}

/**
 * A lost run instance at a workflow task boundary. `evict`: the worker drops the run from its cache
 * and replays it in a new instance of the same sandbox. `crash`: the worker dies and another worker
 * (another sandbox, another isolate) replays the run from its history.
 */
export interface Disruption {
  afterTask: number;
  kind: 'evict' | 'crash';
}

/** One generated execution: everything the outside world does to one run. */
export interface Schedule {
  /** Arguments of the workflow. */
  args: unknown[];
  /** Per activity type, the outcome of each call (the last repeats). */
  activities: Record<string, GeneratedOutcome[]>;
  /** Per child workflow type, the outcome of each child (the last repeats). */
  children: Record<string, GeneratedChildOutcome[]>;
  signals: ScheduledSignal[];
  updates: ScheduledUpdate[];
  queries: ScheduledQuery[];
  /** A cancel request for the run, when cancellation is generated. */
  cancel?: ArrivalPoint;
  disruptions: Disruption[];
}

/** The workflow under test: an entry file and the workflow type exported from it. */
export interface WorkflowUnderTest {
  workflowsPath: string;
  workflowType: string;
}

/** The three properties, as named in reports. */
export type DeterminismProperty =
  /** The history of an undisturbed run replays to the identical commands. */
  | 'replay-determinism'
  /** Evicting or crashing at any boundary and resuming from history changes nothing. */
  | 'crash-equivalence'
  /** Histories recorded by an older version of the code replay under the new code. */
  | 'version-compatibility'
  /** A workflow task failed (the code threw outside workflow semantics, or broke a sandbox rule). */
  | 'workflow-task-failure';

/** Options of {@link checkDeterminism}. */
export interface CheckDeterminismOptions {
  /** The workflow's arguments. */
  inputs: fc.Arbitrary<unknown[]>;
  /** Outcome model per activity type. Calls of unlisted types complete with `undefined` after 1 s. */
  activities?: Record<string, ActivityModelInput>;
  /** Signals the run may receive: name to the arbitrary of its arguments. */
  signals?: Record<string, fc.Arbitrary<unknown[]>>;
  /** Updates the run may receive: name to the arbitrary of its arguments. */
  updates?: Record<string, fc.Arbitrary<unknown[]>>;
  /** Queries the run may be asked between workflow tasks: name to the arbitrary of its arguments. */
  queries?: Record<string, fc.Arbitrary<unknown[]>>;
  /** Outcome model per child workflow type. Unlisted children complete with `undefined`. */
  children?: Record<string, ChildModelInput>;
  /** Also generate a cancel request of the run (default false). */
  cancellation?: boolean;
  /** Generate evictions and crashes (default true). */
  disruptions?: boolean;
  /** Entry files of older versions of the workflow code: their histories must replay under the new code. */
  previousVersions?: readonly string[];
  /** What version compatibility compares (the replay gate's defaults when absent). */
  compare?: ReplayComparison;
  /** Most signals (and, separately, updates and queries) per schedule (default 3). */
  maxMessages?: number;
  /** Generated schedules (default 200). */
  numRuns?: number;
  /** fast-check seed, to reproduce a run. */
  seed?: number;
  /** fast-check path of a counterexample (printed on failure), to replay exactly that schedule. */
  path?: string;
  /** Folder for the minimal failing history (default: `reprise-determinism` in the system temp folder). */
  outDir?: string;
  /** Where the failure report goes (default `console.error`). */
  log?: (text: string) => void;
  /** Stop a run after this many workflow tasks (default 1,000). */
  maxWorkflowTasks?: number;
}

/** What a passing {@link checkDeterminism} did. */
export interface DeterminismStats {
  /** Schedules generated and checked. */
  runs: number;
  seed: number;
  /** Workflow tasks executed live, over all runs. */
  workflowTasks: number;
  /** Histories replayed from scratch (replay determinism and version compatibility). */
  replays: number;
  /** Run instances lost and rebuilt from history (evictions and crashes that hit a live run). */
  resumes: number;
  /** Queries answered. */
  queries: number;
  /** How the undisturbed runs ended, by status. */
  statuses: Record<string, number>;
  durationMs: number;
}
