/**
 * The binary codec for payloads and history events: one leading format-version byte, then one
 * msgpack value. Stores keep these bytes in `bytea` columns; history files in msgpack form use the
 * same framing. Values round-trip exactly, including what JSON loses: `Date`, `bigint` of any size,
 * `Uint8Array` (and the other typed arrays), `Map`, `Set`, `undefined` (top level, in arrays, as an
 * object property), `NaN`, `±Infinity` and `-0`.
 *
 * The msgpackr options below are each a decision; see docs/history-format.md for the long form.
 */
import { Packr, RESERVE_START_SPACE } from 'msgpackr';
import type { HistoryEvent } from '../events/events.ts';
import { CodecError } from './errors.ts';
import { prepareForPack } from './prepare.ts';

/** The format version this code writes, and the newest it reads. */
export const PAYLOAD_FORMAT_VERSION = 1;

const packr = new Packr({
  // Plain msgpack maps, no record structures: a row written today must decode years from now with no
  // shared structure table to keep in sync, and any msgpack tool can read it.
  useRecords: false,
  // Maps read back as plain objects; real `Map`s travel as their own extension (see prepare.ts).
  mapsAsObjects: true,
  // Set, typed arrays, ArrayBuffer, Error, RegExp and bigints wider than 64 bits as extensions
  // instead of degrading them to arrays, objects or floats.
  moreTypes: true,
  // Never lose precision silently: a bigint past 64 bits takes the bigint extension.
  largeBigIntToFloat: false,
  largeBigIntToString: false,
  // Numbers are written as 32-bit ints or float64, never as 64-bit ints, so a 64-bit int on the wire
  // is always a bigint we wrote and reads back as one.
  int64AsType: 'bigint',
  // float32 would round user numbers.
  useFloat32: 0,
  // Keep `undefined` distinct from `null`.
  encodeUndefinedAsNil: false,
  // Decoded bytes must not alias (and keep alive) the row or file buffer they came from.
  copyBuffers: true,
  // Smallest map headers, and objects with more than 65,535 keys still encode.
  variableMapSize: true,
  // Shared references are data, written twice; cycles are rejected before msgpackr sees them.
  structuredClone: false,
});

/**
 * Encodes any payload value (an activity input, a result, a whole event) to bytes.
 * @throws CodecError `UNENCODABLE_VALUE` naming the path of a function, symbol or cycle in `value`.
 */
export function encodePayload(value: unknown): Uint8Array {
  const prepared = prepareForPack(value);
  let bytes: Uint8Array;
  try {
    // Reserve the version byte inside msgpackr's own buffer instead of copying the result.
    bytes = packr.pack(prepared, RESERVE_START_SPACE | 1);
  } catch (err) {
    throw new CodecError('UNENCODABLE_VALUE', `cannot encode the value: ${(err as Error).message}`, {
      path: '$',
      cause: err,
    });
  }
  bytes[0] = PAYLOAD_FORMAT_VERSION;
  return bytes;
}

/**
 * Decodes bytes written by {@link encodePayload}.
 * @param what names the bytes in error messages (e.g. `event 12 of order-1/run-a`).
 * @throws CodecError `CORRUPT_PAYLOAD` for empty, truncated or damaged bytes, and
 *   `UNSUPPORTED_PAYLOAD_VERSION` for bytes from a newer version of Reprise.
 */
export function decodePayload(bytes: Uint8Array, what = 'payload'): unknown {
  const version = bytes[0];
  if (version === undefined)
    throw new CodecError('CORRUPT_PAYLOAD', `${what}: empty, expected encoded bytes`);
  if (version !== PAYLOAD_FORMAT_VERSION) {
    if (version > PAYLOAD_FORMAT_VERSION && version < 0x20) {
      throw new CodecError(
        'UNSUPPORTED_PAYLOAD_VERSION',
        `${what}: written in payload format version ${version}, this version of Reprise reads up to ` +
          `${PAYLOAD_FORMAT_VERSION}; upgrade @reprise/history-store to read it`,
        { version },
      );
    }
    throw new CodecError(
      'CORRUPT_PAYLOAD',
      `${what}: not a Reprise payload (first byte 0x${version.toString(16).padStart(2, '0')}, ` +
        `expected format version ${PAYLOAD_FORMAT_VERSION})`,
      { version },
    );
  }
  try {
    return packr.unpack(bytes, { start: 1 });
  } catch (err) {
    throw new CodecError(
      'CORRUPT_PAYLOAD',
      `${what}: damaged or truncated (${bytes.length} bytes): ${(err as Error).message}`,
      { version, cause: err },
    );
  }
}

/** Encodes one history event, e.g. for an `events.payload` column. */
export function encodeEvent(event: HistoryEvent): Uint8Array {
  return encodePayload(event);
}

/**
 * Decodes one event written by {@link encodeEvent}. The result is trusted, not validated: stores
 * validate events when they append them; files are validated by the history file reader.
 */
export function decodeEvent(bytes: Uint8Array, what = 'event'): HistoryEvent {
  const value = decodePayload(bytes, what);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CodecError(
      'CORRUPT_PAYLOAD',
      `${what}: decoded to ${describe(value)}, expected an event object`,
    );
  }
  return value as HistoryEvent;
}

/** Encodes a list of events as one byte string (one msgpack array). */
export function encodeEvents(events: readonly HistoryEvent[]): Uint8Array {
  return encodePayload(events);
}

/** Decodes bytes written by {@link encodeEvents}; trusted like {@link decodeEvent}. */
export function decodeEvents(bytes: Uint8Array, what = 'events'): HistoryEvent[] {
  const value = decodePayload(bytes, what);
  if (!Array.isArray(value)) {
    throw new CodecError(
      'CORRUPT_PAYLOAD',
      `${what}: decoded to ${describe(value)}, expected a list of events`,
    );
  }
  return value as HistoryEvent[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
