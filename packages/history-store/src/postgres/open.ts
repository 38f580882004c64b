/** Opening a store from a location: Postgres URL, PGlite data directory, or memory. */
import { resolve } from 'node:path';
import { createMemoryStore } from '../memory/index.ts';
import { TxHistoryStore } from '../store/tx-store.ts';
import type { Clock, HistoryStore } from '../store/types.ts';
import { PgBackend } from './backend.ts';
import { PgDriver, PgliteDriver, type SqlDriver } from './driver.ts';
import { checkSchemaName } from './ident.ts';

/** Where the embedded store lives when no location is given. */
export const DEFAULT_DATA_DIR = '.reprise';
/** Schema used when none is given. */
export const DEFAULT_SCHEMA = 'reprise';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** `postgres://…` for Postgres, `memory:` for an in-memory store; otherwise PGlite at `dataDir`. */
  url?: string;
  /** PGlite data directory (default `.reprise` in the working directory). One process per directory. */
  dataDir?: string;
  /** Schema holding the tables (default `reprise`); apps sharing a database use different schemas. */
  schema?: string;
  clock?: Clock;
  /** Postgres pool size (default 10). */
  poolSize?: number;
  /**
   * Postgres: prepare statements once per connection (default true). Turn off behind a pooler in
   * transaction mode (PgBouncer `pool_mode = transaction`).
   */
  preparedStatements?: boolean;
  /** Postgres group commit: transactions running batches at once (default 3). */
  concurrentBatches?: number;
  /** Source of retry jitter in [0, 1). */
  random?: () => number;
}

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  driver: SqlDriver;
  schema?: string;
  clock?: Clock;
  random?: () => number;
  /** LISTEN for notifications from other processes (default true). */
  listen?: boolean;
  /** Group commit: most operations per transaction (default 64; 1 turns it off). */
  batchOps?: number;
  /** Group commit: transactions running batches at once (default 3 on Postgres, 1 on PGlite). */
  concurrentBatches?: number;
  /** Prepared statements (default true); turn off behind a pooler in transaction mode. */
  preparedStatements?: boolean;
}

/** A store over an existing driver (a `PgDriver` or `PgliteDriver`). Call `init()` before use. */
export function createPostgresStore(opts: PostgresStoreOptions): HistoryStore {
  const backend = new PgBackend({
    driver: opts.driver,
    schema: checkSchemaName(opts.schema ?? DEFAULT_SCHEMA),
    clock: opts.clock ?? { now: () => Date.now() },
    ...(opts.listen !== undefined && { listen: opts.listen }),
    ...(opts.batchOps !== undefined && { batchOps: opts.batchOps }),
    ...(opts.concurrentBatches !== undefined && { concurrentBatches: opts.concurrentBatches }),
    ...(opts.preparedStatements !== undefined && { preparedStatements: opts.preparedStatements }),
  });
  return new TxHistoryStore(backend, opts.random ? { random: opts.random } : {});
}

/**
 * Opens and initialises (migrates) a store.
 *
 * @example
 * const store = await openStore({ url: process.env.DATABASE_URL }); // PGlite in .reprise/ when unset
 */
export async function openStore(opts: OpenStoreOptions = {}): Promise<HistoryStore> {
  const extra = {
    ...(opts.clock && { clock: opts.clock }),
    ...(opts.random && { random: opts.random }),
  };
  let store: HistoryStore;
  if (opts.url === 'memory:' || opts.url?.startsWith('memory:')) {
    store = createMemoryStore(extra);
  } else if (opts.url !== undefined && /^postgres(ql)?:\/\//.test(opts.url)) {
    const driver = new PgDriver({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    store = createPostgresStore({
      driver,
      ...extra,
      ...(opts.schema && { schema: opts.schema }),
      ...(opts.preparedStatements !== undefined && { preparedStatements: opts.preparedStatements }),
      ...(opts.concurrentBatches !== undefined && { concurrentBatches: opts.concurrentBatches }),
    });
  } else if (opts.url !== undefined && opts.url !== '') {
    throw new Error(
      `openStore: unsupported url '${opts.url}': use postgres://user@host:port/db, memory:, or omit it for the embedded store in ${DEFAULT_DATA_DIR}/`,
    );
  } else {
    const driver = await PgliteDriver.open(resolve(opts.dataDir ?? DEFAULT_DATA_DIR));
    store = createPostgresStore({ driver, ...extra, ...(opts.schema && { schema: opts.schema }) });
  }
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
