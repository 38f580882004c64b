/**
 * Base of the history store's error hierarchy. Every error has a string `code` and says whether retrying
 * can help. Identity survives the sandbox boundary and module duplication: check with
 * {@link isStoreError} or by `code`, not only with `instanceof`.
 */
const BRAND = Symbol.for('reprise.store-error');

/** Base class of every error the store throws on purpose. */
export class StoreError extends Error {
  /** Stable machine-readable code, e.g. `STALE_LEASE`, `RUN_CONFLICT`. */
  readonly code: string;
  /** True when the same operation may succeed if retried (a lost connection, a lease race). */
  readonly retryable: boolean;
  constructor(code: string, message: string, options?: { retryable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options?.retryable ?? false;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for any {@link StoreError}, including one from another copy of this module. */
export function isStoreError(err: unknown): err is StoreError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}
