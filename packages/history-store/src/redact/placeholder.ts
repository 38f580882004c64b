/**
 * Deterministic stand-ins for payload values: the same value (and salt) always gives the same
 * placeholder, anywhere in a history and across histories, so values that workflow code passes
 * through unchanged (an order id from the input to an activity) still match after redaction.
 */
import { createHmac } from 'node:crypto';

const HEX_PER_DIGEST = 64;
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2030, 0, 1);

/** Makes placeholders for one salt, caching digests since histories repeat values a lot. */
export class Placeholders {
  readonly #salt: string;
  readonly #cache = new Map<string, string>();
  constructor(salt: string) {
    this.#salt = salt;
  }

  /** At least `length` hex characters derived from `kind` and `text`. */
  #hex(kind: string, text: string, length = HEX_PER_DIGEST): string {
    const key = `${kind}\0${text}`;
    let hex = this.#cache.get(key);
    if (hex === undefined) {
      hex = createHmac('sha256', this.#salt).update(key).digest('hex');
      this.#cache.set(key, hex);
    }
    let block = hex;
    while (hex.length < length) {
      block = createHmac('sha256', this.#salt).update(block).digest('hex');
      hex += block;
    }
    return hex;
  }

  /** A number in [0, 1) derived from the value. */
  #unit(kind: string, text: string): number {
    return Number.parseInt(this.#hex(kind, text).slice(0, 13), 16) / 2 ** 52;
  }

  /**
   * A string in the same length class (the next power of two at or above the length; the empty
   * string stays empty), so short codes stay short and long text stays long without revealing
   * the exact length.
   */
  string(value: string): string {
    if (value.length === 0) return value;
    let size = 1;
    while (size < value.length) size *= 2;
    return this.#hex('string', value, size).slice(0, size);
  }

  /**
   * A number of the same sign, kind (integer or not) and decimal order of magnitude. Zero, NaN and
   * infinities are kept: they carry no personal data and code often branches on them.
   */
  number(value: number): number {
    if (value === 0 || !Number.isFinite(value)) return value;
    const sign = value < 0 ? -1 : 1;
    const magnitude = Math.abs(value);
    const unit = this.#unit('number', String(value));
    if (Number.isSafeInteger(value)) {
      const digits = String(magnitude).length;
      const low = digits === 1 ? 1 : 10 ** (digits - 1);
      return sign * (low + Math.floor(unit * (10 ** digits - low)));
    }
    const order = 10 ** Math.floor(Math.log10(magnitude));
    return sign * Number(((1 + unit * 9) * order).toPrecision(6));
  }

  /** A bigint with the same sign and number of decimal digits. */
  bigint(value: bigint): bigint {
    if (value === 0n) return value;
    const negative = value < 0n;
    const digits = (negative ? -value : value).toString().length;
    let out = '';
    const hex = this.#hex('bigint', value.toString(), digits * 2);
    for (let i = 0; i < digits; i++) {
      const d = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 10;
      out += i === 0 && digits > 1 && d === 0 ? '1' : String(d);
    }
    const result = BigInt(out || '1');
    return negative ? -result : result;
  }

  /** A valid date between 2000 and 2030 (an invalid date stays invalid). */
  date(value: Date): Date {
    const time = value.getTime();
    if (Number.isNaN(time)) return new Date(Number.NaN);
    return new Date(MIN_TIME + Math.floor(this.#unit('date', String(time)) * (MAX_TIME - MIN_TIME)));
  }

  /** The same number of bytes, derived from the original bytes. */
  bytes(value: Uint8Array): Uint8Array {
    const hex = this.#hex(
      'bytes',
      Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
      value.length * 2,
    );
    return new Uint8Array(Buffer.from(hex.slice(0, value.length * 2), 'hex'));
  }
}
