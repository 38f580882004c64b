/**
 * Percent-encoding sets and the form-urlencoded codec from the WHATWG URL standard, shared by
 * `URL` and `URLSearchParams`.
 *
 * Sandbox-safe: no Node imports.
 */

function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    let c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return bytes;
}

const hex = (b: number): string => `%${b.toString(16).toUpperCase().padStart(2, '0')}`;

const set = (chars: string, base?: Set<number>): Set<number> => {
  const s = new Set(base);
  for (const ch of chars) s.add(ch.charCodeAt(0));
  return s;
};

/** Characters percent-encoded in each URL component (C0 controls and non-ASCII always are). */
export const FRAGMENT_SET = set(' "<>`');
export const QUERY_SET = set(' "#<>');
export const SPECIAL_QUERY_SET = set("'", QUERY_SET);
export const PATH_SET = set('?^`{}', QUERY_SET);
export const USERINFO_SET = set('/:;=@[\\]|', PATH_SET);
export const COMPONENT_SET = set('$%&+,', USERINFO_SET);
export const FORM_SET = set("!'()~", COMPONENT_SET);

/** Percent-encodes `text` as UTF-8 with `encodeSet`; `spaceAsPlus` for form encoding. */
export function percentEncode(text: string, encodeSet: Set<number>, spaceAsPlus = false): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (spaceAsPlus && c === 0x20) out += '+';
    else if (c > 0x20 && c < 0x7f && !encodeSet.has(c)) out += ch;
    else for (const b of utf8Bytes(ch)) out += hex(b);
  }
  return out;
}

/** Percent-encodes C0 controls and non-ASCII only (opaque paths and hosts). */
export function percentEncodeC0(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c < 0x7f) out += ch;
    else for (const b of utf8Bytes(ch)) out += hex(b);
  }
  return out;
}

/** Decodes `%XX` sequences to bytes, then the bytes as UTF-8 (invalid sequences become U+FFFD). */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...utf8Bytes(ch));
  }
  return decodeUtf8(bytes);
}

function decodeUtf8(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) {
      out += '\ufffd';
      i++;
      continue;
    }
    let cp = need === 0 ? b : b & (0x3f >> need);
    let j = 1;
    for (; j <= need; j++) {
      const next = bytes[i + j];
      if (next === undefined || (next & 0xc0) !== 0x80) break;
      cp = (cp << 6) | (next & 0x3f);
    }
    const overlong = (need === 2 && cp < 0x800) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff));
    if (j <= need || overlong || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += '\ufffd';
      i += Math.max(1, j);
    } else {
      out += String.fromCodePoint(cp);
      i += j;
    }
  }
  return out;
}

/** Parses `application/x-www-form-urlencoded` text into name/value pairs. */
export function parseForm(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([percentDecode(name.replaceAll('+', ' ')), percentDecode(value.replaceAll('+', ' '))]);
  }
  return pairs;
}

/** Serializes name/value pairs as `application/x-www-form-urlencoded`. */
export function serializeForm(pairs: [string, string][]): string {
  return pairs
    .map(([n, v]) => `${percentEncode(n, FORM_SET, true)}=${percentEncode(v, FORM_SET, true)}`)
    .join('&');
}
