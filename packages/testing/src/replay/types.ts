/**
 * The replay gate's inputs and outputs: where histories come from, what each one did, and the
 * verdict over all of them.
 */
import type { Readable } from 'node:stream';
import type { History, HistoryEvent, HistoryStore, RunStatus } from '@reprise/history-store';
import type { WorkflowBundle } from '@reprise/runtime';

/**
 * Runs in a store to replay, read straight from it (no export step): pages through `listRuns`
 * with its cursor and reads histories a batch at a time while earlier ones replay.
 */
export interface StoreQuery {
  /** A store, or where one is: `postgres://…`, `memory:`, or a PGlite data directory. */
  db: string | HistoryStore;
  /** Schema holding the tables when `db` is a location (default `reprise`). */
  schema?: string;
  workflowType?: string;
  status?: RunStatus | RunStatus[];
  /** Only runs started at or after this time (a Date, ISO text, or ms since the epoch). */
  startedAfter?: Date | string | number;
  /** At most this many runs, newest first. */
  limit?: number;
}

/** A history given directly: events, or a history file's `{ header, events }`. */
export type GivenHistory =
  | readonly HistoryEvent[]
  | History
  | { events: readonly HistoryEvent[]; workflowId?: string; runId?: string; name?: string };

/**
 * Where the histories to replay come from:
 * - a path or a list of paths: files (`.json`, `.msgpack`, `.jsonl`) and folders (searched recursively);
 * - a readable stream of JSONL text;
 * - an iterable or async iterable of histories;
 * - a store query ({@link StoreQuery});
 * - a list mixing paths and store queries, read one after the other.
 */
export type GateSource =
  | string
  | readonly string[]
  | readonly (string | StoreQuery)[]
  | Readable
  | StoreQuery
  | Iterable<GivenHistory>
  | AsyncIterable<GivenHistory>;

/** Progress of a gate run, reported as histories finish. */
export interface GateProgress {
  done: number;
  /** Known for file lists and store queries once listed; undefined while a stream is still being read. */
  total: number | undefined;
  failed: number;
  elapsedMs: number;
}

/** Options of {@link replayHistories}. Exactly one of `workflowsPath` and `bundle`. */
export type GateOptions = (
  | { workflowsPath: string; bundle?: never }
  | { bundle: WorkflowBundle; workflowsPath?: never }
) & {
  /**
   * Lanes replaying in parallel: this thread plus worker threads, each with its own sandbox. Defaults
   * to the number of cores (at most 8; 1 inside vitest, see the gate's notes). Worker lanes start
   * only once enough histories are waiting.
   */
  concurrency?: number;
  onProgress?: (progress: GateProgress) => void;
  /** An empty corpus passes (default false: deleting the fixtures must not turn the gate green). */
  allowEmpty?: boolean;
  /** Name the source line of each divergence for at most this many failures (default 100). */
  locateLimit?: number;
};

/**
 * How one history did:
 * - `ok`: it replayed;
 * - `nondeterminism`: the code no longer produces the recorded commands (`error` is a NondeterminismError);
 * - `failed`: a workflow task threw while replaying (`error` is a WorkflowTaskFailedError or similar);
 * - `invalid`: the history itself cannot be read or is not a possible history (bad input).
 */
export type GateStatus = 'ok' | 'nondeterminism' | 'failed' | 'invalid';

/** The result of one history. */
export interface GateHistoryResult {
  /** Where it came from: `file`, `file:line` (JSONL), `store:<workflowId>/<runId>`, or `#<index>`. */
  source: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  status: GateStatus;
  ok: boolean;
  /** Events in the history (0 when it could not be read). */
  eventCount: number;
  /** Replay time of this history, ms. */
  durationMs: number;
  /** Why it did not replay; its message is the diff for nondeterminism, with the file and event id for bad input. */
  error?: Error;
  /** True when the run was still open. */
  open: boolean;
}

/** Totals for one workflow type. */
export interface GateTypeSummary {
  workflowType: string;
  histories: number;
  events: number;
  ok: number;
  failed: number;
  /** Sum of the replay times of its histories, ms. */
  timeMs: number;
}

/** The verdict over a corpus. */
export interface GateVerdict {
  /** Every history replayed, and there was at least one (unless `allowEmpty`). */
  ok: boolean;
  /** The build id of the code the histories were replayed against. */
  buildId: string;
  total: number;
  replayed: number;
  nondeterministic: number;
  failed: number;
  invalid: number;
  empty: boolean;
  durationMs: number;
  /** Lanes that replayed (this thread plus worker threads that were started). */
  lanes: number;
  byType: GateTypeSummary[];
  /** One result per history, in the order the source gave them. */
  results: GateHistoryResult[];
}
