/**
 * Every SQL statement of the Postgres store, named, for one schema. Times are milliseconds from the
 * store's clock (bigint columns), never the database's `now()`, so an injected clock rules everything.
 *
 * Statements are prepared once per connection and planned generically (session.ts), so each must have
 * a good plan without knowing its parameters. Statements that take arrays of keys walk them with a
 * LATERAL join (`unnest(keys) CROSS JOIN LATERAL (… WHERE key = k …)`), which can only be a nested loop
 * of index lookups, never a hash join over a scan of the table; test/store/plans.test.ts checks every
 * hot statement's generic plan on an empty schema and on a populated one.
 */
import { quoteIdent, quoteLiteral } from './ident.ts';

const RUN_COLS = 'data';
const TASK_COLS =
  'task_id, kind, task_queue, workflow_id, run_id, visible_at, deadline_at, lease_owner, lease_token, lease_expires_at, attempt, ref_event_id, data';

/** The statements for one schema. */
export function statements(schema: string) {
  const s = quoteIdent(schema);
  return {
    begin: 'BEGIN',
    commit: 'COMMIT',
    rollback: 'ROLLBACK',
    runLatest: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = $1 ORDER BY seq DESC LIMIT 1`,
    runLatestForUpdate: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = $1 ORDER BY seq DESC LIMIT 1 FOR UPDATE`,
    runById: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = $1 AND run_id = $2`,
    runByIdForUpdate: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = $1 AND run_id = $2 FOR UPDATE`,
    insertRun: `INSERT INTO ${s}.runs (workflow_id, run_id, workflow_type, task_queue, status, start_time, close_time, next_event_id, blocked, parent_workflow_id, parent_run_id, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    updateRun: `UPDATE ${s}.runs SET status = $3, close_time = $4, next_event_id = $5, blocked = $6, data = $7 WHERE workflow_id = $1 AND run_id = $2`,
    openChildren: `SELECT ${RUN_COLS} FROM ${s}.runs WHERE parent_workflow_id = $1 AND parent_run_id = $2 AND status = 'running'`,

    readEvents: `SELECT data FROM ${s}.events WHERE workflow_id = $1 AND run_id = $2 AND event_id >= $3 ORDER BY event_id`,

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

    // Hot paths: the read phase of a transaction (locks taken task first, then run, each in key
    // order, so concurrent batches queue instead of deadlocking) and its coalesced write phase.
    lockTasks: `SELECT ${TASK_COLS} FROM ${s}.tasks WHERE task_id = ANY($1::bigint[]) ORDER BY task_id FOR UPDATE`,
    /** Locks in the order of the arrays, which callers sort (one lock order for every transaction). */
    lockRuns: `SELECT x.${RUN_COLS} FROM unnest($1::text[], $2::text[]) AS k(wid, rid) CROSS JOIN LATERAL (SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = k.wid AND run_id = k.rid FOR UPDATE) x`,
    /**
     * A workflow claim in one statement: up to $4 claimable rows of queue $2 (visible by $3), each
     * with its run locked without waiting (`run_data` NULL and `run_exists` true: another transaction
     * holds it) and its history from the event after what the claimer knows ($5 run ids, $6 counts).
     */
    claimWorkflowRows: `SELECT c.*, r.${RUN_COLS} AS run_data, EXISTS (SELECT 1 FROM ${s}.runs x WHERE x.workflow_id = c.workflow_id AND x.run_id = c.run_id) AS run_exists, coalesce(k.known, 0) + 1 AS history_from, (SELECT array_agg(e.data ORDER BY e.event_id) FROM ${s}.events e WHERE e.workflow_id = c.workflow_id AND e.run_id = c.run_id AND e.event_id > coalesce(k.known, 0)) AS history FROM (SELECT ${TASK_COLS} FROM ${s}.tasks WHERE kind = $1 AND task_queue = $2 AND visible_at <= $3 ORDER BY visible_at LIMIT $4 FOR UPDATE SKIP LOCKED) c LEFT JOIN LATERAL (SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = c.workflow_id AND run_id = c.run_id FOR UPDATE SKIP LOCKED) r ON true LEFT JOIN unnest($5::text[], $6::int[]) AS k(run_id, known) ON k.run_id = c.run_id`,
    /** Claims never wait for a run another transaction holds: that task is left for the next poll. */
    lockRunsSkipLocked: `SELECT x.${RUN_COLS} FROM unnest($1::text[], $2::text[]) AS k(wid, rid) CROSS JOIN LATERAL (SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = k.wid AND run_id = k.rid FOR UPDATE SKIP LOCKED) x`,
    runsExist: `SELECT x.workflow_id, x.run_id FROM unnest($1::text[], $2::text[]) AS k(wid, rid) CROSS JOIN LATERAL (SELECT workflow_id, run_id FROM ${s}.runs WHERE workflow_id = k.wid AND run_id = k.rid) x`,
    /** $1: workflow ids, sorted (rows are locked in that order). */
    lockLatestRuns: `SELECT r.${RUN_COLS} FROM unnest($1::text[]) WITH ORDINALITY AS w(id, n) CROSS JOIN LATERAL (SELECT ${RUN_COLS} FROM ${s}.runs WHERE workflow_id = w.id ORDER BY seq DESC LIMIT 1 FOR UPDATE) r ORDER BY w.n`,
    childrenOfRuns: `SELECT x.${RUN_COLS} FROM unnest($1::text[], $2::text[]) AS k(wid, rid) CROSS JOIN LATERAL (SELECT ${RUN_COLS} FROM ${s}.runs WHERE parent_workflow_id = k.wid AND parent_run_id = k.rid AND status = 'running') x`,
    requestsOfRuns: `SELECT x.kind, x.state, x.data FROM unnest($1::text[], $2::text[]) AS k(wid, rid) CROSS JOIN LATERAL (SELECT kind, state, data, seq FROM ${s}.requests WHERE workflow_id = k.wid AND run_id = k.rid) x ORDER BY x.seq`,
    /** Events of several runs: $1 workflow ids, $2 run ids, $3 first event id of each; by run, in order. */
    readEventsOfRuns: `SELECT k.wid AS workflow_id, k.rid AS run_id, x.data FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS k(wid, rid, from_id, n) CROSS JOIN LATERAL (SELECT event_id, data FROM ${s}.events WHERE workflow_id = k.wid AND run_id = k.rid AND event_id >= k.from_id) x ORDER BY k.n, x.event_id`,
    /** A block of task ids ($1: how many); inserts name their ids, so writes need no RETURNING. */
    taskIds: `SELECT nextval(pg_get_serial_sequence(${quoteLiteral(`${s}.tasks`)}, 'task_id')) AS id FROM generate_series(1, $1::int)`,

    /** Events, one array per column. */
    writeInsertEvents: `INSERT INTO ${s}.events (workflow_id, run_id, event_id, event_type, event_time, data) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bigint[], $6::bytea[])`,
    /** Buffered events, in argument order (ids are their order). */
    writeInsertBuffered: `INSERT INTO ${s}.buffered (workflow_id, run_id, data) SELECT w, r, d FROM unnest($1::text[], $2::text[], $3::bytea[]) WITH ORDINALITY AS u(w, r, d, n) ORDER BY n`,
    /** Tasks with the ids reserved by `taskIds`, one array per column. */
    writeInsertTasks: `INSERT INTO ${s}.tasks (task_id, kind, task_queue, workflow_id, run_id, visible_at, deadline_at, lease_owner, lease_token, lease_expires_at, attempt, ref_event_id, data) OVERRIDING SYSTEM VALUE SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::bigint[], $11::int[], $12::int[], $13::bytea[])`,
    /** Found by run through the index, then deleted by id. */
    writeDeleteRunTasks: `DELETE FROM ${s}.tasks WHERE task_id = ANY (ARRAY(SELECT x.task_id FROM unnest($1::text[], $2::text[]) AS k(wid, rid) CROSS JOIN LATERAL (SELECT task_id FROM ${s}.tasks WHERE workflow_id = k.wid AND run_id = k.rid) x))`,
    writeDeleteTasks: `DELETE FROM ${s}.tasks WHERE task_id = ANY($1::bigint[])`,
    writeDeleteRequests: `DELETE FROM ${s}.requests q USING unnest($1::text[], $2::text[], $3::text[]) AS k(wid, rid, qid) WHERE q.workflow_id = k.wid AND q.run_id = k.rid AND q.request_id = k.qid`,
    writeInsertRuns: `INSERT INTO ${s}.runs (workflow_id, run_id, workflow_type, task_queue, status, start_time, close_time, next_event_id, blocked, parent_workflow_id, parent_run_id, data) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::int[], $9::boolean[], $10::text[], $11::text[], $12::bytea[])`,
    writeUpdateRuns: `UPDATE ${s}.runs r SET status = u.status, close_time = u.close_time, next_event_id = u.next_event_id, blocked = u.blocked, data = u.data FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::boolean[], $7::bytea[]) AS u(workflow_id, run_id, status, close_time, next_event_id, blocked, data) WHERE r.workflow_id = u.workflow_id AND r.run_id = u.run_id`,
    writeUpdateTasks: `UPDATE ${s}.tasks t SET visible_at = u.visible_at, deadline_at = u.deadline_at, lease_owner = u.lease_owner, lease_token = u.lease_token, lease_expires_at = u.lease_expires_at, attempt = u.attempt, ref_event_id = u.ref_event_id, data = u.data FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::int[], $9::bytea[]) AS u(task_id, visible_at, deadline_at, lease_owner, lease_token, lease_expires_at, attempt, ref_event_id, data) WHERE t.task_id = u.task_id`,
    /** In argument order: requests are listed by insertion. */
    writeInsertRequests: `INSERT INTO ${s}.requests (workflow_id, run_id, request_id, kind, state, data) SELECT w, r, q, k, st, d FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[]) WITH ORDINALITY AS u(w, r, q, k, st, d, n) ORDER BY n`,
    writeUpdateRequests: `UPDATE ${s}.requests q SET state = u.state, data = u.data FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[]) AS u(workflow_id, run_id, request_id, state, data) WHERE q.workflow_id = u.workflow_id AND q.run_id = u.run_id AND q.request_id = u.request_id`,
    notify: `SELECT pg_notify($1, $2)`,

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
