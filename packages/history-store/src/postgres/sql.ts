/**
 * Every SQL statement of the Postgres store, named, for one schema. Times are milliseconds from the
 * store's clock (bigint columns), never the database's `now()`, so an injected clock rules everything.
 */
import { quoteIdent, quoteLiteral } from './ident.ts';

const RUN_COLS = 'data';
const TASK_COLS =
  'task_id, kind, task_queue, workflow_id, run_id, visible_at, deadline_at, lease_owner, lease_token, lease_expires_at, attempt, ref_event_id, data';

/** Placeholders `($1, $2, …), (…)` for `rows` rows of `cols` columns, starting after `offset` params. */
export function valuesList(rows: number, cols: number, offset = 0): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const p: string[] = [];
    for (let c = 0; c < cols; c++) p.push(`$${offset + r * cols + c + 1}`);
    out.push(`(${p.join(', ')})`);
  }
  return out.join(', ');
}

/** The statements for one schema. */
export function statements(schema: string) {
  const s = quoteIdent(schema);
  return {
    begin: 'BEGIN',
    commit: 'COMMIT',
    rollback: 'ROLLBACK',
    /**
     * NOTIFY and COMMIT in one round trip (simple protocol, so the values are quoted literals): the
     * notifications are delivered only if the commit succeeds.
     */
    notifyAndCommit: (channel: string, topics: readonly string[]) =>
      `${topics.map((t) => `SELECT pg_notify(${quoteLiteral(channel)}, ${quoteLiteral(t)});`).join(' ')} COMMIT`,

    runLatest: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = $1 ORDER BY seq DESC LIMIT 1`,
    runLatestForUpdate: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = $1 ORDER BY seq DESC LIMIT 1 FOR UPDATE`,
    runById: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = $1 AND run_id = $2`,
    runByIdForUpdate: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = $1 AND run_id = $2 FOR UPDATE`,
    insertRun: `INSERT INTO ${s}.runs (workflow_id, run_id, workflow_type, task_queue, status, start_time, close_time, next_event_id, blocked, parent_workflow_id, parent_run_id, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    updateRun: `UPDATE ${s}.runs SET status = $3, close_time = $4, next_event_id = $5, blocked = $6, data = $7 WHERE workflow_id = $1 AND run_id = $2`,
    openChildren: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE parent_workflow_id = $1 AND parent_run_id = $2 AND status = 'running'`,

    /** Followed by {@link valuesList}(n, 6). */
    insertEventsPrefix: `INSERT INTO ${s}.events (workflow_id, run_id, event_id, event_type, event_time, data) VALUES `,
    readEvents: `SELECT data FROM ${s}.events WHERE workflow_id = $1 AND run_id = $2 AND event_id >= $3 ORDER BY event_id`,

    /** Followed by {@link valuesList}(n, 3). */
    insertBufferedPrefix: `INSERT INTO ${s}.buffered (workflow_id, run_id, data) VALUES `,
    takeBuffered: `DELETE FROM ${s}.buffered WHERE workflow_id = $1 AND run_id = $2 RETURNING id, data`,

    insertTask: `INSERT INTO ${s}.tasks (kind, task_queue, workflow_id, run_id, visible_at, deadline_at, lease_owner, lease_token, lease_expires_at, attempt, ref_event_id, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING task_id`,
    taskById: `SELECT ${TASK_COLS} FROM ${s}.tasks WHERE task_id = $1`,
    taskByIdForUpdate: `SELECT ${TASK_COLS} FROM ${s}.tasks WHERE task_id = $1 FOR UPDATE`,
    findTask: `SELECT ${TASK_COLS} FROM ${s}.tasks WHERE workflow_id = $1 AND run_id = $2 AND kind = $3 AND ref_event_id = $4 LIMIT 1 FOR UPDATE`,
    updateTask: `UPDATE ${s}.tasks SET visible_at = $2, deadline_at = $3, lease_owner = $4, lease_token = $5, lease_expires_at = $6, attempt = $7, ref_event_id = $8, data = $9 WHERE task_id = $1`,
    deleteTask: `DELETE FROM ${s}.tasks WHERE task_id = $1`,
    deleteRunTasks: `DELETE FROM ${s}.tasks WHERE workflow_id = $1 AND run_id = $2`,
    lockClaimable: `SELECT ${TASK_COLS} FROM ${s}.tasks WHERE kind = $1 AND task_queue = $2 AND visible_at <= $3 AND ($1 = 'workflow' OR deadline_at IS NULL OR deadline_at > $3) ORDER BY visible_at LIMIT $4 FOR UPDATE SKIP LOCKED`,
    lockDue: `SELECT ${TASK_COLS} FROM ${s}.tasks WHERE deadline_at <= $1 ORDER BY deadline_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    nextDue: `SELECT min(deadline_at) AS due FROM ${s}.tasks WHERE deadline_at IS NOT NULL`,

    insertRequest: `INSERT INTO ${s}.requests (workflow_id, run_id, request_id, kind, state, data) VALUES ($1, $2, $3, $4, $5, $6)`,
    getRequest: `SELECT kind, state, data FROM ${s}.requests WHERE workflow_id = $1 AND run_id = $2 AND request_id = $3`,
    updateRequest: `UPDATE ${s}.requests SET state = $4, data = $5 WHERE workflow_id = $1 AND run_id = $2 AND request_id = $3`,
    deleteRequest: `DELETE FROM ${s}.requests WHERE workflow_id = $1 AND run_id = $2 AND request_id = $3`,
    listRequests: `SELECT kind, state, data FROM ${s}.requests WHERE workflow_id = $1 AND run_id = $2 AND state = ANY($3::text[]) ORDER BY seq`,

    /** Followed by a WHERE built from {@link listRunsConditions} and {@link listRunsTail}. */
    listRunsPrefix: `SELECT data FROM ${s}.runs`,
    listRunsTail: (p: number) => ` ORDER BY start_time DESC, run_id DESC LIMIT $${p}`,

    lockClosedBatch: `SELECT workflow_id, run_id FROM ${s}.runs WHERE status <> 'running' AND close_time < $1 ORDER BY close_time LIMIT $2 FOR UPDATE SKIP LOCKED`,
    deleteBatchEvents: `DELETE FROM ${s}.events WHERE (workflow_id, run_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    deleteBatchTasks: `DELETE FROM ${s}.tasks WHERE (workflow_id, run_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    deleteBatchBuffered: `DELETE FROM ${s}.buffered WHERE (workflow_id, run_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    deleteBatchRequests: `DELETE FROM ${s}.requests WHERE (workflow_id, run_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    deleteBatchRuns: `DELETE FROM ${s}.runs WHERE (workflow_id, run_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
  };
}

/** The statements object of one schema. */
export type Statements = ReturnType<typeof statements>;

/** Conditions of listRuns, each with the parameter it takes (`$?` is replaced with its number). */
export const listRunsConditions = {
  workflowType: 'workflow_type = $?',
  status: 'status = ANY($?::text[])',
  taskQueue: 'task_queue = $?',
  workflowId: 'workflow_id = $?',
  startedAfter: 'start_time >= $?',
  startedBefore: 'start_time < $?',
  blockedOnly: 'blocked',
  cursor: '(start_time, run_id) < ($?, $?)',
} as const;
