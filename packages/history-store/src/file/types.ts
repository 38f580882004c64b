/**
 * The in-memory shape of a history file: a header that says what run the events belong to, and the
 * events. See docs/history-format.md for the file layouts.
 */
import type { EventOf, HistoryEvent } from '../events/events.ts';

/** The `format` field of every history file. */
export const HISTORY_FORMAT = 'reprise-history';
/** The history file format version this code writes, and the newest it reads. */
export const HISTORY_FORMAT_VERSION = 1;

/** What a history file says about the run its events belong to. */
export interface HistoryHeader {
  format: typeof HISTORY_FORMAT;
  formatVersion: number;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  /** Build id of the workflow code that produced the history, when known. */
  buildId?: string;
  /** ISO 8601 time the history was exported. Absent on histories loaded from a bare `{ events }` file. */
  exportedAt?: string;
  /** Fields written by a newer Reprise or another tool; kept as they are. */
  [extra: string]: unknown;
}

/** One run's history: a header and its events, ids dense from 1. */
export interface History {
  header: HistoryHeader;
  events: HistoryEvent[];
}

/** A history read from disk, with where it came from (for messages and reports). */
export interface LoadedHistory extends History {
  /** The file it was read from. */
  source: string;
  /** 1-based line, for histories read from a JSONL file. */
  line?: number;
}

/** Options for {@link historyFromEvents}. */
export interface HistoryFromEventsOptions {
  /** The run the events belong to; `WorkflowExecutionStarted` does not carry it. */
  runId: string;
  buildId?: string;
  /** Defaults to now. */
  exportedAt?: Date | string;
}

/**
 * Wraps events read from a store in a {@link History} with a header taken from the first event.
 * @throws TypeError when the first event is not `WorkflowExecutionStarted`.
 * @example
 * const history = historyFromEvents(await store.readHistory(id, runId), { runId, buildId });
 * await writeHistoryFile('fixtures/histories/order/happy.json', history);
 */
export function historyFromEvents(events: HistoryEvent[], options: HistoryFromEventsOptions): History {
  const first = events[0];
  if (first?.eventType !== 'WorkflowExecutionStarted') {
    throw new TypeError('historyFromEvents: the first event must be WorkflowExecutionStarted');
  }
  const started = first as EventOf<'WorkflowExecutionStarted'>;
  const exportedAt = options.exportedAt ?? new Date();
  const header: HistoryHeader = {
    format: HISTORY_FORMAT,
    formatVersion: HISTORY_FORMAT_VERSION,
    workflowId: started.workflowId,
    runId: options.runId,
    workflowType: started.workflowType,
    taskQueue: started.taskQueue,
    exportedAt: typeof exportedAt === 'string' ? exportedAt : exportedAt.toISOString(),
  };
  if (options.buildId !== undefined) header.buildId = options.buildId;
  return { header, events };
}
