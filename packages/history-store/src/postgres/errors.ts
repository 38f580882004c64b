/** Postgres errors by SQLSTATE: what a retry can fix, and what it cannot. */
import { isStoreError, StoreError } from '../errors.ts';
import { isConnectionError } from './driver.ts';

/** How a failed transaction may be handled. */
export type ErrorClass =
  | 'connection'
  | 'serialization'
  | 'deadlock'
  | 'uniqueRace'
  | 'preparedStatement'
  | 'terminal';

/** Classifies an error thrown inside a store transaction. */
export function classifyPgError(err: unknown): ErrorClass {
  if (isStoreError(err)) return 'terminal';
  if (isConnectionError(err)) return 'connection';
  const code = (err as { code?: unknown })?.code;
  if (code === '40001') return 'serialization';
  if (code === '40P01') return 'deadlock';
  // The server is out of connection slots (a shared server under load): a connection problem that
  // passes, not a fault of the operation.
  if (code === '53300') return 'connection';
  // Two starts of one workflow id racing: the loser re-runs and sees the winner's run.
  if (code === '23505') return 'uniqueRace';
  // The connection does not hold the prepared statements the store believed it did (a pooler in
  // transaction mode between the store and Postgres): the retry prepares them again (session.ts).
  if (code === '26000' || code === '42P05') return 'preparedStatement';
  return 'terminal';
}

/** Wraps a driver error as a StoreError that says whether to retry. */
export function toStoreError(err: unknown, cls: ErrorClass, what: string): unknown {
  if (isStoreError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown })?.code;
  if (cls === 'terminal') {
    return new StoreError(
      'DATABASE_ERROR',
      `${what} failed in Postgres${code ? ` (${code})` : ''}: ${message}`,
      {
        cause: err,
      },
    );
  }
  return new StoreError(
    cls === 'connection' ? 'CONNECTION_LOST' : 'TRANSACTION_CONFLICT',
    `${what} failed (${cls}${code ? `, ${code}` : ''}): ${message}. Nothing was committed; retry the operation.`,
    { retryable: true, cause: err },
  );
}
