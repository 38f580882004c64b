/**
 * Rows to records. Records are stored whole as msgpack in `data`; the other columns are indexed copies,
 * written from the records by writes.ts.
 */
import { decodeEvent, decodePayload, encodePayload } from '../codec/index.ts';
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

export function requestFromRow(row: Row): RequestRecord {
  return decodePayload(bytes(row.data), 'request') as RequestRecord;
}
