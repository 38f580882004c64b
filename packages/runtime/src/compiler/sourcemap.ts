/**
 * Source maps for bundles: a small base64 VLQ decoder, per-module line tables, and the index map
 * (`sections`) that stitches module maps together. Decoding is lazy and per module, so mapping one
 * stack frame of a large bundle decodes only the module that frame sits in.
 */

/** A source map v3 as SWC emits it for one module. */
export interface RawSourceMap {
  version: 3;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  file?: string;
}

/** An index map: module maps placed at line offsets of the bundle. */
export interface IndexSourceMap {
  version: 3;
  file?: string;
  sections: { offset: { line: number; column: number }; map: RawSourceMap }[];
}

/** One decoded mapping: generated column to original position, all 0-based. */
interface Segment {
  genColumn: number;
  source: number;
  line: number;
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

/**
 * Decodes a `mappings` string into one sorted segment list per generated line. Segments without a
 * source (1 field) are kept out: they mark generated code with no original position.
 */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let genColumn = 0;
  let source = 0;
  let srcLine = 0;
  let srcColumn = 0;
  const fields = [0, 0, 0, 0, 0];
  let i = 0;
  while (i <= mappings.length) {
    const ch = mappings.charCodeAt(i);
    if (i === mappings.length || ch === 59 /* ; */) {
      lines.push(line.sort((a, b) => a.genColumn - b.genColumn));
      line = [];
      genColumn = 0;
      i++;
      continue;
    }
    if (ch === 44 /* , */) {
      i++;
      continue;
    }
    let count = 0;
    while (i < mappings.length) {
      const c = mappings.charCodeAt(i);
      if (c === 44 || c === 59) break;
      let value = 0;
      let shift = 0;
      let digit: number;
      do {
        digit = DIGIT[mappings.charCodeAt(i++)] ?? -1;
        if (digit < 0) throw new Error(`invalid base64 VLQ in source map at offset ${i - 1}`);
        value += (digit & 31) * 2 ** shift;
        shift += 5;
      } while (digit & 32);
      const negative = value % 2 === 1;
      value = Math.floor(value / 2);
      if (count < 5) fields[count] = negative ? -value : value;
      count++;
    }
    genColumn += fields[0]!;
    if (count >= 4) {
      source += fields[1]!;
      srcLine += fields[2]!;
      srcColumn += fields[3]!;
      line.push({ genColumn, source, line: srcLine, column: srcColumn });
    }
  }
  return lines;
}

/** An original source position, 1-based like stack traces and editors. */
export interface OriginalLocation {
  file: string;
  line: number;
  column: number;
}

/** Looks up positions in one module's map, decoding it on first use. */
export class ModuleMap {
  readonly #map: RawSourceMap;
  #lines: Segment[][] | undefined;
  constructor(map: RawSourceMap) {
    this.#map = map;
  }
  /** Maps a 0-based generated line/column of this module to its original position. */
  lookup(line: number, column: number): OriginalLocation | undefined {
    this.#lines ??= decodeMappings(this.#map.mappings);
    const segments = this.#lines[line];
    if (!segments || segments.length === 0) return undefined;
    // The last segment starting at or before the column covers it; before the first, use the first
    // (V8 reports a frame's column at the call, which may precede the first mapped token).
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.genColumn <= column) lo = mid;
      else hi = mid - 1;
    }
    const seg = segments[lo]!;
    const file = this.#map.sources[seg.source];
    if (file === undefined) return undefined;
    return { file, line: seg.line + 1, column: seg.column + 1 };
  }
}

/** Maps bundle positions through the sections of an index map. */
export class BundleMapper {
  readonly #offsets: number[];
  readonly #maps: ModuleMap[];
  readonly #ends: number[];
  /** `sections` must be sorted by line; `lineCounts[i]` is how many lines section i spans. */
  constructor(sections: IndexSourceMap['sections'], lineCounts: number[]) {
    this.#offsets = sections.map((s) => s.offset.line);
    this.#maps = sections.map((s) => new ModuleMap(s.map));
    this.#ends = sections.map((s, i) => s.offset.line + (lineCounts[i] ?? 0));
  }
  /** Maps a 1-based bundle line/column (as in V8 stack traces) to the original source. */
  map(line: number, column: number): OriginalLocation | undefined {
    const l = line - 1;
    let lo = 0;
    let hi = this.#offsets.length - 1;
    if (hi < 0 || l < this.#offsets[0]!) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#offsets[mid]! <= l) lo = mid;
      else hi = mid - 1;
    }
    if (l >= this.#ends[lo]!) return undefined;
    return this.#maps[lo]!.lookup(l - this.#offsets[lo]!, column - 1);
  }
}
