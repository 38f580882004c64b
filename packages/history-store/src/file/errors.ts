import { StoreError } from '../errors.ts';

/** Where in a history file a problem is. */
export interface HistoryFileLocation {
  /** The file (or the `source` name given to `parseHistory`). */
  source: string;
  /** 1-based line, for JSONL files that hold one history per line. */
  line?: number;
  /** The event the problem is in, when it is in one. */
  eventId?: number;
}

/**
 * A history file that cannot be loaded: malformed or truncated, tampered with, from a newer format,
 * or describing an impossible history. The message names the file, the line (JSONL), the event id
 * and what is wrong; the same facts are on the error as fields. Never retryable.
 */
export class HistoryFileError extends StoreError {
  declare readonly code: 'INVALID_HISTORY_FILE';
  readonly source: string;
  readonly line: number | undefined;
  readonly eventId: number | undefined;
  /** What is wrong, without the location prefix. */
  readonly reason: string;
  constructor(location: HistoryFileLocation, reason: string, options?: { cause?: unknown }) {
    const where = location.line === undefined ? location.source : `${location.source}:${location.line}`;
    const event = location.eventId === undefined ? '' : `event ${location.eventId}: `;
    super(
      'INVALID_HISTORY_FILE',
      `${where}: ${event}${reason}`,
      options?.cause === undefined ? {} : { cause: options.cause },
    );
    this.source = location.source;
    this.line = location.line;
    this.eventId = location.eventId;
    this.reason = reason;
  }
}
