/**
 * History files on disk: one file, a folder of them, or a list of both. Folders are searched
 * recursively in sorted order, so a corpus always loads in the same order on every machine.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { HistoryFileError } from './errors.ts';
import { readHistoryJsonl } from './jsonl.ts';
import { type HistoryFileFormat, parseHistory, serializeHistory } from './serialize.ts';
import type { History, LoadedHistory } from './types.ts';

/** File extensions read from folders, and the format each one is written in. */
export const HISTORY_FILE_EXTENSIONS: Readonly<Record<string, HistoryFileFormat>> = {
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.msgpack': 'msgpack',
  '.rhist': 'msgpack',
};

function isJsonl(path: string): boolean {
  return extname(path).toLowerCase() === '.jsonl';
}

/**
 * Reads and checks one history file (JSON or msgpack, detected from the contents). A `.jsonl` file
 * is accepted when it holds exactly one history; use {@link readHistoryFiles} for corpora.
 * @throws HistoryFileError naming the file, the event id and what is wrong.
 */
export async function readHistoryFile(path: string): Promise<LoadedHistory> {
  if (isJsonl(path)) {
    const found: LoadedHistory[] = [];
    for await (const history of readHistoryJsonl(path)) found.push(history);
    if (found.length !== 1) {
      throw new HistoryFileError(
        { source: path },
        `holds ${found.length} histories, expected one; read JSONL corpora with readHistoryFiles`,
      );
    }
    return found[0]!;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new HistoryFileError({ source: path }, `cannot read the file: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { ...parseHistory(bytes, { source: path }), source: path };
}

/** Options for {@link writeHistoryFile}. */
export interface WriteHistoryFileOptions {
  /** Defaults to the format of the file extension (`.json`, `.jsonl`, `.msgpack`, `.rhist`). */
  format?: HistoryFileFormat;
}

/**
 * Writes one history file, creating folders as needed. The write is atomic (a temporary file, then a
 * rename), so a crash never leaves a truncated fixture behind.
 * @throws TypeError for an extension with no known format and no `format` option.
 */
export async function writeHistoryFile(
  path: string,
  history: History,
  options: WriteHistoryFileOptions = {},
): Promise<void> {
  const format = options.format ?? HISTORY_FILE_EXTENSIONS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new TypeError(
      `writeHistoryFile: cannot tell the format of '${path}'; name it .json, .msgpack, .rhist or .jsonl, or pass { format }`,
    );
  }
  const contents = serializeHistory(history, format);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, contents);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function collect(path: string, out: string[]): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) await collect(full, out);
    else if (entry.isFile() && HISTORY_FILE_EXTENSIONS[extname(entry.name).toLowerCase()] !== undefined)
      out.push(full);
  }
}

/**
 * The history files named by `input`: files as given (whatever their extension), folders searched
 * recursively for `.json`, `.jsonl`, `.msgpack` and `.rhist` files in sorted order.
 * @throws HistoryFileError for a path that does not exist.
 */
export async function listHistoryFiles(input: string | readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of typeof input === 'string' ? [input] : input) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (err) {
      throw new HistoryFileError({ source: path }, 'no such file or folder', { cause: err });
    }
    if (isDirectory) await collect(path, out);
    else out.push(path);
  }
  return out;
}

/**
 * Streams every history named by `input` (see {@link listHistoryFiles}), one at a time; JSONL files
 * are streamed line by line. Use this for large corpora.
 * @throws HistoryFileError at the first bad file or line.
 */
export async function* iterateHistoryFiles(input: string | readonly string[]): AsyncGenerator<LoadedHistory> {
  for (const path of await listHistoryFiles(input)) {
    if (isJsonl(path)) yield* readHistoryJsonl(path);
    else yield await readHistoryFile(path);
  }
}

/**
 * Reads every history named by `input`: a file, a folder (recursively, sorted), or a list of both;
 * JSONL files contribute one history per line. An empty folder gives an empty list: deciding whether
 * that is an error is the caller's business (a replay gate should refuse it).
 * @throws HistoryFileError at the first bad file or line.
 */
export async function readHistoryFiles(input: string | readonly string[]): Promise<LoadedHistory[]> {
  const out: LoadedHistory[] = [];
  for await (const history of iterateHistoryFiles(input)) out.push(history);
  return out;
}
