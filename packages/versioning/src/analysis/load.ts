/**
 * Loading histories for the analysis: from history files and folders, or from a store.
 */
import { resolve } from 'node:path';
import {
  closingEventTypes,
  type HistoryStore,
  type ListRunsFilter,
  type LoadedHistory,
  type RunInfo,
  readHistoryFiles,
} from '@reprise/history-store';
import type { VersionedHistory } from './types.ts';

/**
 * Reads every history named by `paths` (files, or folders searched recursively; JSON, msgpack and
 * JSONL corpora) with the history-file module, in a stable order, resolving relative paths against
 * `cwd`.
 * @throws HistoryFileError (code `INVALID_HISTORY_FILE`) naming the file, line and event that cannot be
 *   read, or a path that does not exist.
 */
export async function readHistorySources(paths: readonly string[], cwd = '.'): Promise<VersionedHistory[]> {
  const loaded = await readHistoryFiles(paths.map((p) => resolve(cwd, p)));
  return loaded.map((h) => fromLoaded(h));
}

/** A loaded history file as the analysis sees it (a history without a closing event is open). */
export function fromLoaded(h: LoadedHistory): VersionedHistory {
  const last = h.events[h.events.length - 1];
  return {
    source: h.line === undefined ? h.source : `${h.source}:${h.line}`,
    workflowId: h.header.workflowId,
    runId: h.header.runId,
    workflowType: h.header.workflowType,
    open: last === undefined || !closingEventTypes.has(last.eventType),
    events: h.events,
  };
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
