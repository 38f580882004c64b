/**
 * The write phase of a Postgres transaction: writes are collected and coalesced in memory, then sent
 * as at most one statement per table and kind (multi-row, through `unnest`), in the same round trip
 * as the next read or the COMMIT. Coalescing keeps the effect of running the writes one by one:
 * - runs and tasks are written whole, so the last write of a row wins; a row inserted in this window
 *   and updated later is inserted with its final value, and one inserted and deleted is never sent;
 * - deletes go first. A `deleteRunTasks` drops the run's pending task writes when it is called, so
 *   the rows it must remove are exactly those already in the database; tasks inserted after it are
 *   inserted after the DELETE and survive, as they would have.
 * Events and buffered events are only ever inserted, in order.
 */
import type { HistoryEvent, NewEvent } from '../events/events.ts';
import type { RequestRecord, RunRecord, TaskRecord } from '../store/records.ts';
import type { RunRef } from '../store/types.ts';
import type { SqlValue } from './literal.ts';
import type { Sql } from './session.ts';
import type { Statements } from './sql.ts';

const runKey = (r: RunRef) => `${r.workflowId}\u0000${r.runId}`;
const reqKey = (r: RunRef & { requestId: string }) => `${runKey(r)}\u0000${r.requestId}`;

/**
 * A pending row write. Runs and tasks are encoded when they are sent, not when they are written: a
 * transaction often writes the same run or task several times and only the last version is sent, so
 * encoding each version would mostly be thrown away. The records given must therefore not change
 * afterwards (PgTx passes the copies its cache keeps, which nothing mutates).
 */
type Pending = { op: 'insert' | 'update'; workflowId: string; runId: string; cols: () => SqlValue[] };

/** Encodes values for `bytea` on the transaction's driver. */
export type Packer = { payload(v: unknown): Uint8Array; event(e: HistoryEvent): Uint8Array };

/** Writes of one transaction not yet sent. */
export class WriteSet {
  readonly #p: Packer;
  readonly #runs = new Map<string, Pending>();
  #events: SqlValue[][] = [];
  #buffered: SqlValue[][] = [];
  readonly #tasks = new Map<string, Pending>();
  readonly #deletedTasks = new Set<string>();
  readonly #deletedRunTasks = new Map<string, RunRef>();
  readonly #requests = new Map<string, Pending>();
  readonly #deletedRequests = new Map<string, SqlValue[]>();

  constructor(packer: Packer) {
    this.#p = packer;
  }

  get empty(): boolean {
    return (
      this.#runs.size === 0 &&
      this.#events.length === 0 &&
      this.#buffered.length === 0 &&
      this.#tasks.size === 0 &&
      this.#deletedTasks.size === 0 &&
      this.#deletedRunTasks.size === 0 &&
      this.#requests.size === 0 &&
      this.#deletedRequests.size === 0
    );
  }

  insertRun(r: RunRecord): void {
    this.#runs.set(runKey(r), {
      op: 'insert',
      workflowId: r.workflowId,
      runId: r.runId,
      cols: () => [
        r.workflowId,
        r.runId,
        r.workflowType,
        r.taskQueue,
        r.status,
        r.startTime,
        r.closeTime ?? null,
        r.nextEventId,
        r.blocked !== undefined,
        r.parent?.workflowId ?? null,
        r.parent?.runId ?? null,
        this.#p.payload(r),
      ],
    });
  }

  updateRun(r: RunRecord): void {
    const prev = this.#runs.get(runKey(r));
    if (prev?.op === 'insert') {
      this.insertRun(r);
      return;
    }
    this.#runs.set(runKey(r), {
      op: 'update',
      workflowId: r.workflowId,
      runId: r.runId,
      cols: () => [
        r.workflowId,
        r.runId,
        r.status,
        r.closeTime ?? null,
        r.nextEventId,
        r.blocked !== undefined,
        this.#p.payload(r),
      ],
    });
  }

  appendEvents(ref: RunRef, events: HistoryEvent[]): void {
    for (const e of events) {
      this.#events.push([ref.workflowId, ref.runId, e.eventId, e.eventType, e.eventTime, this.#p.event(e)]);
    }
  }

  bufferEvents(ref: RunRef, events: NewEvent[]): void {
    for (const e of events) this.#buffered.push([ref.workflowId, ref.runId, this.#p.payload(e)]);
  }

  insertTask(t: TaskRecord): void {
    this.#tasks.set(t.taskId, {
      op: 'insert',
      workflowId: t.workflowId,
      runId: t.runId,
      cols: () => taskCols(t, this.#p),
    });
  }

  updateTask(t: TaskRecord): void {
    if (this.#tasks.get(t.taskId)?.op === 'insert') {
      this.insertTask(t);
      return;
    }
    this.#tasks.set(t.taskId, {
      op: 'update',
      workflowId: t.workflowId,
      runId: t.runId,
      cols: () => taskCols(t, this.#p),
    });
  }

  deleteTask(taskId: string): void {
    const prev = this.#tasks.get(taskId);
    this.#tasks.delete(taskId);
    if (prev?.op !== 'insert') this.#deletedTasks.add(taskId);
  }

  deleteRunTasks(ref: RunRef): void {
    for (const [id, p] of this.#tasks) {
      if (p.workflowId === ref.workflowId && p.runId === ref.runId) this.#tasks.delete(id);
    }
    this.#deletedRunTasks.set(runKey(ref), ref);
  }

  insertRequest(r: RequestRecord): void {
    // Requests are rare: encoded at once, so the caller's record may change afterwards.
    const cols = [r.workflowId, r.runId, r.requestId, r.kind, r.state, this.#p.payload(r)];
    this.#requests.set(reqKey(r), {
      op: 'insert',
      workflowId: r.workflowId,
      runId: r.runId,
      cols: () => cols,
    });
  }

  updateRequest(r: RequestRecord): void {
    if (this.#requests.get(reqKey(r))?.op === 'insert') {
      this.insertRequest(r);
      return;
    }
    const cols = [r.workflowId, r.runId, r.requestId, r.state, this.#p.payload(r)];
    this.#requests.set(reqKey(r), {
      op: 'update',
      workflowId: r.workflowId,
      runId: r.runId,
      cols: () => cols,
    });
  }

  deleteRequest(ref: RunRef, requestId: string): void {
    const key = reqKey({ ...ref, requestId });
    const prev = this.#requests.get(key);
    this.#requests.delete(key);
    if (prev?.op !== 'insert') this.#deletedRequests.set(key, [ref.workflowId, ref.runId, requestId]);
  }

  /** The pending writes as statements, in the order that keeps their meaning; empties the set. */
  drain(sql: Statements): Sql[] {
    const out: Sql[] = [];
    // Multi-row writes take one array per column (`unnest`), so each is one fixed statement.
    const add = (stmt: string, rows: SqlValue[][]) => {
      if (rows.length > 0) out.push({ text: stmt, params: columnsOf(rows) });
    };
    const rows = (m: Map<string, Pending>, op: Pending['op']) =>
      [...m.values()].filter((p) => p.op === op).map((p) => p.cols());
    // A lone row uses the single-row statement, whose plan is a plain index lookup.
    const oneOrMany = (single: string, many: string, rows: SqlValue[][]) => {
      if (rows.length === 1) out.push({ text: single, params: rows[0]! });
      else add(many, rows);
    };

    add(
      sql.writeDeleteRunTasks,
      [...this.#deletedRunTasks.values()].map((r) => [r.workflowId, r.runId]),
    );
    add(
      sql.writeDeleteTasks,
      [...this.#deletedTasks].map((id) => [id]),
    );
    add(sql.writeDeleteRequests, [...this.#deletedRequests.values()]);
    // Updates first: a run closed by continue-as-new must leave `runs_one_running` before its
    // successor is inserted.
    oneOrMany(sql.updateRun, sql.writeUpdateRuns, rows(this.#runs, 'update'));
    oneOrMany(sql.insertRun, sql.writeInsertRuns, rows(this.#runs, 'insert'));
    add(sql.writeInsertEvents, this.#events);
    add(sql.writeInsertBuffered, this.#buffered);
    add(sql.writeInsertTasks, rows(this.#tasks, 'insert'));
    oneOrMany(
      sql.updateTask,
      sql.writeUpdateTasks,
      rows(this.#tasks, 'update').map((c) => [c[0]!, ...c.slice(5)]),
    );
    add(sql.writeInsertRequests, rows(this.#requests, 'insert'));
    add(sql.writeUpdateRequests, rows(this.#requests, 'update'));

    this.#runs.clear();
    this.#events = [];
    this.#buffered = [];
    this.#tasks.clear();
    this.#deletedTasks.clear();
    this.#deletedRunTasks.clear();
    this.#requests.clear();
    this.#deletedRequests.clear();
    return out;
  }
}

/** Row-major to column-major: `unnest` takes one array per column. */
function columnsOf(rows: SqlValue[][]): SqlValue[][] {
  return rows[0]!.map((_, c) => rows.map((r) => r[c]!));
}

/** A task row's columns in insert order (id, kind, queue, workflow, run, then the mutable ones). */
function taskCols(t: TaskRecord, p: Packer): SqlValue[] {
  return [
    t.taskId,
    t.kind,
    t.taskQueue,
    t.workflowId,
    t.runId,
    t.visibleAt ?? null,
    t.deadlineAt ?? null,
    t.lease?.owner ?? null,
    t.lease?.token ?? null,
    t.lease?.expiresAt ?? null,
    t.attempt,
    t.refEventId,
    p.payload(t.data),
  ];
}
