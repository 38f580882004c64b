/**
 * In-memory backend: the same run-state logic as Postgres over plain maps. Transactions run one at a
 * time and roll back through an undo log, so a failing operation leaves nothing behind.
 */
import type { HistoryEvent, NewEvent } from '../events/events.ts';
import type { StoreBackend } from '../store/backend.ts';
import { cloneRecord } from '../store/clone.ts';
import { Notifier } from '../store/notifier.ts';
import {
  type NewTask,
  type RequestRecord,
  type RunRecord,
  type StoreTx,
  type TaskKind,
  type TaskRecord,
  TxTopics,
} from '../store/records.ts';
import { decodeCursor, encodeCursor, toRunInfo } from '../store/run-info.ts';
import type { Clock, ListRunsFilter, RunPage, RunRef } from '../store/types.ts';

const key = (ref: RunRef) => `${ref.workflowId}\u0000${ref.runId}`;
const copy = cloneRecord;

interface Tables {
  runs: Map<string, RunRecord>;
  /** Run keys per workflow id, oldest first. */
  byWorkflow: Map<string, string[]>;
  events: Map<string, HistoryEvent[]>;
  buffered: Map<string, NewEvent[]>;
  tasks: Map<string, TaskRecord>;
  requests: Map<string, Map<string, RequestRecord>>;
}

/** The memory backend. Not shared across processes; data lives as long as the object. */
export class MemoryBackend implements StoreBackend {
  readonly clock: Clock;
  readonly notifier = new Notifier();
  readonly #t: Tables = {
    runs: new Map(),
    byWorkflow: new Map(),
    events: new Map(),
    buffered: new Map(),
    tasks: new Map(),
    requests: new Map(),
  };
  #nextTaskId = 1;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  async init(): Promise<void> {}

  async close(): Promise<void> {
    this.#closed = true;
    this.notifier.emitAll();
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#closed) throw new Error('the memory store is closed');
      const tx = new MemoryTx(this.#t, this.clock.now(), () => String(this.#nextTaskId++));
      try {
        const result = await fn(tx);
        tx.topics.deliver(this.notifier);
        return copy(result);
      } catch (err) {
        tx.rollback();
        throw err;
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async lockClaimable(
    _tx: StoreTx,
    kind: 'workflow' | 'activity',
    taskQueue: string,
    now: number,
    max: number,
  ): Promise<TaskRecord[]> {
    const rows = [...this.#t.tasks.values()]
      .filter(
        (t) =>
          t.kind === kind &&
          t.taskQueue === taskQueue &&
          t.visibleAt !== undefined &&
          t.visibleAt <= now &&
          (kind === 'workflow' || t.deadlineAt === undefined || t.deadlineAt > now),
      )
      .sort((a, b) => a.visibleAt! - b.visibleAt! || Number(a.taskId) - Number(b.taskId));
    return copy(rows.slice(0, max));
  }

  async lockDue(_tx: StoreTx, now: number, max: number): Promise<TaskRecord[]> {
    const rows = [...this.#t.tasks.values()]
      .filter((t) => t.deadlineAt !== undefined && t.deadlineAt <= now)
      .sort((a, b) => a.deadlineAt! - b.deadlineAt!);
    return copy(rows.slice(0, max));
  }

  async nextDueTime(): Promise<number | undefined> {
    let min: number | undefined;
    for (const t of this.#t.tasks.values()) {
      if (t.deadlineAt !== undefined && (min === undefined || t.deadlineAt < min)) min = t.deadlineAt;
    }
    return min;
  }

  async listRuns(filter: ListRunsFilter): Promise<RunPage> {
    const statuses = filter.status === undefined ? undefined : [filter.status].flat();
    const after = filter.cursor !== undefined ? decodeCursor(filter.cursor) : undefined;
    const limit = filter.limit ?? 100;
    const runs = [...this.#t.runs.values()]
      .filter(
        (r) =>
          (filter.workflowType === undefined || r.workflowType === filter.workflowType) &&
          (statuses === undefined || statuses.includes(r.status)) &&
          (filter.taskQueue === undefined || r.taskQueue === filter.taskQueue) &&
          (filter.workflowId === undefined || r.workflowId === filter.workflowId) &&
          (filter.startedAfter === undefined || r.startTime >= filter.startedAfter) &&
          (filter.startedBefore === undefined || r.startTime < filter.startedBefore) &&
          (!filter.blockedOnly || r.blocked !== undefined),
      )
      .sort((a, b) => b.startTime - a.startTime || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0))
      .filter(
        (r) =>
          !after ||
          r.startTime < after.startTime ||
          (r.startTime === after.startTime && r.runId < after.runId),
      );
    const page = runs.slice(0, limit);
    const out: RunPage = { runs: page.map(toRunInfo) };
    const last = page.at(-1);
    if (runs.length > limit && last) out.nextCursor = encodeCursor(last);
    return out;
  }

  async deleteClosedBatch(closedBefore: number, batchSize: number): Promise<number> {
    return this.transaction(async () => {
      const doomed = [...this.#t.runs.entries()]
        .filter(([, r]) => r.status !== 'running' && r.closeTime !== undefined && r.closeTime < closedBefore)
        .slice(0, batchSize);
      for (const [k, r] of doomed) {
        this.#t.runs.delete(k);
        this.#t.events.delete(k);
        this.#t.buffered.delete(k);
        this.#t.requests.delete(k);
        const list = this.#t.byWorkflow.get(r.workflowId)?.filter((x) => x !== k) ?? [];
        if (list.length > 0) this.#t.byWorkflow.set(r.workflowId, list);
        else this.#t.byWorkflow.delete(r.workflowId);
        for (const [id, t] of this.#t.tasks) if (key(t) === k) this.#t.tasks.delete(id);
      }
      return doomed.length;
    });
  }
}

/** One memory transaction: every write records how to undo it. */
class MemoryTx implements StoreTx {
  readonly now: number;
  readonly topics = new TxTopics();
  readonly #t: Tables;
  readonly #undo: (() => void)[] = [];
  readonly #newTaskId: () => string;

  constructor(tables: Tables, now: number, newTaskId: () => string) {
    this.#t = tables;
    this.now = now;
    this.#newTaskId = newTaskId;
  }

  rollback(): void {
    for (let i = this.#undo.length - 1; i >= 0; i--) this.#undo[i]!();
  }

  #set<K, V>(map: Map<K, V>, k: K, v: V | undefined): void {
    const had = map.has(k);
    const old = map.get(k);
    if (v === undefined) map.delete(k);
    else map.set(k, v);
    this.#undo.push(() => (had ? map.set(k, old as V) : map.delete(k)));
  }

  async getRun(workflowId: string, runId: string | undefined): Promise<RunRecord | undefined> {
    const k = runId !== undefined ? key({ workflowId, runId }) : this.#t.byWorkflow.get(workflowId)?.at(-1);
    const run = k === undefined ? undefined : this.#t.runs.get(k);
    return run && copy(run);
  }

  async insertRun(run: RunRecord): Promise<void> {
    const k = key(run);
    if (this.#t.runs.has(k)) throw new Error(`run ${run.workflowId}/${run.runId} already exists`);
    this.#set(this.#t.runs, k, copy(run));
    this.#set(this.#t.byWorkflow, run.workflowId, [...(this.#t.byWorkflow.get(run.workflowId) ?? []), k]);
  }

  async updateRun(run: RunRecord): Promise<void> {
    this.#set(this.#t.runs, key(run), copy(run));
  }

  async openChildren(parent: RunRef): Promise<RunRecord[]> {
    return [...this.#t.runs.values()]
      .filter(
        (r) =>
          r.status === 'running' &&
          r.parent?.workflowId === parent.workflowId &&
          r.parent.runId === parent.runId,
      )
      .map(copy);
  }

  async appendEvents(ref: RunRef, events: HistoryEvent[]): Promise<void> {
    const k = key(ref);
    this.#set(this.#t.events, k, [...(this.#t.events.get(k) ?? []), ...copy(events)]);
  }

  async readEvents(ref: RunRef, fromEventId: number): Promise<HistoryEvent[]> {
    return copy((this.#t.events.get(key(ref)) ?? []).slice(Math.max(0, fromEventId - 1)));
  }

  async bufferEvents(ref: RunRef, events: NewEvent[]): Promise<void> {
    const k = key(ref);
    this.#set(this.#t.buffered, k, [...(this.#t.buffered.get(k) ?? []), ...copy(events)]);
  }

  async takeBuffered(ref: RunRef): Promise<NewEvent[]> {
    const k = key(ref);
    const events = this.#t.buffered.get(k) ?? [];
    this.#set(this.#t.buffered, k, undefined);
    return copy(events);
  }

  async insertTask(task: NewTask): Promise<string> {
    const taskId = this.#newTaskId();
    this.#set(this.#t.tasks, taskId, copy({ ...task, taskId }));
    return taskId;
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    const t = this.#t.tasks.get(taskId);
    return t && copy(t);
  }

  async findTask(ref: RunRef, kind: TaskKind, refEventId: number): Promise<TaskRecord | undefined> {
    const k = key(ref);
    for (const t of this.#t.tasks.values()) {
      if (t.kind === kind && t.refEventId === refEventId && key(t) === k) return copy(t);
    }
    return undefined;
  }

  async updateTask(task: TaskRecord): Promise<void> {
    if (!this.#t.tasks.has(task.taskId)) return;
    this.#set(this.#t.tasks, task.taskId, copy(task));
  }

  async deleteTask(taskId: string): Promise<void> {
    this.#set(this.#t.tasks, taskId, undefined);
  }

  async deleteRunTasks(ref: RunRef): Promise<void> {
    const k = key(ref);
    for (const [id, t] of [...this.#t.tasks]) if (key(t) === k) this.#set(this.#t.tasks, id, undefined);
  }

  #requests(ref: RunRef): Map<string, RequestRecord> {
    const k = key(ref);
    let m = this.#t.requests.get(k);
    if (!m) {
      m = new Map();
      this.#set(this.#t.requests, k, m);
    }
    return m;
  }

  async insertRequest(req: RequestRecord): Promise<void> {
    this.#set(this.#requests(req), req.requestId, copy(req));
  }

  async getRequest(ref: RunRef, requestId: string): Promise<RequestRecord | undefined> {
    const r = this.#t.requests.get(key(ref))?.get(requestId);
    return r && copy(r);
  }

  async updateRequest(req: RequestRecord): Promise<void> {
    this.#set(this.#requests(req), req.requestId, copy(req));
  }

  async deleteRequest(ref: RunRef, requestId: string): Promise<void> {
    this.#set(this.#requests(ref), requestId, undefined);
  }

  async listRequests(ref: RunRef, states: RequestRecord['state'][]): Promise<RequestRecord[]> {
    return [...(this.#t.requests.get(key(ref))?.values() ?? [])]
      .filter((r) => states.includes(r.state))
      .map(copy);
  }
}
