/**
 * Every kind of gate source turned into one stream of items: a history to replay, or a bad input
 * (an unreadable file, a malformed JSONL line) recorded as such so one bad file never hides the rest.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import {
  type HistoryEvent,
  HistoryFileError,
  listHistoryFiles,
  parseHistory,
  readHistoryFile,
  readJsonlLines,
} from '@reprise/history-store';
import { storeItems } from './store-source.ts';
import type { GateSource, GivenHistory, StoreQuery } from './types.ts';

/** A history to replay. */
export interface HistoryItem {
  kind: 'history';
  source: string;
  events: readonly HistoryEvent[];
  workflowId?: string;
  runId?: string;
  /** Check the events against the schema first (histories that were not validated on the way in). */
  validate: boolean;
}

/** An input that could not be read as a history. */
export interface InvalidItem {
  kind: 'invalid';
  source: string;
  error: Error;
}

/** One item of a source. */
export type GateItem = HistoryItem | InvalidItem;

/** A source as a stream of items, with its size once known. */
export interface ItemStream {
  items: AsyncIterable<GateItem>;
  /** How many items the source holds, once known. */
  total(): number | undefined;
}

/** True for a {@link StoreQuery}. */
export function isStoreQuery(source: unknown): source is StoreQuery {
  return typeof source === 'object' && source !== null && 'db' in source && !(Symbol.iterator in source);
}

/** Opens any {@link GateSource} as a stream of items. */
export function openSource(source: GateSource): ItemStream {
  if (typeof source === 'string' || (Array.isArray(source) && source.every((s) => typeof s === 'string'))) {
    return fileItems(typeof source === 'string' ? [source] : (source as readonly string[]));
  }
  if (
    Array.isArray(source) &&
    source.length > 0 &&
    source.every((s) => typeof s === 'string' || isStoreQuery(s))
  ) {
    return concat((source as readonly (string | StoreQuery)[]).map((s) => openSource(s)));
  }
  if (source instanceof Readable) return { items: jsonlItems(source, '<stream>'), total: () => undefined };
  if (isStoreQuery(source)) return storeItems(source);
  if (Symbol.iterator in (source as object) || Symbol.asyncIterator in (source as object)) {
    return givenItems(source as Iterable<GivenHistory> | AsyncIterable<GivenHistory>);
  }
  throw new TypeError(
    'replayHistories: the source must be paths, a JSONL stream, an (async) iterable of histories, or a store query { db, workflowType?, … }',
  );
}

/** Several sources one after the other (files and store queries mixed). */
function concat(streams: ItemStream[]): ItemStream {
  async function* items(): AsyncGenerator<GateItem> {
    for (const s of streams) yield* s.items;
  }
  return {
    items: items(),
    total: () => {
      let sum = 0;
      for (const s of streams) {
        const n = s.total();
        if (n === undefined) return undefined;
        sum += n;
      }
      return sum;
    },
  };
}

function fileItems(paths: readonly string[]): ItemStream {
  let total: number | undefined;
  async function* items(): AsyncGenerator<GateItem> {
    const files: string[] = [];
    const missing: InvalidItem[] = [];
    for (const path of paths) {
      try {
        files.push(...(await listHistoryFiles(path)));
      } catch (err) {
        missing.push({ kind: 'invalid', source: path, error: err as Error });
      }
    }
    // JSONL files hold an unknown number of histories: the size stays unknown with one in the list.
    total = files.some(isJsonl) ? undefined : files.length + missing.length;
    yield* missing;
    for (const file of files) {
      if (isJsonl(file)) {
        yield* jsonlItems(createReadStream(file, { encoding: 'utf8' }), file);
        continue;
      }
      try {
        const h = await readHistoryFile(file);
        yield { kind: 'history', source: file, events: h.events, ...ids(h.header), validate: false };
      } catch (err) {
        yield { kind: 'invalid', source: file, error: err as Error };
      }
    }
  }
  return { items: items(), total: () => total };
}

function isJsonl(path: string): boolean {
  return extname(path).toLowerCase() === '.jsonl';
}

/** One history per line; a bad line is an invalid item and the lines after it are still read. */
async function* jsonlItems(stream: Readable, name: string): AsyncGenerator<GateItem> {
  try {
    for await (const { line, text } of readJsonlLines(stream)) {
      const source = `${name}:${line}`;
      try {
        const h = parseHistory(text, { source: name, line });
        yield { kind: 'history', source, events: h.events, ...ids(h.header), validate: false };
      } catch (err) {
        yield { kind: 'invalid', source, error: err as Error };
      }
    }
  } catch (err) {
    yield {
      kind: 'invalid',
      source: name,
      error: new HistoryFileError({ source: name }, `cannot read: ${(err as Error).message}`, { cause: err }),
    };
  } finally {
    stream.destroy();
  }
}

function givenItems(source: Iterable<GivenHistory> | AsyncIterable<GivenHistory>): ItemStream {
  const total = Array.isArray(source) ? source.length : undefined;
  async function* items(): AsyncGenerator<GateItem> {
    let index = 0;
    for await (const given of source) {
      const at = `#${index++}`;
      if (Array.isArray(given)) {
        yield { kind: 'history', source: at, events: given, validate: true };
        continue;
      }
      const h = given as Exclude<GivenHistory, readonly HistoryEvent[]>;
      if (!h || !Array.isArray(h.events)) {
        yield {
          kind: 'invalid',
          source: at,
          error: new TypeError(`history ${at}: expected an array of events or { events, … }`),
        };
        continue;
      }
      const header = 'header' in h ? h.header : undefined;
      const named = 'name' in h && typeof h.name === 'string' ? h.name : at;
      yield {
        kind: 'history',
        source: named,
        events: h.events,
        ...ids(header ?? (h as { workflowId?: string; runId?: string })),
        validate: true,
      };
    }
  }
  return { items: items(), total: () => total };
}

function ids(from: { workflowId?: string | undefined; runId?: string | undefined }): {
  workflowId?: string;
  runId?: string;
} {
  return {
    ...(from.workflowId !== undefined && { workflowId: from.workflowId }),
    ...(from.runId !== undefined && { runId: from.runId }),
  };
}
