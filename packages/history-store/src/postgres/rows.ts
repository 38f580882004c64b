/** Row ⇄ record mapping. Records are stored whole as msgpack in `data`; columns are indexed copies. */
import { decodeEvent, decodePayload, encodeEvent, encodePayload } from '../codec/index.ts';
import type { HistoryEvent, NewEvent } from '../events/events.ts';
import type { RequestRecord, RunRecord, TaskKind, TaskRecord } from '../store/records.ts';
import { type SqlDriver, toBytea } from './driver.ts';

type Row = Record<string, unknown>;

const bytes = (v: unknown) => v as Uint8Array;
const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

/** Encodes any record for a `bytea` column. */
export function pack(driver: SqlDriver, value: unknown): Uint8Array {
  return toBytea(driver, encodePayload(value));
}

export function runFromRow(row: Row): RunRecord {
  return decodePayload(bytes(row.data), 'run') as RunRecord;
}

export function runParams(driver: SqlDriver, run: RunRecord): unknown[] {
  return [
    run.workflowId,
    run.runId,
    run.workflowType,
    run.taskQueue,
    run.status,
    run.startTime,
    run.closeTime ?? null,
    run.nextEventId,
    run.blocked !== undefined,
    run.parent?.workflowId ?? null,
    run.parent?.runId ?? null,
    pack(driver, run),
  ];
}

export function runUpdateParams(driver: SqlDriver, run: RunRecord): unknown[] {
  return [
    run.workflowId,
    run.runId,
    run.status,
    run.closeTime ?? null,
    run.nextEventId,
    run.blocked !== undefined,
    pack(driver, run),
  ];
}

export function eventParams(
  driver: SqlDriver,
  ref: { workflowId: string; runId: string },
  events: HistoryEvent[],
) {
  return events.flatMap((e) => [
    ref.workflowId,
    ref.runId,
    e.eventId,
    e.eventType,
    e.eventTime,
    toBytea(driver, encodeEvent(e)),
  ]);
}

export function eventFromRow(row: Row): HistoryEvent {
  return decodeEvent(bytes(row.data));
}

export function bufferedFromRow(row: Row): NewEvent {
  return decodePayload(bytes(row.data), 'buffered event') as NewEvent;
}

export function taskFromRow(row: Row): TaskRecord {
  const task: TaskRecord = {
    taskId: String(row.task_id),
    kind: row.kind as TaskKind,
    taskQueue: row.task_queue as string,
    workflowId: row.workflow_id as string,
    runId: row.run_id as string,
    attempt: Number(row.attempt),
    refEventId: Number(row.ref_event_id),
    data: decodePayload(bytes(row.data), 'task') as TaskRecord['data'],
  };
  const visibleAt = num(row.visible_at);
  const deadlineAt = num(row.deadline_at);
  if (visibleAt !== undefined) task.visibleAt = visibleAt;
  if (deadlineAt !== undefined) task.deadlineAt = deadlineAt;
  if (row.lease_token !== null && row.lease_token !== undefined) {
    task.lease = {
      owner: row.lease_owner as string,
      token: row.lease_token as string,
      expiresAt: Number(row.lease_expires_at),
    };
  }
  return task;
}

export function taskInsertParams(driver: SqlDriver, t: Omit<TaskRecord, 'taskId'>): unknown[] {
  return [
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
    pack(driver, t.data),
  ];
}

export function taskUpdateParams(driver: SqlDriver, t: TaskRecord): unknown[] {
  return [
    t.taskId,
    t.visibleAt ?? null,
    t.deadlineAt ?? null,
    t.lease?.owner ?? null,
    t.lease?.token ?? null,
    t.lease?.expiresAt ?? null,
    t.attempt,
    t.refEventId,
    pack(driver, t.data),
  ];
}

export function requestFromRow(row: Row): RequestRecord {
  return decodePayload(bytes(row.data), 'request') as RequestRecord;
}
