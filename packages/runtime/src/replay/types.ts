/**
 * Inputs and results of replay.
 */
import type { HistoryEvent } from '@reprise/history-store';
import type { WorkflowBundle } from '../compiler/index.ts';
import type { Command } from '../protocol/index.ts';
import type { ReplayComparison } from '../state-machine/index.ts';

/** The code to replay: a workflows entry file (compiled, cached) or a compiled bundle. */
export type ReplaySource = { workflowsPath: string } | { bundle: WorkflowBundle };

/** A history to replay: its events, optionally with the ids of its run. */
export type HistoryInput =
  | readonly HistoryEvent[]
  | {
      events: readonly HistoryEvent[];
      workflowId?: string;
      runId?: string;
      name?: string;
      /** A history file's header (`@reprise/history-store` history files): supplies the run ids. */
      header?: { workflowId: string; runId: string };
      /** Where a loaded history file came from: used as its name. */
      source?: string;
    };

/** Options of a replay. */
export interface ReplayOptions {
  /** What replay compares (timer durations on, argument hashes off by default). */
  compare?: ReplayComparison;
  /**
   * On nondeterminism, replay once more capturing command stacks, to name the source line of the
   * diverging command (default true).
   */
  locate?: boolean;
  /** Check every event against the event schema first (default true). */
  validate?: boolean;
  /** Return the commands of every workflow task (default false). */
  collectCommands?: boolean;
}

/** Facts about the replayed run, present whatever the outcome. */
export interface ReplayedRun {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** A label for the history (its file name, when it came from one). */
  name?: string;
}

/** The outcome of replaying one history. */
export type ReplayResult =
  | (ReplayedRun & {
      ok: true;
      /** Events in the history. */
      eventCount: number;
      /** Workflow tasks replayed. */
      workflowTasks: number;
      /** Commands per workflow task (with `collectCommands`). */
      commands?: Command[][];
    })
  | (ReplayedRun & {
      ok: false;
      /** A `NondeterminismError`, a `HistoryError` (bad input) or a `WorkflowTaskFailedError`. */
      error: Error;
    });
