/**
 * Inputs and outputs of the workflow state machine.
 *
 * Sandbox-safe: no Node imports.
 */
import type { NewEvent } from '@reprise/history-store';
import type { FailureInfo, QueryResult } from '../protocol/index.ts';

/** How strictly replay compares commands with the recorded events. */
export interface ReplayComparison {
  /** Compare a timer's duration with the recorded one (default true). */
  timerDurations?: boolean;
  /**
   * Compare a hash of command arguments (activity, child, signal and continue-as-new inputs) with the
   * recorded input (default false: changing an argument is usually a safe change).
   */
  argumentHashes?: boolean;
}

/** Options of a {@link WorkflowStateMachine}. */
export interface StateMachineOptions {
  /** Build id of the code being run; reported in `workflowInfo()` and in errors. */
  buildId: string;
  /** What to compare during replay. */
  compare?: ReplayComparison;
  /** Mark activations `continueAsNewSuggested` from this history length on (default 10,000). */
  continueAsNewSuggestedAt?: number;
  /** How many matching events a nondeterminism error lists (default 5). */
  lastMatchingCount?: number;
  /** Worker identity written into live `WorkflowTaskStarted`/`WorkflowTaskCompleted` events. */
  identity?: string;
}

/** A query to answer against the run's state. Queries record nothing. */
export interface QueryRequest {
  queryId: string;
  name: string;
  args: unknown[];
}

/** An update waiting for admission in a live workflow task. */
export interface UpdateRequest {
  updateId: string;
  name: string;
  args: unknown[];
}

/** The live workflow task the worker claimed, at the end of the known history. */
export interface LiveTask {
  /** Claim time: becomes the `WorkflowTaskStarted` time and `Date.now()` in the workflow. */
  startedTime: number;
  /**
   * Id the `WorkflowTaskStarted` event must take (the store's `task.startedEventId`). Defaults to the
   * event after the last known one; a different value means the machine's history is stale.
   */
  startedEventId?: number;
  /** Id of the `WorkflowTaskScheduled` event this task answers (default: the latest one). */
  scheduledEventId?: number;
  queries?: QueryRequest[];
  updates?: UpdateRequest[];
  /** Run id for a continue-as-new in this task (default: derived from the run id and event id). */
  newRunId?: string;
}

/** What the machine made of a completion. */
export type CompletionOutcome =
  /** A replayed task: every command matched its recorded event. */
  | { status: 'replayed'; queryResults: QueryResult[] }
  /**
   * A live task: the events to append (WorkflowTaskStarted unless already recorded, WorkflowTaskCompleted,
   * then one per command, in command order), the first of them taking `firstEventId`.
   */
  | {
      status: 'recorded';
      events: NewEvent[];
      firstEventId: number;
      queryResults: QueryResult[];
      rejectedUpdates: { updateId: string; failure: FailureInfo }[];
      /** True when the events close the run (complete, fail, cancel or continue-as-new). */
      closesRun: boolean;
    }
  /** A query-only activation: answers, nothing recorded. */
  | { status: 'queried'; queryResults: QueryResult[] }
  /**
   * The activation itself failed (a bug or a determinism violation in workflow code): nothing is
   * recorded and the machine, like the run instance, must be discarded and rebuilt from history.
   */
  | { status: 'taskFailed'; failure: FailureInfo & { code: string }; queryResults: QueryResult[] };
