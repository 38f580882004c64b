/**
 * Base of the runtime's error hierarchy. Every error has a string `code` and says whether retrying
 * can help. Identity survives the sandbox boundary and module duplication: check with
 * {@link isRepriseError} or by `code`, not only with `instanceof`.
 */
const BRAND = Symbol.for('reprise.error');

/** Base class of every error the runtime throws on purpose. */
export class RepriseError extends Error {
  /** Stable machine-readable code, e.g. `DISALLOWED_MODULE`, `NONDETERMINISM`. */
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

/** True for any {@link RepriseError}, including one from another copy of this module. */
export function isRepriseError(err: unknown): err is RepriseError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}
