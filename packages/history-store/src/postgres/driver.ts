/**
 * The two ways the same SQL reaches Postgres: a `pg` pool, or embedded PGlite (one connection, so
 * its transactions are serialised here).
 */
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { Session } from './session.ts';

/** One connection. */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  exec(text: string): Promise<void>;
  /**
   * Sends several `;`-separated statements without parameters in one round trip (simple protocol);
   * resolves with each statement's rows, in order.
   */
  simple(text: string): Promise<Record<string, unknown>[][]>;
  /**
   * Optional: sends a statement whose result nobody needs (the COMMIT of a read-only transaction)
   * without waiting for it; the connection runs it before anything sent later.
   */
  enqueue?(text: string): void;
  /**
   * Optional: what this connection has prepared (session.ts). Without it statements are sent with
   * their values bound into the text and nothing is prepared.
   */
  readonly session?: Session;
}

/** A source of connections plus LISTEN. */
export interface SqlDriver {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` on one connection; `fn` throwing a connection error discards that connection. */
  withClient<T>(fn: (client: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a channel; resolves once listening. If the connection is lost the driver listens
   * again and then calls `onReconnect` (notifications sent in between are lost: re-check state).
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<void>;
  close(): Promise<void>;
}

/** Values a driver accepts for `bytea`. */
export function toBytea(driver: SqlDriver, bytes: Uint8Array): Uint8Array {
  return driver.kind === 'postgres' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

/** A `pg` pool. */
export class PgDriver implements SqlDriver {
  readonly kind = 'postgres';
  readonly pool: pg.Pool;
  #listener: pg.Client | undefined;
  /** Prepared statements live as long as their connection, and so does this. */
  readonly #sessions = new WeakMap<pg.PoolClient, Session>();
  #closed = false;
  readonly #config: pg.PoolConfig;

  constructor(config: pg.PoolConfig) {
    this.#config = config;
    this.pool = new pg.Pool(config);
    // An idle client dropped by the server must not crash the process; the next checkout reconnects.
    this.pool.on('error', () => undefined);
    // pg-pool removes its own error listener from a client before handing it out, and ours is added a
    // tick later: a termination arriving in that gap would be an unhandled 'error' event that kills the
    // process. A permanent no-op listener closes the gap; withClient still records the error itself.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async withClient<T>(fn: (client: SqlClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    c.on('error', onError);
    let session = this.#sessions.get(c);
    if (session === undefined) {
      session = new Session();
      this.#sessions.set(c, session);
    }
    const client: SqlClient = {
      session,
      query: (text, params) => c.query(text, params as unknown[]),
      exec: async (text) => {
        await c.query(text);
      },
      simple: async (text) => {
        const r = (await c.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
        return (Array.isArray(r) ? r : [r]).map((x) => x.rows);
      },
      // pg runs a client's queries in order, so whoever checks this connection out next is queued
      // behind it. A failure can only mean a lost connection, which that next query reports.
      enqueue: (text) => {
        c.query(text).catch(() => undefined);
      },
    };
    try {
      return await fn(client);
    } catch (err) {
      broken ??= isConnectionError(err) ? (err as Error) : undefined;
      throw err;
    } finally {
      c.off('error', onError);
      c.release(broken);
    }
  }

  async listen(
    channel: string,
    onPayload: (payload: string) => void,
    onReconnect?: () => void,
  ): Promise<void> {
    const c = new pg.Client(this.#config);
    c.on('notification', (n) => onPayload(n.payload ?? ''));
    // A server restart or a dropped connection must not silence this store for good: listen again,
    // and tell the caller, since notifications sent meanwhile are lost. Only a listener that got as
    // far as LISTEN starts a reconnect loop; a failed attempt is retried by the loop that made it,
    // so loops never multiply and no half-open connection is left behind.
    let live = false;
    let lost = false;
    const reconnect = () => {
      if (!live || lost || this.#closed) return;
      lost = true;
      if (this.#listener === c) this.#listener = undefined;
      void c.end().catch(() => undefined);
      void this.#relisten(channel, onPayload, onReconnect);
    };
    c.on('error', reconnect);
    c.on('end', reconnect);
    try {
      await c.connect();
      await c.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    } catch (err) {
      lost = true;
      await c.end().catch(() => undefined);
      throw err;
    }
    if (this.#closed) {
      await c.end().catch(() => undefined);
      return;
    }
    live = true;
    this.#listener = c;
  }

  async #relisten(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void) {
    for (let delay = 100; !this.#closed; delay = Math.min(delay * 2, 2000)) {
      await new Promise((r) => setTimeout(r, delay));
      if (this.#closed) return;
      try {
        await this.listen(channel, onPayload, onReconnect);
        onReconnect?.();
        return;
      } catch {
        // Still down: try again after the next delay.
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

/** True for errors that mean the connection is gone. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  const msg = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection is closed|Client has encountered a connection error/i.test(msg);
}

/** Embedded PGlite in a data directory (or in memory when none is given). */
export class PgliteDriver implements SqlDriver {
  readonly kind = 'pglite';
  readonly #db: PGlite;
  #queue: Promise<unknown> = Promise.resolve();
  /** The one connection's prepared statements. */
  readonly #session = new Session();

  constructor(db: PGlite) {
    this.#db = db;
  }

  /** Opens PGlite at `dataDir` (created when missing). */
  static async open(dataDir: string | undefined): Promise<PgliteDriver> {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
    await db.waitReady;
    return new PgliteDriver(db);
  }

  withClient<T>(fn: (client: SqlClient) => Promise<T>): Promise<T> {
    const client: SqlClient = {
      session: this.#session,
      query: (text, params) =>
        this.#db.query<Record<string, unknown>>(text, params as unknown[]).then((r) => ({ rows: r.rows })),
      exec: async (text) => {
        await this.#db.exec(text);
      },
      simple: async (text) => (await this.#db.exec(text)).map((r) => r.rows as Record<string, unknown>[]),
    };
    const run = () => fn(client);
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<void> {
    await this.#db.listen(channel, onPayload);
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#db.close();
  }
}
