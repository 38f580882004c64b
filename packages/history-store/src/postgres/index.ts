// Postgres and embedded PGlite stores (host only: imports pg and PGlite).
export { PgBackend, type PgBackendOptions } from './backend.ts';
export { PgDriver, PgliteDriver, type SqlClient, type SqlDriver } from './driver.ts';
export { classifyPgError, type ErrorClass } from './errors.ts';
export { channelOf, checkSchemaName, quoteIdent } from './ident.ts';
export { type Migration, migrate, migrations } from './migrations.ts';
export {
  createPostgresStore,
  DEFAULT_DATA_DIR,
  DEFAULT_SCHEMA,
  type OpenStoreOptions,
  openStore,
  type PostgresStoreOptions,
} from './open.ts';
export { preparedName, SESSION_SETUP, Session } from './session.ts';
export { statements } from './sql.ts';
