/**
 * History files in memory: {@link serializeHistory} writes one history as pretty JSON, one JSONL line
 * or msgpack; {@link parseHistory} reads any of them back (the format is detected) and checks it.
 */

import { decodePayload, encodePayload } from '../codec/codec.ts';
import { CodecError } from '../codec/errors.ts';
import { eventAttributes } from '../events/events.ts';
import { HistoryFileError, type HistoryFileLocation } from './errors.ts';
import { locateJsonError } from './json-error.ts';
import { prettyJson } from './pretty-json.ts';
import { fromTaggedJson, type JsonValue, TaggedJsonError, toTaggedJson } from './tagged-json.ts';
import type { History } from './types.ts';
import { historyFromDocument } from './validate.ts';

/** The on-disk forms of a history. `jsonl` is one compact line (for files holding many histories). */
export type HistoryFileFormat = 'json' | 'jsonl' | 'msgpack';

/** Options for {@link parseHistory}. */
export interface ParseHistoryOptions {
  /** Names the input in error messages, usually the file path. */
  source: string;
  /** 1-based line, when the input is one line of a JSONL file. */
  line?: number;
}

const HEADER_ORDER = [
  'format',
  'formatVersion',
  'workflowId',
  'runId',
  'workflowType',
  'taskQueue',
  'buildId',
  'exportedAt',
] as const;
const EVENT_BASE_ORDER = ['eventId', 'eventTime', 'eventType'] as const;
const eventKeyOrder = new Map<string, readonly string[]>(
  Object.entries(eventAttributes).map(([type, shape]) => [
    type,
    [...EVENT_BASE_ORDER, ...Object.keys(shape)],
  ]),
);

/** Known keys in their documented order, then unknown keys sorted: the same input always writes the same bytes. */
function ordered<T>(
  source: Record<string, unknown>,
  known: readonly string[],
  map: (value: unknown, key: string) => T,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of known) if (Object.hasOwn(source, key)) out[key] = map(source[key], key);
  const extra = Object.keys(source)
    .filter((key) => !known.includes(key))
    .sort();
  for (const key of extra) {
    Object.defineProperty(out, key, {
      value: map(source[key], key),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * The file document: the header fields, then `events`. Only the header and each event's own fields
 * are put in a canonical order; payload values keep their key order because workflow code sees it.
 */
function documentOf<T>(history: History, map: (value: unknown, path: string) => T): Record<string, T | T[]> {
  const doc: Record<string, T | T[]> = ordered(history.header, HEADER_ORDER, (v, key) =>
    map(v, `header.${key}`),
  );
  doc.events = history.events.map((event, i) => {
    const keys = eventKeyOrder.get(event.eventType) ?? EVENT_BASE_ORDER;
    return ordered(event as unknown as Record<string, unknown>, keys, (v, key) =>
      map(v, `events[${i}].${key}`),
    ) as T;
  });
  return doc;
}

function writeFailure(history: History, err: unknown): never {
  const where = `${history.header.workflowId}/${history.header.runId}`;
  throw new HistoryFileError({ source: where }, `cannot write the history: ${(err as Error).message}`, {
    cause: err,
  });
}

/**
 * Writes a history in one of the file formats. JSON is pretty-printed (two spaces, short lists on one line)
 * with values JSON cannot hold in tagged form; msgpack is the binary codec's framing. Parsing either
 * gives back identical events.
 * @throws HistoryFileError when a payload holds a value no format can store (a function, a cycle).
 */
export function serializeHistory(history: History, format: 'json' | 'jsonl'): string;
export function serializeHistory(history: History, format: 'msgpack'): Uint8Array;
export function serializeHistory(history: History, format: HistoryFileFormat): string | Uint8Array;
export function serializeHistory(history: History, format: HistoryFileFormat): string | Uint8Array {
  try {
    if (format === 'msgpack') return encodePayload(documentOf(history, (v) => v));
    const doc = documentOf<JsonValue>(history, (v, path) => toTaggedJson(v, path));
    return format === 'json' ? prettyJson(doc) : `${JSON.stringify(doc)}\n`;
  } catch (err) {
    if (err instanceof TaggedJsonError || err instanceof CodecError) writeFailure(history, err);
    throw err;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Index of the first byte that is not whitespace or a UTF-8 byte order mark, or -1. */
function firstContentByte(bytes: Uint8Array): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  return i < bytes.length ? i : -1;
}

/**
 * Reads one history from file contents, detecting the format: text (or bytes starting with `{`) is
 * JSON, anything else is msgpack. Accepts a bare `{"events": [...]}` object and fills its header from
 * the first event. Everything is checked; see docs/history-format.md for the rules.
 * @throws HistoryFileError naming `options.source`, the line, the event id and what is wrong.
 */
export function parseHistory(input: Uint8Array | string, options: ParseHistoryOptions): History {
  const location: HistoryFileLocation = { source: options.source };
  if (options.line !== undefined) location.line = options.line;
  if (typeof input === 'string') return parseJson(input, location);
  const start = firstContentByte(input);
  if (start === -1) throw new HistoryFileError(location, 'the file is empty');
  if (input[start] === 0x7b || input[start] === 0x5b) {
    let text: string;
    try {
      text = utf8.decode(input);
    } catch {
      throw new HistoryFileError(location, 'looks like JSON but is not valid UTF-8 text');
    }
    return parseJson(text, location);
  }
  let doc: unknown;
  try {
    doc = decodePayload(input, options.source);
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    const reason =
      err.code === 'UNSUPPORTED_PAYLOAD_VERSION'
        ? `written by a newer Reprise (msgpack framing version ${err.version}); upgrade @reprise/history-store to read it`
        : `not a readable history: neither JSON nor intact msgpack (${err.message.replace(`${options.source}: `, '')})`;
    throw new HistoryFileError(location, reason, { cause: err });
  }
  return historyFromDocument(doc, location, (v) => v);
}

function parseJson(text: string, location: HistoryFileLocation): History {
  if (text.trim() === '') throw new HistoryFileError(location, 'the file is empty');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const at = locateJsonError(text);
    const where = at === undefined ? '' : ` at line ${at.line}, column ${at.column}`;
    throw new HistoryFileError(location, `malformed JSON${where}: ${(err as Error).message}`, { cause: err });
  }
  return historyFromDocument(raw, location, (v, path) => fromTaggedJson(v, path));
}
