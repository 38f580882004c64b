/**
 * `TextEncoder` and `TextDecoder` (UTF-8, the encoding the WHATWG Encoding standard requires of
 * every implementation), in plain JavaScript because V8 alone does not provide them.
 *
 * Sandbox-safe: no Node imports.
 */

const UTF8_LABELS = new Set([
  'utf-8',
  'utf8',
  'unicode-1-1-utf-8',
  'unicode11utf8',
  'unicode20utf8',
  'x-unicode20utf8',
]);

/** Encodes strings as UTF-8; lone surrogates become U+FFFD, as the standard requires. */
export class TextEncoder {
  get encoding(): 'utf-8' {
    return 'utf-8';
  }

  encode(input = ''): Uint8Array {
    const text = String(input);
    const out = new Uint8Array(text.length * 3);
    return out.subarray(0, this.encodeInto(text, out).written);
  }

  encodeInto(input: string, dest: Uint8Array): { read: number; written: number } {
    const text = String(input);
    let read = 0;
    let written = 0;
    const n = dest.length;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      let units = 1;
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = text.charCodeAt(i + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          units = 2;
        } else c = 0xfffd;
      }
      const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (written + size > n) break;
      if (size === 1) dest[written++] = c;
      else if (size === 2) {
        dest[written++] = 0xc0 | (c >> 6);
        dest[written++] = 0x80 | (c & 0x3f);
      } else if (size === 3) {
        dest[written++] = 0xe0 | (c >> 12);
        dest[written++] = 0x80 | ((c >> 6) & 0x3f);
        dest[written++] = 0x80 | (c & 0x3f);
      } else {
        dest[written++] = 0xf0 | (c >> 18);
        dest[written++] = 0x80 | ((c >> 12) & 0x3f);
        dest[written++] = 0x80 | ((c >> 6) & 0x3f);
        dest[written++] = 0x80 | (c & 0x3f);
      }
      read += units;
      i += units - 1;
    }
    return { read, written };
  }
}

const toBytes = (input: unknown): Uint8Array => {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('TextDecoder.decode: the input must be an ArrayBuffer or an ArrayBuffer view');
};

/** Decodes UTF-8, with the standard's `fatal`, `ignoreBOM` and `stream` options. */
export class TextDecoder {
  readonly #fatal: boolean;
  readonly #ignoreBOM: boolean;
  #pending: number[] = [];
  #bomSeen = false;

  constructor(label = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    if (!UTF8_LABELS.has(String(label).trim().toLowerCase())) {
      throw new RangeError(
        `TextDecoder: the encoding "${label}" is not supported in workflow code; only utf-8 is`,
      );
    }
    this.#fatal = Boolean(options.fatal);
    this.#ignoreBOM = Boolean(options.ignoreBOM);
  }

  get encoding(): 'utf-8' {
    return 'utf-8';
  }
  get fatal(): boolean {
    return this.#fatal;
  }
  get ignoreBOM(): boolean {
    return this.#ignoreBOM;
  }

  decode(input?: unknown, options: { stream?: boolean } = {}): string {
    const fresh = toBytes(input);
    const stream = Boolean(options.stream);
    const bytes = this.#pending.length === 0 ? fresh : Uint8Array.from([...this.#pending, ...fresh]);
    this.#pending = [];
    let out = '';
    let chunk: number[] = [];
    let i = 0;
    const fail = (): void => {
      if (this.#fatal) throw new TypeError('TextDecoder: the input is not valid UTF-8');
      chunk.push(0xfffd);
    };
    while (i < bytes.length) {
      const b = bytes[i]!;
      let need = 0;
      let cp = 0;
      let lower = 0x80;
      let upper = 0xbf;
      if (b < 0x80) {
        chunk.push(b);
        i++;
      } else {
        if (b >= 0xc2 && b <= 0xdf) [need, cp] = [1, b & 0x1f];
        else if (b >= 0xe0 && b <= 0xef) {
          [need, cp] = [2, b & 0x0f];
          if (b === 0xe0) lower = 0xa0;
          if (b === 0xed) upper = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
          [need, cp] = [3, b & 0x07];
          if (b === 0xf0) lower = 0x90;
          if (b === 0xf4) upper = 0x8f;
        } else {
          fail();
          i++;
          continue;
        }
        let j = 1;
        for (; j <= need && i + j < bytes.length; j++) {
          const next = bytes[i + j]!;
          if (next < lower || next > upper) break;
          [lower, upper] = [0x80, 0xbf];
          cp = (cp << 6) | (next & 0x3f);
        }
        if (j > need) {
          if (cp > 0xffff) chunk.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
          else chunk.push(cp);
          i += j;
        } else if (i + j >= bytes.length && stream) {
          this.#pending = Array.from(bytes.subarray(i));
          break;
        } else {
          fail();
          i += j;
        }
      }
      if (chunk.length >= 8192) {
        out += String.fromCharCode(...chunk);
        chunk = [];
      }
    }
    out += String.fromCharCode(...chunk);
    if (!this.#bomSeen && out.length > 0) {
      this.#bomSeen = true;
      if (!this.#ignoreBOM && out.charCodeAt(0) === 0xfeff) out = out.slice(1);
    }
    if (!stream) this.#bomSeen = false;
    return out;
  }
}

/** Installs `TextEncoder` and `TextDecoder`. */
export function installText(global: typeof globalThis): void {
  Object.defineProperty(global, 'TextEncoder', { value: TextEncoder, writable: true, configurable: true });
  Object.defineProperty(global, 'TextDecoder', { value: TextDecoder, writable: true, configurable: true });
}
