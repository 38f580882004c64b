/**
 * What one Postgres transaction already knows: rows it locked, read or wrote, claimable rows taken
 * ahead for the claims of a batch, and histories read ahead. Entries always hold the transaction's
 * own latest version (writes update them), so answering from here equals asking the database.
 */
import type { HistoryEvent } from '../events/events.ts';
import type { RequestRecord, RunRecord, TaskRecord } from '../store/records.ts';
import type { RunRef } from '../store/types.ts';

/** A cached row; `rec` undefined means known not to exist (or deleted by this transaction). */
export type Cached<T> = { rec: T | undefined; locked: boolean };

/** The cache key of a run. */
export const keyOf = (r: RunRef) => `${r.workflowId}\u0000${r.runId}`;

/** The caches of one transaction. */
export class TxCache {
  readonly runs = new Map<string, Cached<RunRecord>>();
  /** Latest run per workflow id (undefined key: there is none). */
  readonly latest = new Map<string, { key: string | undefined; locked: boolean }>();
  readonly tasks = new Map<string, Cached<TaskRecord>>();
  /** Complete sets of running children, per parent, for parents that were prefetched. */
  readonly children = new Map<string, Set<string>>();
  /** Complete request lists, per run, for runs that were prefetched. */
  readonly requests = new Map<string, Map<string, RequestRecord>>();
  /** Histories read ahead: every event of the run from `from` on, kept current by appends. */
  readonly events = new Map<string, { from: number; events: HistoryEvent[] }>();
  /** Claimable rows taken ahead, per `kind\0queue`, handed out by the claims of the batch. */
  readonly claimed = new Map<string, TaskRecord[]>();
  /** Runs of claimed rows that another transaction holds (claims skip them). */
  readonly busy = new Set<string>();
  /** Runs of claimed rows that do not exist. */
  readonly missing = new Set<string>();

  run(run: RunRecord, locked: boolean): void {
    const prev = this.runs.get(keyOf(run));
    this.runs.set(keyOf(run), { rec: run, locked: locked || (prev?.locked ?? false) });
  }

  task(task: TaskRecord, locked: boolean): void {
    const prev = this.tasks.get(task.taskId);
    this.tasks.set(task.taskId, { rec: task, locked: locked || (prev?.locked ?? false) });
  }

  /** Events of the run from `from` on, when the read-ahead covers them. */
  history(ref: RunRef, from: number): HistoryEvent[] | undefined {
    const h = this.events.get(keyOf(ref));
    if (!h || h.from > from) return undefined;
    return h.events.filter((e) => e.eventId >= from);
  }

  appended(ref: RunRef, events: HistoryEvent[]): void {
    this.events.get(keyOf(ref))?.events.push(...events);
  }
}
