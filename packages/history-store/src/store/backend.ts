/** What a storage backend supplies to {@link TxHistoryStore}: transactions plus the set-based queries. */
import type { Notifier } from './notifier.ts';
import type { StoreTx, TaskRecord } from './records.ts';
import type { Clock, ListRunsFilter, RunPage } from './types.ts';

/** A storage backend: memory, Postgres or PGlite. */
export interface StoreBackend {
  readonly clock: Clock;
  /** Wakes waiters after commits (and, on Postgres, on NOTIFY from other processes). */
  readonly notifier: Notifier;
  /**
   * Group commit (see batcher.ts): most operations per transaction and transactions at once. Absent:
   * every operation gets its own transaction, one at a time per call.
   */
  readonly batching?: { maxOps: number; maxConcurrent: number };
  init(): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs `fn` in one transaction: commit when it returns, roll back when it throws. Retryable
   * failures (lost connection, serialization failure, deadlock) re-run `fn` a few times before the
   * error reaches the caller as a retryable StoreError.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Locks up to `max` claimable task rows of a kind on a queue (visible by `now`), skipping locked ones. */
  lockClaimable(
    tx: StoreTx,
    kind: 'workflow' | 'activity',
    taskQueue: string,
    now: number,
    max: number,
  ): Promise<TaskRecord[]>;
  /** Locks up to `max` rows whose deadline has passed, earliest first, skipping locked ones. */
  lockDue(tx: StoreTx, now: number, max: number): Promise<TaskRecord[]>;
  nextDueTime(): Promise<number | undefined>;
  listRuns(filter: ListRunsFilter): Promise<RunPage>;
  /** Deletes up to `batchSize` closed runs (with events, tasks, requests) closed before the cut-off. */
  deleteClosedBatch(closedBefore: number, batchSize: number): Promise<number>;
}
