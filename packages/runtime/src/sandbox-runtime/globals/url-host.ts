/**
 * Host parsing for `URL`: IPv4 (with the legacy hex/octal forms), IPv6 (compressed on output),
 * opaque hosts, and domains lowered and converted to punycode. Domain mapping is the common subset
 * of UTS #46 (lower case, NFC); exotic mappings are out of scope for workflow code.
 *
 * Sandbox-safe: no Node imports.
 */
import { percentDecode, percentEncodeC0 } from './url-encoding.ts';

const FORBIDDEN_HOST = /[\0\t\n\r #/:<>?@[\\\]^|]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the standard forbids these code points in domains.
const FORBIDDEN_DOMAIN = /[\0-\x1f\t\n\r #%/:<>?@[\\\]^|\x7f]/;

/** A parse failure; `URL` turns it into the TypeError the standard specifies. */
export class HostError extends Error {}

function parseIPv4Number(part: string): number {
  if (part === '') return Number.NaN;
  let radix = 10;
  let digits = part;
  if (/^0[xX]/.test(part)) [radix, digits] = [16, part.slice(2)];
  else if (part.length > 1 && part.startsWith('0')) [radix, digits] = [8, part.slice(1)];
  if (digits === '') return 0;
  const pattern = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  return pattern.test(digits) ? Number.parseInt(digits, radix) : Number.NaN;
}

function endsInNumber(host: string): boolean {
  const parts = host.split('.');
  if (parts.at(-1) === '' && parts.length > 1) parts.pop();
  const last = parts.at(-1) ?? '';
  return /^[0-9]+$/.test(last) || !Number.isNaN(parseIPv4Number(last));
}

function parseIPv4(host: string): string {
  const parts = host.split('.');
  if (parts.at(-1) === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) throw new HostError('too many IPv4 parts');
  const numbers = parts.map(parseIPv4Number);
  if (numbers.some((n) => Number.isNaN(n))) throw new HostError('invalid IPv4 number');
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (5 - parts.length))
    throw new HostError('IPv4 part out of range');
  let address = last;
  numbers.forEach((n, i) => {
    address += n * 256 ** (3 - i);
  });
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

function parseIPv6(input: string): string {
  const halves = input.split('::');
  if (halves.length > 2) throw new HostError('more than one "::" in IPv6 address');
  const groups = (text: string): number[] => {
    if (text === '') return [];
    const out: number[] = [];
    const parts = text.split(':');
    parts.forEach((part, i) => {
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIPv4(part).split('.').map(Number);
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) out.push(Number.parseInt(part, 16));
      else throw new HostError(`invalid IPv6 piece "${part}"`);
    });
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 2 && fill < 1) || (halves.length === 1 && fill !== 0))
    throw new HostError('wrong IPv6 length');
  const pieces = [...head, ...Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  // Compress the first longest run of two or more zero pieces.
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && pieces[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hexes = pieces.map((p) => p.toString(16));
  if (best < 0) return `[${hexes.join(':')}]`;
  return `[${hexes.slice(0, best).join(':')}::${hexes.slice(best + bestLength).join(':')}]`;
}

/** RFC 3492 punycode encoding of one label. */
function punycode(label: string): string {
  const input = Array.from(label, (ch) => ch.codePointAt(0)!);
  let output = input
    .filter((c) => c < 0x80)
    .map((c) => String.fromCharCode(c))
    .join('');
  const basic = output.length;
  let handled = basic;
  if (basic > 0) output += '-';
  let n = 128;
  let delta = 0;
  let bias = 72;
  const digit = (d: number): string => String.fromCharCode(d + 22 + 75 * Number(d < 26));
  const adapt = (d: number, points: number, first: boolean): number => {
    let k = 0;
    d = first ? Math.floor(d / 700) : d >> 1;
    d += Math.floor(d / points);
    for (; d > 455; k += 36) d = Math.floor(d / 35);
    return k + Math.floor((36 * d) / (d + 38));
  };
  while (handled < input.length) {
    const m = Math.min(...input.filter((c) => c >= n));
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of input) {
      if (c < n) delta++;
      if (c !== n) continue;
      let q = delta;
      for (let k = 36; ; k += 36) {
        const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
        if (q < t) break;
        output += digit(t + ((q - t) % (36 - t)));
        q = Math.floor((q - t) / (36 - t));
      }
      output += digit(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

/** Parses the host of a URL; `special` is true for http(s), ws(s), ftp and file. */
export function parseHost(input: string, special: boolean): string {
  if (input.startsWith('[')) {
    if (!input.endsWith(']')) throw new HostError('unclosed IPv6 address');
    return parseIPv6(input.slice(1, -1));
  }
  if (!special) {
    if (FORBIDDEN_HOST.test(input)) throw new HostError('forbidden host code point');
    return percentEncodeC0(input);
  }
  const domain = percentDecode(input)
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\u3002\uff0e\uff61]/g, '.');
  if (domain === '') throw new HostError('empty host');
  const ascii = domain
    .split('.')
    .map((label) => (/^[\0-\x7f]*$/.test(label) ? label : `xn--${punycode(label)}`))
    .join('.');
  if (FORBIDDEN_DOMAIN.test(ascii)) throw new HostError('forbidden domain code point');
  return endsInNumber(ascii) ? parseIPv4(ascii) : ascii;
}
