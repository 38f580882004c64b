/**
 * JSONL corpora: one history per line, read as a stream so a corpus of thousands of runs never has to
 * fit in memory at once.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parseHistory, serializeHistory } from './serialize.ts';
import type { History, LoadedHistory } from './types.ts';

/** Options for {@link readHistoryJsonl}. */
export interface ReadJsonlOptions {
  /** Names the input in messages; defaults to the path, or `<stream>` for a stream. */
  source?: string;
}

/**
 * Streams the histories of a JSONL file (or any readable stream of its text), one per non-blank line,
 * each checked like a single history file.
 * @throws HistoryFileError naming the file and the 1-based line of the first bad history.
 * @example
 * for await (const history of readHistoryJsonl('corpus/orders.jsonl')) await replay(history);
 */
export async function* readHistoryJsonl(
  input: string | Readable,
  options: ReadJsonlOptions = {},
): AsyncGenerator<LoadedHistory> {
  const source = options.source ?? (typeof input === 'string' ? input : '<stream>');
  const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
  try {
    for await (const { line, text } of readJsonlLines(stream)) {
      const history = parseHistory(text, { source, line });
      yield { ...history, source, line };
    }
  } finally {
    if (typeof input === 'string') (stream as Readable).destroy();
  }
}

/**
 * The non-blank lines of a JSONL text stream with their 1-based line numbers (a byte-order mark on
 * the first line is dropped). The one line reader behind every JSONL consumer, so they agree on
 * numbering; what a bad line means (stop, or report and go on) is the caller's choice.
 */
export async function* readJsonlLines(stream: Readable): AsyncGenerator<{ line: number; text: string }> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      yield { line, text: line === 1 ? text.replace(/^\uFEFF/, '') : text };
    }
  } finally {
    lines.close();
  }
}

/**
 * Writes histories to a JSONL file, one compact line each, streaming from any (async) iterable. The
 * file appears only when every history is written: a failure leaves no half-written corpus behind.
 * @returns how many histories were written.
 */
export async function writeHistoryJsonl(
  path: string,
  histories: Iterable<History> | AsyncIterable<History>,
): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(temp, { encoding: 'utf8' });
  let count = 0;
  try {
    for await (const history of histories) {
      if (!out.write(serializeHistory(history, 'jsonl'))) {
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      count++;
    }
    out.end();
    await finished(out);
    await rename(temp, path);
    return count;
  } catch (err) {
    // Wait for the stream to close: an open still in flight would recreate the file after rm.
    if (!out.closed) {
      const closed = once(out, 'close');
      out.destroy();
      await closed;
    }
    await rm(temp, { force: true });
    throw err;
  }
}
