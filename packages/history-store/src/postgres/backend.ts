/**
 * The Postgres backend (also on PGlite): transactions with SQLSTATE-classified retries, SKIP LOCKED
 * claims, LISTEN/NOTIFY wake-ups, run listing and retention.
 */

import { encodeEvent } from '../codec/index.ts';
import type { StoreBackend } from '../store/backend.ts';
import { Notifier } from '../store/notifier.ts';
import type { StoreTx, TaskRecord } from '../store/records.ts';
import { decodeCursor, encodeCursor, toRunInfo } from '../store/run-info.ts';
import type { Clock, ListRunsFilter, RunPage } from '../store/types.ts';
import { type SqlDriver, toBytea } from './driver.ts';
import { classifyPgError, toStoreError } from './errors.ts';
import { channelOf } from './ident.ts';
import type { SqlValue } from './literal.ts';
import { migrate } from './migrations.ts';
import { topicsOf } from './notify.ts';
import { pack, runFromRow } from './rows.ts';
import { listRunsConditions, type Statements, statements } from './sql.ts';
import { TaskIdSource } from './task-ids.ts';
import { PgTx } from './tx.ts';
import type { Packer } from './writes.ts';

/** Attempts per transaction when failures are retryable (lost connection, deadlock, serialization). */
const MAX_ATTEMPTS = 4;

/** Options of {@link PgBackend}. */
export interface PgBackendOptions {
  driver: SqlDriver;
  schema: string;
  clock: Clock;
  /** LISTEN for other processes' notifications (default true). */
  listen?: boolean;
  /** Most operations committed together in one transaction (default 64; 1 turns group commit off). */
  batchOps?: number;
  /** Transactions running batches at once (default 3 on Postgres, 1 on PGlite); keep below the pool size. */
  concurrentBatches?: number;
  /**
   * Prepare statements once per connection and execute them by name (default true; see
   * postgres/session.ts). Turn off behind a pooler in transaction mode (PgBouncer `pool_mode =
   * transaction`), where a connection's next transaction may run on another server session.
   */
  preparedStatements?: boolean;
}

const DEFAULT_BATCH_OPS = 64;
const DEFAULT_CONCURRENT_BATCHES = 3;

/** Storage on Postgres or PGlite. */
export class PgBackend implements StoreBackend {
  readonly clock: Clock;
  readonly notifier = new Notifier();
  readonly driver: SqlDriver;
  readonly schema: string;
  readonly #sql: Statements;
  readonly #channel: string;
  readonly #listen: boolean;
  #ready: Promise<void> | undefined;
  readonly #ids = new TaskIdSource();
  readonly #packer: Packer;
  readonly batching: { maxOps: number; maxConcurrent: number };
  readonly #prepared: boolean;
  /** Topics that commits in flight will deliver to this process's waiters with data, with counts. */
  readonly #delivering = new Map<string, number>();

  constructor(opts: PgBackendOptions) {
    this.driver = opts.driver;
    this.schema = opts.schema;
    this.clock = opts.clock;
    this.#sql = statements(opts.schema);
    this.#channel = channelOf(opts.schema);
    this.#listen = opts.listen ?? true;
    this.#prepared = opts.preparedStatements ?? true;
    const driver = opts.driver;
    this.#packer = {
      payload: (v) => pack(driver, v),
      event: (e) => toBytea(driver, encodeEvent(e)),
    };
    this.batching = {
      maxOps: opts.batchOps ?? DEFAULT_BATCH_OPS,
      // PGlite is one connection: batches there only queue behind each other.
      maxConcurrent: opts.concurrentBatches ?? (driver.kind === 'pglite' ? 1 : DEFAULT_CONCURRENT_BATCHES),
    };
  }

  init(): Promise<void> {
    this.#ready ??= (async () => {
      await this.driver.withClient((c) => migrate(c, this.schema));
      if (this.#listen) {
        await this.driver.listen(
          this.#channel,
          (payload) => {
            for (const topic of topicsOf(payload)) {
              // This process is committing a wake-up with data on that topic (a run's closing event)
              // and delivers it itself once the commit returns, whichever arrives first: a bare
              // wake-up now would send its waiters to read what the delivery hands them.
              if (!this.#delivering.has(topic)) this.notifier.emit(topic);
            }
          },
          () => this.notifier.emitAll(),
        );
      }
    })();
    return this.#ready;
  }

  async close(): Promise<void> {
    this.notifier.emitAll();
    await this.driver.close();
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    await this.init();
    for (let attempt = 1; ; attempt++) {
      // Topics this attempt's commit will deliver here with data; LISTEN holds back bare wake-ups
      // on them until the delivery is made (see init).
      let delivering: string[] = [];
      let committed = false;
      try {
        const { result, topics } = await this.driver.withClient(async (c) => {
          const session = this.#prepared ? c.session : undefined;
          const tx = new PgTx(c, this.#sql, this.#packer, this.#ids, this.clock.now(), session);
          try {
            const result = await fn(tx);
            delivering = tx.topics.withPayload();
            this.#announce(delivering, 1);
            await tx.commit(this.#channel);
            committed = true;
            return { result, topics: tx.topics };
          } catch (err) {
            if (tx.begun) {
              tx.rolledBack();
              await c.query(this.#sql.rollback).catch(() => undefined);
            }
            throw err;
          }
        });
        topics.deliver(this.notifier);
        return result;
      } catch (err) {
        const cls = classifyPgError(err);
        if (cls === 'terminal' || attempt >= MAX_ATTEMPTS) throw toStoreError(err, cls, 'store transaction');
        await new Promise((r) => setTimeout(r, 5 * attempt * (1 + Math.random())));
      } finally {
        this.#announce(delivering, -1);
        // Not committed: a notification from another process may have been held back meanwhile.
        if (!committed) for (const topic of delivering) this.notifier.emit(topic);
      }
    }
  }

  #announce(topics: string[], delta: 1 | -1): void {
    for (const t of topics) {
      const n = (this.#delivering.get(t) ?? 0) + delta;
      if (n > 0) this.#delivering.set(t, n);
      else this.#delivering.delete(t);
    }
  }

  async lockClaimable(
    tx: StoreTx,
    kind: 'workflow' | 'activity',
    taskQueue: string,
    now: number,
    max: number,
  ): Promise<TaskRecord[]> {
    const pgTx = tx as PgTx;
    const taken = pgTx.takeClaimed(kind, taskQueue, max);
    if (taken) return taken;
    const rows = await pgTx.q(this.#sql.lockClaimable, [kind, taskQueue, now, max]);
    return rows.map((r) => pgTx.lockedTask(r));
  }

  async lockDue(tx: StoreTx, now: number, max: number): Promise<TaskRecord[]> {
    const pgTx = tx as PgTx;
    const rows = await pgTx.q(this.#sql.lockDue, [now, max]);
    return rows.map((r) => pgTx.lockedTask(r));
  }

  async nextDueTime(): Promise<number | undefined> {
    return this.transaction(async (tx) => {
      const [row] = await (tx as PgTx).q(this.#sql.nextDue);
      const due = row?.due;
      return due === null || due === undefined ? undefined : Number(due);
    });
  }

  async listRuns(filter: ListRunsFilter): Promise<RunPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (cond: string, ...values: unknown[]) => {
      let text = cond;
      for (const v of values) {
        params.push(v);
        text = text.replace('$?', `$${params.length}`);
      }
      where.push(text);
    };
    const c = listRunsConditions;
    if (filter.workflowType !== undefined) add(c.workflowType, filter.workflowType);
    if (filter.status !== undefined) add(c.status, [filter.status].flat());
    if (filter.taskQueue !== undefined) add(c.taskQueue, filter.taskQueue);
    if (filter.workflowId !== undefined) add(c.workflowId, filter.workflowId);
    if (filter.startedAfter !== undefined) add(c.startedAfter, filter.startedAfter);
    if (filter.startedBefore !== undefined) add(c.startedBefore, filter.startedBefore);
    if (filter.blockedOnly) add(c.blockedOnly);
    if (filter.cursor !== undefined) {
      const after = decodeCursor(filter.cursor);
      add(c.cursor, after.startTime, after.runId);
    }
    const limit = filter.limit ?? 100;
    params.push(limit + 1);
    const text =
      this.#sql.listRunsPrefix +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      this.#sql.listRunsTail(params.length);
    return this.transaction(async (tx) => {
      const rows = await (tx as PgTx).qOnce(text, params as SqlValue[]);
      const runs = rows.map(runFromRow);
      const page = runs.slice(0, limit);
      const out: RunPage = { runs: page.map(toRunInfo) };
      const last = page.at(-1);
      if (runs.length > limit && last) out.nextCursor = encodeCursor(last);
      return out;
    });
  }

  deleteClosedBatch(closedBefore: number, batchSize: number): Promise<number> {
    const s = this.#sql;
    return this.transaction(async (tx) => {
      const q = (tx as PgTx).q.bind(tx);
      const rows = await q(s.lockClosedBatch, [closedBefore, batchSize]);
      if (rows.length === 0) return 0;
      const ids = [rows.map((r) => r.workflow_id as string), rows.map((r) => r.run_id as string)];
      for (const stmt of [
        s.deleteBatchEvents,
        s.deleteBatchTasks,
        s.deleteBatchBuffered,
        s.deleteBatchRequests,
      ]) {
        await q(stmt, ids);
      }
      await q(s.deleteBatchRuns, ids);
      return rows.length;
    });
  }
}
