/**
 * Loading histories for the analysis: from history files and folders, or from a store.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  closingEventTypes,
  type HistoryEvent,
  type HistoryStore,
  type ListRunsFilter,
  type RunInfo,
  validateEvent,
} from '@reprise/history-store';
import { VersioningError } from '../errors.ts';
import type { VersionedHistory } from './types.ts';

/**
 * Reads every history file named by `paths` (files, or folders searched recursively for `*.json`),
 * in a stable order: arguments in order, folder entries sorted by name.
 * @throws VersioningError `BAD_HISTORY_FILE` naming the file (and event) that cannot be read, and
 *   `NO_HISTORIES` when a path does not exist.
 */
export async function readHistorySources(paths: readonly string[], cwd = '.'): Promise<VersionedHistory[]> {
  const files: string[] = [];
  for (const p of paths) await collect(resolve(cwd, p), p, files);
  const out: VersionedHistory[] = [];
  for (const file of files) out.push(parseHistoryFile(await readFile(file, 'utf8'), file));
  return out;
}

async function collect(abs: string, given: string, files: string[]): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(abs);
  } catch {
    throw new VersioningError(
      'NO_HISTORIES',
      `${given}: no such file or folder. Pass history files (.json) or folders that hold them.`,
    );
  }
  if (!info.isDirectory()) {
    files.push(abs);
    return;
  }
  const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.isDirectory()) await collect(join(abs, e.name), join(given, e.name), files);
    else if (e.name.endsWith('.json')) files.push(join(abs, e.name));
  }
}

/**
 * Parses one JSON history file: `{ "events": [...] }` with optional header fields (`workflowId`,
 * `runId`, `workflowType`, at the top level or under `header`), or a bare array of events.
 */
export function parseHistoryFile(text: string, file: string): VersionedHistory {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw bad(file, `not valid JSON (${(err as Error).message})`);
  }
  const obj = (Array.isArray(doc) ? { events: doc } : doc) as Record<string, unknown> | null;
  if (typeof obj !== 'object' || obj === null || !Array.isArray(obj.events)) {
    throw bad(file, 'expected an object with an "events" array');
  }
  const header = { ...obj, ...((typeof obj.header === 'object' && obj.header) || {}) } as Record<
    string,
    unknown
  >;
  const events = obj.events as unknown[];
  events.forEach((e, i) => {
    const problem = validateEvent(e);
    if (problem) throw bad(file, problem);
    if ((e as HistoryEvent).eventId !== i + 1) {
      throw bad(
        file,
        `event ${(e as HistoryEvent).eventId} is at position ${i + 1}: event ids must be dense from 1`,
      );
    }
  });
  return fromEvents(events as HistoryEvent[], file, header);
}

function fromEvents(
  events: HistoryEvent[],
  source: string,
  header: Record<string, unknown>,
): VersionedHistory {
  const first = events[0];
  if (first?.eventType !== 'WorkflowExecutionStarted') {
    throw bad(source, 'the first event must be WorkflowExecutionStarted');
  }
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const last = events[events.length - 1]!;
  return {
    source,
    workflowId: str(header.workflowId) ?? first.workflowId,
    runId: str(header.runId) ?? first.firstExecutionRunId,
    workflowType: str(header.workflowType) ?? first.workflowType,
    open: !closingEventTypes.has(last.eventType),
    events,
  };
}

function bad(file: string, what: string): VersioningError {
  return new VersioningError(
    'BAD_HISTORY_FILE',
    `${file}: ${what}. Re-export the history with 'reprise history export', or remove the file from the set.`,
  );
}

/** Which runs of a store to analyse. */
export interface StoreHistoryFilter {
  workflowType?: string;
  /** Only open runs (default: open runs and every retained closed run). */
  openOnly?: boolean;
  /** Page size for listing runs (default 500). */
  pageSize?: number;
}

/**
 * Reads the histories of the runs in a store: every open run and every retained closed run (or only
 * open ones), newest first, page by page.
 */
export async function readStoreHistories(
  store: HistoryStore,
  filter: StoreHistoryFilter = {},
): Promise<VersionedHistory[]> {
  const out: VersionedHistory[] = [];
  const base: ListRunsFilter = { limit: filter.pageSize ?? 500 };
  if (filter.workflowType !== undefined) base.workflowType = filter.workflowType;
  if (filter.openOnly) base.status = 'running';
  let cursor: string | undefined;
  do {
    const page = await store.listRuns(cursor === undefined ? base : { ...base, cursor });
    const histories = await Promise.all(page.runs.map((run) => readRun(store, run)));
    out.push(...histories);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

async function readRun(store: HistoryStore, run: RunInfo): Promise<VersionedHistory> {
  const events = await store.readHistory(run.workflowId, run.runId);
  return {
    source: `store:${run.workflowId}/${run.runId}`,
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.workflowType,
    open: run.status === 'running',
    events,
  };
}
