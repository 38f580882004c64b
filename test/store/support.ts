/** Shared set-up of the store integration tests: a Postgres URL that must answer, fresh schemas. */
import { randomBytes } from 'node:crypto';
import { PgDriver, type SqlDriver } from '../../packages/history-store/src/postgres/index.ts';

/** The test database (CI and developers run Postgres 15 there). */
export const DATABASE_URL =
  process.env.REPRISE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test uses. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Fails (never skips) when Postgres is unreachable, with what to do about it. */
export async function requirePostgres(): Promise<void> {
  const driver = new PgDriver({ connectionString: DATABASE_URL, max: 1, connectionTimeoutMillis: 3000 });
  try {
    await driver.withClient((c) => c.query('SELECT 1'));
  } catch (err) {
    throw new Error(
      `Postgres at ${DATABASE_URL} is unreachable (${(err as Error).message}). Start it (pg_ctlcluster 15 main start) or set REPRISE_TEST_DATABASE_URL.`,
    );
  } finally {
    await driver.close();
  }
}

/** Drops a schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const driver = new PgDriver({ connectionString: DATABASE_URL, max: 1 });
  try {
    await driver.withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  } finally {
    await driver.close();
  }
}

/** A driver whose `close` leaves the shared connection open (many stores over one PGlite). */
export function unclosable(driver: SqlDriver): SqlDriver {
  return {
    kind: driver.kind,
    withClient: (fn) => driver.withClient(fn),
    listen: (channel, cb) => driver.listen(channel, cb),
    close: async () => undefined,
  };
}
