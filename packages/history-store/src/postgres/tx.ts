/** {@link StoreTx} on one Postgres (or PGlite) connection inside BEGIN … COMMIT. */
import type { HistoryEvent, NewEvent } from '../events/events.ts';
import type { NewTask, RequestRecord, RunRecord, StoreTx, TaskKind, TaskRecord } from '../store/records.ts';
import type { RunRef } from '../store/types.ts';
import type { SqlClient, SqlDriver } from './driver.ts';
import {
  bufferedFromRow,
  eventFromRow,
  eventParams,
  pack,
  requestFromRow,
  runFromRow,
  runParams,
  runUpdateParams,
  taskFromRow,
  taskInsertParams,
  taskUpdateParams,
} from './rows.ts';
import { type Statements, valuesList } from './sql.ts';

/** One transaction's view of the store. */
export class PgTx implements StoreTx {
  readonly now: number;
  readonly topics = new Set<string>();
  readonly #c: SqlClient;
  readonly #sql: Statements;
  readonly #d: SqlDriver;

  constructor(client: SqlClient, sql: Statements, driver: SqlDriver, now: number) {
    this.#c = client;
    this.#sql = sql;
    this.#d = driver;
    this.now = now;
  }

  /** Runs a statement on the transaction's connection. */
  q(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
    return this.#c.query(text, params);
  }

  async getRun(
    workflowId: string,
    runId: string | undefined,
    forUpdate: boolean,
  ): Promise<RunRecord | undefined> {
    const s = this.#sql;
    const { rows } =
      runId === undefined
        ? await this.q(forUpdate ? s.runLatestForUpdate : s.runLatest, [workflowId])
        : await this.q(forUpdate ? s.runByIdForUpdate : s.runById, [workflowId, runId]);
    return rows[0] && runFromRow(rows[0]);
  }

  async insertRun(run: RunRecord): Promise<void> {
    await this.q(this.#sql.insertRun, runParams(this.#d, run));
  }

  async updateRun(run: RunRecord): Promise<void> {
    await this.q(this.#sql.updateRun, runUpdateParams(this.#d, run));
  }

  async openChildren(parent: RunRef): Promise<RunRecord[]> {
    const { rows } = await this.q(this.#sql.openChildren, [parent.workflowId, parent.runId]);
    return rows.map(runFromRow);
  }

  async appendEvents(ref: RunRef, events: HistoryEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.q(
      this.#sql.insertEventsPrefix + valuesList(events.length, 6),
      eventParams(this.#d, ref, events),
    );
  }

  async readEvents(ref: RunRef, fromEventId: number): Promise<HistoryEvent[]> {
    const { rows } = await this.q(this.#sql.readEvents, [ref.workflowId, ref.runId, fromEventId]);
    return rows.map(eventFromRow);
  }

  async bufferEvents(ref: RunRef, events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const params = events.flatMap((e) => [ref.workflowId, ref.runId, pack(this.#d, e)]);
    await this.q(this.#sql.insertBufferedPrefix + valuesList(events.length, 3), params);
  }

  async takeBuffered(ref: RunRef): Promise<NewEvent[]> {
    const { rows } = await this.q(this.#sql.takeBuffered, [ref.workflowId, ref.runId]);
    return rows.sort((a, b) => Number(a.id) - Number(b.id)).map(bufferedFromRow);
  }

  async insertTask(task: NewTask): Promise<string> {
    const { rows } = await this.q(this.#sql.insertTask, taskInsertParams(this.#d, task));
    return String(rows[0]!.task_id);
  }

  async getTask(taskId: string, forUpdate: boolean): Promise<TaskRecord | undefined> {
    if (!/^\d+$/.test(taskId)) return undefined;
    const { rows } = await this.q(forUpdate ? this.#sql.taskByIdForUpdate : this.#sql.taskById, [taskId]);
    return rows[0] && taskFromRow(rows[0]);
  }

  async findTask(ref: RunRef, kind: TaskKind, refEventId: number): Promise<TaskRecord | undefined> {
    const { rows } = await this.q(this.#sql.findTask, [ref.workflowId, ref.runId, kind, refEventId]);
    return rows[0] && taskFromRow(rows[0]);
  }

  async updateTask(task: TaskRecord): Promise<void> {
    await this.q(this.#sql.updateTask, taskUpdateParams(this.#d, task));
  }

  async deleteTask(taskId: string): Promise<void> {
    await this.q(this.#sql.deleteTask, [taskId]);
  }

  async deleteRunTasks(ref: RunRef): Promise<void> {
    await this.q(this.#sql.deleteRunTasks, [ref.workflowId, ref.runId]);
  }

  async insertRequest(req: RequestRecord): Promise<void> {
    await this.q(this.#sql.insertRequest, [
      req.workflowId,
      req.runId,
      req.requestId,
      req.kind,
      req.state,
      pack(this.#d, req),
    ]);
  }

  async getRequest(ref: RunRef, requestId: string): Promise<RequestRecord | undefined> {
    const { rows } = await this.q(this.#sql.getRequest, [ref.workflowId, ref.runId, requestId]);
    return rows[0] && requestFromRow(rows[0]);
  }

  async updateRequest(req: RequestRecord): Promise<void> {
    await this.q(this.#sql.updateRequest, [
      req.workflowId,
      req.runId,
      req.requestId,
      req.state,
      pack(this.#d, req),
    ]);
  }

  async deleteRequest(ref: RunRef, requestId: string): Promise<void> {
    await this.q(this.#sql.deleteRequest, [ref.workflowId, ref.runId, requestId]);
  }

  async listRequests(ref: RunRef, states: RequestRecord['state'][]): Promise<RequestRecord[]> {
    const { rows } = await this.q(this.#sql.listRequests, [ref.workflowId, ref.runId, states]);
    return rows.map(requestFromRow);
  }

  notify(topic: string): void {
    this.topics.add(topic);
  }
}
