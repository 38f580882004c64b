/**
 * Replay outcomes as plain data, so worker-thread lanes can send them back, and the errors rebuilt
 * on this side with their own classes (a NondeterminismError stays one, with all its details).
 */
import { closingEventTypes, type HistoryEvent } from '@reprise/history-store';
import {
  HistoryError,
  isNondeterminismError,
  type NondeterminismDetails,
  NondeterminismError,
  type ReplayResult,
  WorkflowTaskFailedError,
} from '@reprise/runtime';
import type { GateHistoryResult, GateStatus } from './types.ts';

/** An error as plain data. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  /** A NondeterminismError's details. */
  details?: NondeterminismDetails;
  eventId?: number;
  /** A WorkflowTaskFailedError's failure and task. */
  failure?: WorkflowTaskFailedError['failure'];
  startedEventId?: number;
}

/** One history's outcome as plain data. */
export interface WireResult {
  index: number;
  ok: boolean;
  workflowId: string;
  runId: string;
  workflowType: string;
  eventCount: number;
  durationMs: number;
  open: boolean;
  error?: WireError;
}

/** How an error classifies a history. */
export function statusOf(error: unknown): GateStatus {
  if (isNondeterminismError(error)) return 'nondeterminism';
  const code = (error as { code?: unknown })?.code;
  return code === 'INVALID_HISTORY' || code === 'INVALID_HISTORY_FILE' ? 'invalid' : 'failed';
}

/** True when the history ends with a closing event. */
export function isOpen(events: readonly HistoryEvent[]): boolean {
  const last = events.at(-1);
  return last === undefined || !closingEventTypes.has(last.eventType);
}

/** A replay result as plain data. */
export function toWire(
  index: number,
  r: ReplayResult,
  events: readonly HistoryEvent[],
  durationMs: number,
): WireResult {
  const out: WireResult = {
    index,
    ok: r.ok,
    workflowId: r.workflowId,
    runId: r.runId,
    workflowType: r.workflowType,
    eventCount: events.length,
    durationMs,
    open: isOpen(events),
  };
  if (!r.ok) out.error = errorToWire(r.error);
  return out;
}

function errorToWire(err: Error): WireError {
  const e = err as Error & Partial<WorkflowTaskFailedError> & { code?: string; eventId?: number };
  const out: WireError = { name: err.name, message: err.message };
  if (typeof e.code === 'string') out.code = e.code;
  if (isNondeterminismError(err)) out.details = err.details;
  if (typeof e.eventId === 'number') out.eventId = e.eventId;
  if (e.failure !== undefined) out.failure = e.failure;
  if (typeof e.workflowTaskStartedEventId === 'number') out.startedEventId = e.workflowTaskStartedEventId;
  return out;
}

/** Rebuilds an error sent by a lane, with its class where the gate reports on it. */
export function errorFromWire(w: WireError): Error {
  let err: Error;
  if (w.code === 'NONDETERMINISM' && w.details) return new NondeterminismError(w.details);
  if (w.code === 'INVALID_HISTORY') err = new HistoryError(w.message, w.eventId);
  else if (w.code === 'WORKFLOW_TASK_FAILED' && w.failure && w.startedEventId !== undefined)
    err = new WorkflowTaskFailedError('', w.startedEventId, w.failure);
  else {
    err = new Error(w.message);
    err.name = w.name;
    if (w.code !== undefined) Object.assign(err, { code: w.code });
  }
  // The constructors above format their own messages; keep the lane's text exactly.
  err.message = w.message;
  return err;
}

/** A gate result from a lane's plain result. */
export function fromWire(w: WireResult, source: string): GateHistoryResult {
  const out: GateHistoryResult = {
    source,
    workflowId: w.workflowId,
    runId: w.runId,
    workflowType: w.workflowType,
    status: 'ok',
    ok: w.ok,
    eventCount: w.eventCount,
    durationMs: w.durationMs,
    open: w.open,
  };
  if (w.error) {
    out.error = errorFromWire(w.error);
    out.status = statusOf(out.error);
  }
  return out;
}
