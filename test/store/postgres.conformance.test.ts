import { beforeAll } from 'vitest';
import { runStoreConformance } from '../../packages/history-store/src/conformance/index.ts';
import { createPostgresStore, PgDriver } from '../../packages/history-store/src/postgres/index.ts';
import { DATABASE_URL, dropSchema, freshSchema, requirePostgres } from './support.ts';

beforeAll(requirePostgres);

runStoreConformance('postgres', async ({ clock, random }) => {
  const schema = freshSchema();
  const driver = new PgDriver({ connectionString: DATABASE_URL, max: 4 });
  return {
    store: createPostgresStore({ driver, schema, clock, random }),
    dispose: () => dropSchema(schema),
  };
});

// Behind a pooler in transaction mode: every statement bound into the text, nothing prepared.
runStoreConformance('postgres without prepared statements', async ({ clock, random }) => {
  const schema = freshSchema();
  const driver = new PgDriver({ connectionString: DATABASE_URL, max: 4 });
  return {
    store: createPostgresStore({ driver, schema, clock, random, preparedStatements: false }),
    dispose: () => dropSchema(schema),
  };
});
