/**
 * Ordered, append-only schema migrations. Never edit one that has shipped: add the next number.
 * `s` is the quoted schema name.
 */
import { quoteIdent } from './ident.ts';

/** One migration. */
export interface Migration {
  version: number;
  name: string;
  sql: (s: string) => string;
}

/** Every migration, in order. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'runs_events_tasks',
    sql: (s) => `
CREATE TABLE ${s}.runs (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  workflow_type text NOT NULL,
  task_queue text NOT NULL,
  status text NOT NULL,
  start_time bigint NOT NULL,
  close_time bigint,
  next_event_id integer NOT NULL,
  blocked boolean NOT NULL DEFAULT false,
  parent_workflow_id text,
  parent_run_id text,
  data bytea NOT NULL,
  PRIMARY KEY (workflow_id, run_id)
);
CREATE UNIQUE INDEX runs_one_running ON ${s}.runs (workflow_id) WHERE status = 'running';
CREATE INDEX runs_latest ON ${s}.runs (workflow_id, seq DESC);
CREATE INDEX runs_by_start ON ${s}.runs (start_time DESC, run_id DESC);
CREATE INDEX runs_by_type ON ${s}.runs (workflow_type, start_time DESC);
CREATE INDEX runs_by_status ON ${s}.runs (status, start_time DESC);
CREATE INDEX runs_blocked ON ${s}.runs (start_time DESC) WHERE blocked;
CREATE INDEX runs_closed ON ${s}.runs (close_time) WHERE status <> 'running';
CREATE INDEX runs_children ON ${s}.runs (parent_workflow_id, parent_run_id) WHERE status = 'running';

CREATE TABLE ${s}.events (
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  event_id integer NOT NULL,
  event_type text NOT NULL,
  event_time bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (workflow_id, run_id, event_id)
);

CREATE TABLE ${s}.buffered (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  data bytea NOT NULL
);
CREATE INDEX buffered_by_run ON ${s}.buffered (workflow_id, run_id, id);

CREATE TABLE ${s}.tasks (
  task_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  task_queue text NOT NULL,
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  visible_at bigint,
  deadline_at bigint,
  lease_owner text,
  lease_token text,
  lease_expires_at bigint,
  attempt integer NOT NULL,
  ref_event_id integer NOT NULL,
  data bytea NOT NULL
);
CREATE INDEX tasks_claim ON ${s}.tasks (kind, task_queue, visible_at) WHERE visible_at IS NOT NULL;
CREATE INDEX tasks_due ON ${s}.tasks (deadline_at) WHERE deadline_at IS NOT NULL;
CREATE INDEX tasks_by_run ON ${s}.tasks (workflow_id, run_id, kind, ref_event_id);

CREATE TABLE ${s}.requests (
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  request_id text NOT NULL,
  kind text NOT NULL,
  state text NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  data bytea NOT NULL,
  PRIMARY KEY (workflow_id, run_id, request_id)
);
`,
  },
];

/** A connection that can run SQL text. */
export interface MigrationClient {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** Runs several statements without parameters. */
  exec(text: string): Promise<void>;
}

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory lock keyed by the
 * schema, so concurrent migrators queue up and each migration runs exactly once.
 * Returns the versions applied by this call.
 */
export async function migrate(client: MigrationClient, schema: string): Promise<number[]> {
  const s = quoteIdent(schema);
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`reprise.migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query(`SELECT version FROM ${s}.schema_migrations`);
    const done = new Set(rows.map((r) => Number(r.version)));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.exec(m.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return applied;
}
