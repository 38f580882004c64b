import { StoreError } from '../errors.ts';

/** Why the codec refused a value or a byte string. */
export type CodecErrorCode =
  /** The bytes are not a payload this codec wrote: truncated, trailing garbage, unknown extension. */
  | 'CORRUPT_PAYLOAD'
  /** The bytes were written by a newer format version than this code reads. */
  | 'UNSUPPORTED_PAYLOAD_VERSION'
  /** The value holds something that cannot be stored (a function, a symbol, a cycle). */
  | 'UNENCODABLE_VALUE';

/**
 * Raised by {@link encodePayload} and {@link decodePayload} (and the event variants). Never retryable:
 * the same bytes or the same value fail the same way every time.
 */
export class CodecError extends StoreError {
  declare readonly code: CodecErrorCode;
  /** Where in the value the problem is (`$.input[0].callback`), for {@link CodecErrorCode} `UNENCODABLE_VALUE`. */
  readonly path: string | undefined;
  /** The format version byte found, for `UNSUPPORTED_PAYLOAD_VERSION` and `CORRUPT_PAYLOAD`. */
  readonly version: number | undefined;
  constructor(
    code: CodecErrorCode,
    message: string,
    options?: { path?: string; version?: number; cause?: unknown },
  ) {
    super(code, message, options?.cause === undefined ? {} : { cause: options.cause });
    this.path = options?.path;
    this.version = options?.version;
  }
}
