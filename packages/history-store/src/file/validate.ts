/**
 * Turns a decoded history document into a {@link History}, checking everything a replay relies on:
 * the format and its version, every event against its schema, dense ids from 1 in order, a first
 * event that starts the run, and a header that agrees with it. The first problem found is thrown as a
 * {@link HistoryFileError} naming the file, the line (JSONL) and the event.
 */
import { type EventOf, type HistoryEvent, validateEvent } from '../events/events.ts';
import { HistoryFileError, type HistoryFileLocation } from './errors.ts';
import { HISTORY_FORMAT, HISTORY_FORMAT_VERSION, type History, type HistoryHeader } from './types.ts';

/** Decodes one stored value (tagged JSON or already-decoded msgpack); `path` is for messages. */
export type ValueDecoder = (value: unknown, path: string) => unknown;

const REQUIRED_HEADER_FIELDS = ['workflowId', 'runId', 'workflowType', 'taskQueue'] as const;
/** Header fields that must agree with WorkflowExecutionStarted. */
const STARTED_FIELDS = ['workflowId', 'workflowType', 'taskQueue'] as const;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Builds and checks a history from a decoded document.
 * @throws HistoryFileError for the first problem found.
 */
export function historyFromDocument(
  doc: unknown,
  location: HistoryFileLocation,
  decode: ValueDecoder,
): History {
  const fail = (reason: string, eventId?: number): never => {
    throw new HistoryFileError(eventId === undefined ? location : { ...location, eventId }, reason);
  };
  if (!isRecord(doc)) {
    return fail(
      `expected a history object ({"format": "${HISTORY_FORMAT}", ..., "events": [...]}), got ${describe(doc)}` +
        (Array.isArray(doc) ? '; a bare list of events must be wrapped as {"events": [...]}' : ''),
    );
  }
  const { events: rawEvents, ...rawHeader } = doc;
  const bare = rawHeader.format === undefined;
  checkFormat(rawHeader, bare, fail);
  if (!Array.isArray(rawEvents))
    return fail(`"events": expected a list of events, got ${describe(rawEvents)}`);
  if (rawEvents.length === 0)
    return fail('"events" is empty: a history starts with WorkflowExecutionStarted');
  const events = checkEvents(rawEvents, decode, fail);
  const started = events[0] as EventOf<'WorkflowExecutionStarted'>;
  const header = buildHeader(rawHeader, bare, started, decode, fail);
  for (const field of STARTED_FIELDS) {
    if (header[field] !== started[field]) {
      fail(
        `the header says ${field} '${header[field]}' but WorkflowExecutionStarted says '${started[field]}' ` +
          '(was the header or the event edited?)',
        1,
      );
    }
  }
  return { header, events };
}

function checkFormat(
  rawHeader: Record<string, unknown>,
  bare: boolean,
  fail: (reason: string) => never,
): void {
  if (!bare && rawHeader.format !== HISTORY_FORMAT) {
    fail(
      `not a Reprise history: "format" is ${JSON.stringify(rawHeader.format)}, expected "${HISTORY_FORMAT}"`,
    );
  }
  const version = rawHeader.formatVersion;
  if (version === undefined && bare) return;
  if (!Number.isSafeInteger(version) || (version as number) < 1) {
    fail(`"formatVersion": expected a positive integer, got ${JSON.stringify(version) ?? 'nothing'}`);
  }
  if ((version as number) > HISTORY_FORMAT_VERSION) {
    fail(
      `written in history format version ${version}, this version of Reprise reads up to ` +
        `${HISTORY_FORMAT_VERSION}; upgrade @reprise/history-store to read it`,
    );
  }
}

function checkEvents(
  rawEvents: unknown[],
  decode: ValueDecoder,
  fail: (reason: string, eventId?: number) => never,
): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (let i = 0; i < rawEvents.length; i++) {
    const raw = rawEvents[i];
    const rawId = isRecord(raw) && Number.isSafeInteger(raw.eventId) ? (raw.eventId as number) : undefined;
    let event: unknown;
    try {
      event = decode(raw, `events[${i}]`);
    } catch (err) {
      fail(`cannot read a value: ${(err as Error).message}`, rawId);
    }
    const problem = validateEvent(event);
    if (problem !== undefined) {
      // validateEvent prefixes "event N: "; the error carries the id as a field instead.
      fail(`${problem.replace(/^event (\d+|\?): /, '')} (events[${i}])`, rawId);
    }
    const checked = event as HistoryEvent;
    const expected = i + 1;
    const id = checked.eventId;
    if (id !== expected) {
      const previous = events[i - 1]?.eventId;
      if (id === previous) fail(`duplicate event id ${id} (events[${i - 1}] and events[${i}])`, id);
      if (id > expected) {
        fail(`gap in event ids: expected event ${expected} at events[${i}], found event ${id}`, id);
      }
      fail(`events out of order: event ${id} at events[${i}] comes after event ${previous ?? '?'}`, id);
    }
    if (i === 0 && checked.eventType !== 'WorkflowExecutionStarted') {
      fail(`the first event must be WorkflowExecutionStarted, found ${checked.eventType}`, id);
    }
    events.push(checked);
  }
  return events;
}

function buildHeader(
  rawHeader: Record<string, unknown>,
  bare: boolean,
  started: EventOf<'WorkflowExecutionStarted'>,
  decode: ValueDecoder,
  fail: (reason: string) => never,
): HistoryHeader {
  const header: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rawHeader)) {
    try {
      header[key] = decode(value, `header.${key}`);
    } catch (err) {
      fail(`header: cannot read "${key}": ${(err as Error).message}`);
    }
  }
  if (bare) {
    // A bare {"events": [...]} file: whatever the header lacks comes from the first event.
    header.format = HISTORY_FORMAT;
    header.formatVersion ??= HISTORY_FORMAT_VERSION;
    header.workflowId ??= started.workflowId;
    header.workflowType ??= started.workflowType;
    header.taskQueue ??= started.taskQueue;
    // The first run of a chain has runId == firstExecutionRunId; a continued run's id is not recorded.
    header.runId ??= started.continuedFromRunId === undefined ? started.firstExecutionRunId : 'unknown';
  }
  for (const field of REQUIRED_HEADER_FIELDS) {
    const value = header[field];
    if (typeof value !== 'string' || value.length === 0) {
      fail(`header: "${field}" must be a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`);
    }
  }
  for (const field of ['buildId', 'exportedAt'] as const) {
    if (header[field] !== undefined && typeof header[field] !== 'string') {
      fail(`header: "${field}" must be a string, got ${describe(header[field])}`);
    }
  }
  return header as HistoryHeader;
}
