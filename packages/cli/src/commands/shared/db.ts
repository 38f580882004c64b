/**
 * Opening the store the CLI works on: `--db postgres://…`, else `DATABASE_URL`, else the embedded
 * PGlite store in `./.reprise` (or `--db <directory>`). Errors say which store failed and how to
 * point at another.
 */
import { isAbsolute, resolve } from 'node:path';
import type { HistoryStore } from '@reprise/history-store';
import { CliError, type CliIO } from '../../command.ts';

/** Where a store lives, as chosen by flags and environment. */
export type StoreLocation = { kind: 'postgres'; url: string } | { kind: 'embedded'; dataDir: string };

/** Picks the store: `--db`, then `DATABASE_URL`, then `<cwd>/.reprise`. */
export function storeLocation(db: string | undefined, io: CliIO): StoreLocation {
  const value = db ?? io.env.DATABASE_URL;
  if (value && /^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  const dir = value ?? '.reprise';
  return { kind: 'embedded', dataDir: isAbsolute(dir) ? dir : resolve(io.cwd, dir) };
}

/** A human description of a location (passwords hidden). */
export function describeLocation(loc: StoreLocation): string {
  return loc.kind === 'postgres'
    ? loc.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
    : `embedded store ${loc.dataDir}`;
}

/** Opens and initialises the store. @throws CliError with a hint when it cannot be reached. */
export async function openCliStore(db: string | undefined, io: CliIO): Promise<HistoryStore> {
  const loc = storeLocation(db, io);
  const { openStore } = await import('@reprise/history-store/postgres');
  let store: HistoryStore | undefined;
  try {
    store = await openStore(loc.kind === 'postgres' ? { url: loc.url } : { dataDir: loc.dataDir });
    await store.init();
    return store;
  } catch (err) {
    await store?.close().catch(() => {});
    const msg = (err as Error)?.message ?? String(err);
    throw new CliError(
      `cannot open ${describeLocation(loc)}: ${msg}`,
      loc.kind === 'postgres'
        ? 'check that Postgres is running and the URL is right (--db postgres://user@host:5432/db or DATABASE_URL)'
        : 'the embedded store allows one process at a time: stop the other reprise process using it, or pass --db <directory> / --db postgres://…',
    );
  }
}

/** Opens the store, runs `fn`, and closes the store whatever happens. */
export async function withStore<T>(
  db: string | undefined,
  io: CliIO,
  fn: (store: HistoryStore) => Promise<T>,
): Promise<T> {
  const store = await openCliStore(db, io);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
