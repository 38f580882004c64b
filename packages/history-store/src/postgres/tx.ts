/**
 * {@link StoreTx} on one Postgres (or PGlite) connection, built for few round trips:
 * - rows the transaction locked or wrote are cached, so the logic reading them again costs nothing;
 *   `prefetch` locks every row an operation (or a batch of them) needs in one round trip;
 * - writes are coalesced in a {@link WriteSet} and travel with the next read, or with NOTIFY and
 *   COMMIT, so a read always sees the transaction's own writes;
 * - BEGIN goes with the first statement. Everything is sent with the simple protocol (values bound
 *   as literals by literal.ts), which is what lets several statements share one round trip; the
 *   statements themselves are prepared once per connection and executed by name (session.ts).
 */
import type { HistoryEvent, NewEvent } from '../events/events.ts';
import { cloneRecord } from '../store/clone.ts';
import {
  type NewTask,
  type PrefetchSpec,
  type RequestRecord,
  type RunRecord,
  type StoreTx,
  type TaskKind,
  type TaskRecord,
  TxTopics,
} from '../store/records.ts';
import type { RunRef } from '../store/types.ts';
import { keyOf, TxCache } from './cache.ts';
import { lockRunsNoWait, takeClaimed } from './claim-locks.ts';
import type { SqlClient } from './driver.ts';
import type { SqlValue } from './literal.ts';
import { notifyPayloads } from './notify.ts';
import { prefetch } from './prefetch.ts';
import { bufferedFromRow, eventFromRow, requestFromRow, runFromRow, taskFromRow } from './rows.ts';
import { RoundTrip, type Session, type Sql } from './session.ts';
import type { Statements } from './sql.ts';
import type { TaskIdSource } from './task-ids.ts';
import { type Packer, WriteSet } from './writes.ts';

type Row = Record<string, unknown>;

const copy = cloneRecord;

/** One transaction's view of the store. */
export class PgTx implements StoreTx {
  readonly now: number;
  readonly topics = new TxTopics();
  readonly #c: SqlClient;
  readonly #sql: Statements;
  readonly #ids: TaskIdSource;
  readonly #w: WriteSet;
  #begun = false;
  /** Whether any write was sent (writes travel with reads, so an empty write set proves nothing). */
  #wrote = false;
  readonly #cache = new TxCache();
  readonly #session: Session | undefined;

  /** Without a `session`, every statement is sent with its values bound into the text (session.ts). */
  constructor(
    client: SqlClient,
    sql: Statements,
    packer: Packer,
    ids: TaskIdSource,
    now: number,
    session: Session | undefined = client.session,
  ) {
    this.#c = client;
    this.#session = session;
    this.#sql = sql;
    this.#ids = ids;
    this.#w = new WriteSet(packer);
    this.now = now;
  }

  /** True once anything was sent (the connection is inside BEGIN). */
  get begun(): boolean {
    return this.#begun;
  }

  /** Runs statements after the pending writes (and BEGIN), in one round trip; their results in order. */
  async read(statements: Sql[]): Promise<Row[][]> {
    const trip = new RoundTrip(this.#session);
    const writes = this.#w.drain(this.#sql).map((w) => trip.text(w));
    if (writes.length > 0) this.#wrote = true;
    const body = statements.map((st) => trip.text(st));
    const head = [...(this.#begun ? [] : ['BEGIN']), ...trip.head(), ...writes];
    this.#begun = true;
    const results = await this.#send(trip, [...head, ...body]);
    return results.slice(head.length);
  }

  /** One statement with parameters, after the pending writes. */
  async q(statement: string, params: SqlValue[] = []): Promise<Row[]> {
    const [rows] = await this.read([{ text: statement, params }]);
    return rows ?? [];
  }

  /** A statement text built for this call only (never prepared), with parameters. */
  async qOnce(statement: string, params: SqlValue[] = []): Promise<Row[]> {
    const [rows] = await this.read([{ text: statement, params, once: true }]);
    return rows ?? [];
  }

  /** The write phase: pending writes, notifications and COMMIT in one round trip. */
  async commit(channel: string): Promise<void> {
    if (!this.#begun && this.#w.empty && this.topics.size === 0) return;
    if (!this.#wrote && this.#w.empty && this.topics.size === 0 && this.#c.enqueue) {
      // Read-only (nothing was ever written, not even with a read): nothing to make durable, so the
      // caller need not wait for the COMMIT's round trip.
      this.#c.enqueue('COMMIT');
      return;
    }
    const trip = new RoundTrip(this.#session);
    const parts = this.#w.drain(this.#sql).map((w) => trip.text(w));
    for (const p of notifyPayloads(this.topics.list()))
      parts.push(trip.text({ text: this.#sql.notify, params: [channel, p] }));
    const head = [...(this.#begun ? [] : ['BEGIN']), ...trip.head()];
    this.#begun = true;
    await this.#send(trip, [...head, ...parts, 'COMMIT']);
  }

  /** The transaction is being rolled back: a setting sent with it is undone, so send it again. */
  rolledBack(): void {
    this.#session?.fail();
  }

  async #send(trip: RoundTrip, parts: string[]): Promise<Row[][]> {
    try {
      const results = await this.#c.simple(parts.join(';\n'));
      trip.settle(true);
      return results;
    } catch (err) {
      trip.settle(false);
      throw err;
    }
  }

  prefetch(spec: PrefetchSpec): Promise<void> {
    return prefetch((stmts) => this.read(stmts), this.#sql, this.#cache, spec, this.now);
  }

  /** Claimable rows of a kind and queue taken ahead by `prefetch` (see claim-locks.ts). */
  takeClaimed(kind: string, taskQueue: string, max: number): TaskRecord[] | undefined {
    return takeClaimed(this.#cache, kind, taskQueue, max, this.now);
  }

  /** Locks runs without waiting for other transactions (see claim-locks.ts). */
  lockRunsNoWait(refs: RunRef[]): Promise<{ missing: Set<string>; busy: Set<string> }> {
    return lockRunsNoWait((stmts) => this.read(stmts), this.#sql, this.#cache, refs);
  }

  async getRun(
    workflowId: string,
    runId: string | undefined,
    forUpdate: boolean,
  ): Promise<RunRecord | undefined> {
    const s = this.#sql;
    if (runId === undefined) {
      const l = this.#cache.latest.get(workflowId);
      if (l && (l.locked || !forUpdate)) return l.key === undefined ? undefined : this.#runCopy(l.key);
      const [row] = await this.q(forUpdate ? s.runLatestForUpdate : s.runLatest, [workflowId]);
      const run = row && runFromRow(row);
      if (run) this.#cache.run(run, forUpdate);
      this.#cache.latest.set(workflowId, { key: run && keyOf(run), locked: forUpdate });
      return run && copy(run);
    }
    const key = keyOf({ workflowId, runId });
    const hit = this.#cache.runs.get(key);
    if (hit && (hit.locked || !forUpdate)) return this.#runCopy(key);
    const [row] = await this.q(forUpdate ? s.runByIdForUpdate : s.runById, [workflowId, runId]);
    const run = row && runFromRow(row);
    if (run) this.#cache.run(run, forUpdate);
    else this.#cache.runs.set(key, { rec: undefined, locked: forUpdate });
    return run && copy(run);
  }

  #runCopy(key: string): RunRecord | undefined {
    const rec = this.#cache.runs.get(key)?.rec;
    return rec && copy(rec);
  }

  // The write set keeps the cache's copy (nothing mutates it) and encodes it only when it is sent.
  async insertRun(run: RunRecord): Promise<void> {
    const key = keyOf(run);
    const snapshot = copy(run);
    this.#cache.runs.set(key, { rec: snapshot, locked: true });
    this.#cache.latest.set(run.workflowId, { key, locked: true });
    if (run.parent) this.#cache.children.get(keyOf(run.parent))?.add(key);
    // A new run has no events yet: its whole history is what this transaction appends.
    this.#cache.events.set(key, { from: 1, events: [] });
    this.#w.insertRun(snapshot);
  }

  async updateRun(run: RunRecord): Promise<void> {
    const key = keyOf(run);
    const snapshot = copy(run);
    this.#cache.runs.set(key, { rec: snapshot, locked: this.#cache.runs.get(key)?.locked ?? false });
    this.#w.updateRun(snapshot);
  }

  async openChildren(parent: RunRef): Promise<RunRecord[]> {
    if (!this.#cache.children.has(keyOf(parent))) await this.prefetch({ children: [parent] });
    const out: RunRecord[] = [];
    for (const k of this.#cache.children.get(keyOf(parent)) ?? []) {
      const rec = this.#cache.runs.get(k)?.rec;
      if (rec?.status === 'running') out.push(copy(rec));
    }
    return out;
  }

  async appendEvents(ref: RunRef, events: HistoryEvent[]): Promise<void> {
    this.#cache.appended(ref, events);
    this.#w.appendEvents(ref, events);
  }

  async readEvents(ref: RunRef, fromEventId: number): Promise<HistoryEvent[]> {
    const cached = this.#cache.history(ref, fromEventId);
    if (cached) return cached;
    const rows = await this.q(this.#sql.readEvents, [ref.workflowId, ref.runId, fromEventId]);
    return rows.map(eventFromRow);
  }

  async readEventsMany(all: { ref: RunRef; fromEventId: number }[]): Promise<HistoryEvent[][]> {
    const hits = all.map((r) => this.#cache.history(r.ref, r.fromEventId));
    const reads = all.filter((_, i) => hits[i] === undefined);
    if (reads.length === 0) return hits as HistoryEvent[][];
    const rows = await this.q(this.#sql.readEventsOfRuns, [
      reads.map((r) => r.ref.workflowId),
      reads.map((r) => r.ref.runId),
      reads.map((r) => r.fromEventId),
    ]);
    const byRun = new Map<string, HistoryEvent[]>();
    for (const row of rows) {
      const k = `${row.workflow_id}\u0000${row.run_id}`;
      const list = byRun.get(k) ?? [];
      byRun.set(k, list);
      list.push(eventFromRow(row));
    }
    return all.map((r, i) => hits[i] ?? byRun.get(keyOf(r.ref)) ?? []);
  }

  async bufferEvents(ref: RunRef, events: NewEvent[]): Promise<void> {
    this.#w.bufferEvents(ref, events);
  }

  async takeBuffered(ref: RunRef): Promise<NewEvent[]> {
    const rows = await this.q(this.#sql.takeBuffered, [ref.workflowId, ref.runId]);
    return rows.sort((a, b) => Number(a.id) - Number(b.id)).map(bufferedFromRow);
  }

  async insertTask(task: NewTask): Promise<string> {
    const taskId = await this.#ids.next((n) => this.q(this.#sql.taskIds, [n]));
    const rec: TaskRecord = copy({ ...task, taskId });
    this.#cache.tasks.set(taskId, { rec, locked: true });
    this.#w.insertTask(rec);
    return taskId;
  }

  async getTask(taskId: string, forUpdate: boolean): Promise<TaskRecord | undefined> {
    if (!/^\d+$/.test(taskId)) return undefined;
    const hit = this.#cache.tasks.get(taskId);
    if (hit && (hit.locked || !forUpdate)) return hit.rec && copy(hit.rec);
    const [row] = await this.q(forUpdate ? this.#sql.taskByIdForUpdate : this.#sql.taskById, [taskId]);
    const task = row && taskFromRow(row);
    if (task) this.#cache.task(task, forUpdate);
    else this.#cache.tasks.set(taskId, { rec: undefined, locked: forUpdate });
    return task && copy(task);
  }

  async findTask(ref: RunRef, kind: TaskKind, refEventId: number): Promise<TaskRecord | undefined> {
    const [row] = await this.q(this.#sql.findTask, [ref.workflowId, ref.runId, kind, refEventId]);
    const task = row && taskFromRow(row);
    if (task) this.#cache.task(task, true);
    return task && copy(task);
  }

  async updateTask(task: TaskRecord): Promise<void> {
    const snapshot = copy(task);
    this.#cache.tasks.set(task.taskId, {
      rec: snapshot,
      locked: this.#cache.tasks.get(task.taskId)?.locked ?? false,
    });
    this.#w.updateTask(snapshot);
  }

  async deleteTask(taskId: string): Promise<void> {
    this.#cache.tasks.set(taskId, { rec: undefined, locked: true });
    this.#w.deleteTask(taskId);
  }

  async deleteRunTasks(ref: RunRef): Promise<void> {
    for (const [id, c] of this.#cache.tasks) {
      if (c.rec?.workflowId === ref.workflowId && c.rec.runId === ref.runId) {
        this.#cache.tasks.set(id, { rec: undefined, locked: true });
      }
    }
    this.#w.deleteRunTasks(ref);
  }

  async insertRequest(req: RequestRecord): Promise<void> {
    this.#cache.requests.get(keyOf(req))?.set(req.requestId, copy(req));
    this.#w.insertRequest(req);
  }

  async getRequest(ref: RunRef, requestId: string): Promise<RequestRecord | undefined> {
    const cached = this.#cache.requests.get(keyOf(ref));
    if (cached) {
      const r = cached.get(requestId);
      return r && copy(r);
    }
    const [row] = await this.q(this.#sql.getRequest, [ref.workflowId, ref.runId, requestId]);
    return row && requestFromRow(row);
  }

  async updateRequest(req: RequestRecord): Promise<void> {
    this.#cache.requests.get(keyOf(req))?.set(req.requestId, copy(req));
    this.#w.updateRequest(req);
  }

  async deleteRequest(ref: RunRef, requestId: string): Promise<void> {
    this.#cache.requests.get(keyOf(ref))?.delete(requestId);
    this.#w.deleteRequest(ref, requestId);
  }

  async listRequests(ref: RunRef, states: RequestRecord['state'][]): Promise<RequestRecord[]> {
    const cached = this.#cache.requests.get(keyOf(ref));
    if (cached) return [...cached.values()].filter((r) => states.includes(r.state)).map(copy);
    const rows = await this.q(this.#sql.listRequests, [ref.workflowId, ref.runId, states]);
    return rows.map(requestFromRow);
  }

  /** Decodes a task row the backend read (claims, due rows) and caches it as locked. */
  lockedTask(row: Row): TaskRecord {
    const task = taskFromRow(row);
    this.#cache.task(task, true);
    return copy(task);
  }
}
