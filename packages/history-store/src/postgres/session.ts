/**
 * Prepared statements, per connection. The store's statements are fixed texts with `$n` placeholders
 * (sql.ts); each is prepared once per connection (`PREPARE`, sent in the same round trip as its first
 * use) and then sent as `EXECUTE name(literals)`, so Postgres neither parses nor plans it again: on the
 * hot paths parsing, analysis and planning took about half of the server's time per transaction.
 *
 * The connection plans prepared statements generically (`plan_cache_mode = force_generic_plan`): each
 * is planned once, without its parameters, and again only when Postgres invalidates the plan (after an
 * ANALYZE, say). A generic plan made while the tables were empty, or from stale statistics, would
 * happily be a sequential scan or a hash join over the whole table, and stay one as the table grows;
 * every statement here is driven by keys passed in and has an index for them, so the connection also
 * turns sequential scans, hash joins and merge joins off (they remain possible where nothing else
 * is: the planner only treats them as very expensive). Every hot statement's generic plan is then an
 * index lookup or a nested loop of them, on an empty schema as on a full one; test/store/plans.test.ts
 * holds them to that.
 *
 * `PREPARE` is not transactional: a prepared statement outlives a rollback, and a failed round trip
 * may have prepared some of its statements and not others. So after any failure the connection
 * forgets what it knew and starts over with `DEALLOCATE ALL` on its next round trip.
 */
import { createHash } from 'node:crypto';
import { bind, literal, type SqlValue } from './literal.ts';

/** What one connection has prepared. */
export class Session {
  readonly #prepared = new Set<string>();
  /** True until the settings and a clean slate are sent, and again after any failure. */
  #reset = true;

  /** Whether `name` is prepared on this connection. */
  has(name: string): boolean {
    return this.#prepared.has(name);
  }

  /** Statements that must open the next round trip (settings, after a failure `DEALLOCATE ALL`). */
  preamble(): string[] {
    return this.#reset ? [...SESSION_SETUP] : [];
  }

  /** The round trip that carried `preamble()` and these `PREPARE`s succeeded. */
  confirm(names: Iterable<string>): void {
    this.#reset = false;
    for (const n of names) this.#prepared.add(n);
  }

  /** A round trip failed: what is prepared is unknown. */
  fail(): void {
    this.#reset = true;
    this.#prepared.clear();
  }
}

/**
 * Sent at the start of a connection's first round trip and after a failure. Inside the transaction,
 * the settings hold for the session once it commits and are undone if it rolls back, which `fail`
 * covers by sending them again.
 */
export const SESSION_SETUP = [
  'SET plan_cache_mode = force_generic_plan',
  'SET enable_seqscan = off',
  'SET enable_hashjoin = off',
  'SET enable_mergejoin = off',
  'DEALLOCATE ALL',
] as const;

const names = new Map<string, string>();

/** The name a statement text is prepared under: the same on every connection and in every process. */
export function preparedName(statement: string): string {
  let name = names.get(statement);
  if (name === undefined) {
    name = `reprise_${createHash('sha256').update(statement).digest('hex').slice(0, 20)}`;
    names.set(statement, name);
  }
  return name;
}

/** A statement and its parameters, not yet turned into text. */
export interface Sql {
  text: string;
  params?: readonly SqlValue[];
  /**
   * A text built for this call only (a listing's WHERE clause): bound as literals, never prepared,
   * so varying texts do not pile up prepared statements on the connection.
   */
  once?: boolean;
}

/** Collects the `PREPARE`s one round trip needs while its statements are turned into text. */
export class RoundTrip {
  readonly #session: Session | undefined;
  readonly #prepare = new Map<string, string>();

  constructor(session: Session | undefined) {
    this.#session = session;
  }

  /** The text to send for `sql`: `EXECUTE` of a prepared statement, or the statement bound. */
  text(sql: Sql): string {
    const params = sql.params ?? [];
    if (this.#session === undefined || sql.once) return bind(sql.text, params);
    const name = preparedName(sql.text);
    if (!this.#session.has(name)) this.#prepare.set(name, `PREPARE ${name} AS ${sql.text}`);
    return params.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name}(${params.map(literal).join(', ')})`;
  }

  /** What must go before the statements: the session's preamble and the new `PREPARE`s. */
  head(): string[] {
    if (this.#session === undefined) return [];
    return [...this.#session.preamble(), ...this.#prepare.values()];
  }

  /** Records the outcome of the round trip on the session. */
  settle(ok: boolean): void {
    if (this.#session === undefined) return;
    if (ok) this.#session.confirm(this.#prepare.keys());
    else this.#session.fail();
  }
}
