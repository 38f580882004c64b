/**
 * The one pass over a value before msgpackr sees it. msgpackr's fast paths lose three things we must
 * keep: `-0` (written as the integer 0), `Map` versus plain object (both become a msgpack map), and an
 * own `__proto__` key (renamed on read to keep prototypes safe). Each is replaced here by a small box
 * class that has its own msgpack extension type, so msgpackr writes it and reads it back exactly.
 *
 * The pass is copy-on-write: when nothing needs boxing (the common case) it allocates nothing and
 * returns the value itself. It also rejects what would be silently lost (functions, symbols) and
 * bounds the depth so a cycle fails with a path instead of a stack overflow.
 */
import { addExtension } from 'msgpackr';
import { CodecError } from './errors.ts';

/** Deeper than this is treated as a cycle: no workflow payload is legitimately nested 512 levels. */
export const MAX_DEPTH = 512;

/** Extension type codes, chosen clear of the ones msgpackr itself uses (0x00, 0x10-0x11, 0x42, 0x62-0x78, 0xff). */
const EXT_MAP = 0x20;
const EXT_NEGATIVE_ZERO = 0x21;
const EXT_PROTO_OBJECT = 0x22;

/** A `Map`, as a flat `[key, value, key, value, ...]` list. */
class MapBox {
  readonly flat: unknown[];
  constructor(flat: unknown[]) {
    this.flat = flat;
  }
}
/** `-0`, which msgpackr would write as the integer 0. */
class NegativeZero {}
/** A plain object with an own `__proto__` key, as a flat entry list. */
class ProtoObjectBox {
  readonly flat: unknown[];
  constructor(flat: unknown[]) {
    this.flat = flat;
  }
}
const NEGATIVE_ZERO = new NegativeZero();

function mapFromFlat(flat: unknown): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  if (!Array.isArray(flat)) throw new Error('Map extension: expected a list of entries');
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
  return map;
}

function objectFromFlat(flat: unknown): Record<string, unknown> {
  if (!Array.isArray(flat)) throw new Error('object extension: expected a list of entries');
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    // defineProperty, because `out['__proto__'] = v` would set the prototype instead.
    Object.defineProperty(out, String(flat[i]), {
      value: flat[i + 1],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

// msgpackr's extension registry is process-wide; these classes are private to this module, so the
// registrations only ever match values this module created.
addExtension({ Class: MapBox, type: EXT_MAP, write: (b: MapBox) => b.flat, read: mapFromFlat });
addExtension({ Class: NegativeZero, type: EXT_NEGATIVE_ZERO, write: () => null, read: () => -0 });
addExtension({
  Class: ProtoObjectBox,
  type: EXT_PROTO_OBJECT,
  write: (b: ProtoObjectBox) => b.flat,
  read: objectFromFlat,
});

const TypedArray = Object.getPrototypeOf(Uint8Array) as abstract new () => ArrayBufferView;
const hasBuffer = typeof Buffer === 'function';

/**
 * Keys and indexes from the root to the value being prepared. Kept as a stack rather than a string per
 * node so the common path allocates nothing; it is turned into text only when a value is rejected.
 */
const trail: (string | number)[] = [];

function trailText(): string {
  const text = (steps: readonly (string | number)[]) =>
    steps.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
  // A cycle makes the trail hundreds of steps long; its start and end say enough.
  if (trail.length <= 16) return `$${text(trail)}`;
  return `$${text(trail.slice(0, 8))}...(${trail.length - 12} more)...${text(trail.slice(-4))}`;
}

function unencodable(what: string): CodecError {
  const path = trailText();
  return new CodecError(
    'UNENCODABLE_VALUE',
    `cannot encode ${what} at ${path}: payloads must be data (objects, arrays, strings, numbers, bigints, ` +
      'booleans, null, undefined, Date, Uint8Array and other typed arrays, Map, Set, RegExp, Error)',
    { path },
  );
}

/**
 * Returns `value` ready for msgpackr: the same reference when nothing needs rewriting.
 * @throws CodecError `UNENCODABLE_VALUE` for functions, symbols and values nested past {@link MAX_DEPTH}.
 */
export function prepareForPack(value: unknown): unknown {
  trail.length = 0;
  return prepare(value, 0);
}

function prepare(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'number':
      return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return value;
    case 'function':
      throw unencodable('a function');
    case 'symbol':
      throw unencodable('a symbol');
    case 'object':
      if (value === null) return value;
      if (depth >= MAX_DEPTH) {
        throw unencodable(`a value nested more than ${MAX_DEPTH} levels deep (is it cyclic?)`);
      }
      return prepareObject(value, depth + 1);
  }
}

function prepareObject(value: object, depth: number): unknown {
  if (Array.isArray(value)) return prepareArray(value, depth);
  if (value instanceof Map) {
    const flat: unknown[] = [];
    let i = 0;
    for (const [k, v] of value) {
      trail.push(`<key ${i}>`);
      flat.push(prepare(k, depth));
      trail[trail.length - 1] = `<value ${i}>`;
      flat.push(prepare(v, depth));
      trail.pop();
      i++;
    }
    return new MapBox(flat);
  }
  if (value instanceof Set) {
    const items = [...value];
    const prepared = prepareArray(items, depth);
    return prepared === items ? value : new Set(prepared as unknown[]);
  }
  if (value instanceof TypedArray) {
    // A Buffer is stored as the bytes it views, so it reads back as a plain Uint8Array.
    if (hasBuffer && Buffer.isBuffer(value))
      return new Uint8Array(value.buffer, value.byteOffset, value.length);
    return value;
  }
  if (
    value instanceof Date ||
    value instanceof ArrayBuffer ||
    value instanceof DataView ||
    value instanceof RegExp ||
    value instanceof Error
  ) {
    return value;
  }
  // msgpackr honours toJSON (e.g. a Decimal class); walk what it will actually write.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return prepare(toJSON.call(value), depth);
  return preparePlainObject(value as Record<string, unknown>, depth);
}

function prepareArray(value: readonly unknown[], depth: number): unknown {
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    trail.push(i);
    const prepared = prepare(item, depth);
    trail.pop();
    if (prepared !== item && out === undefined) out = value.slice(0, i);
    if (out !== undefined) out.push(prepared);
  }
  return out ?? value;
}

function preparePlainObject(value: Record<string, unknown>, depth: number): unknown {
  const keys = Object.keys(value);
  if (Object.hasOwn(value, '__proto__')) {
    const flat: unknown[] = [];
    for (const key of keys) {
      trail.push(key);
      flat.push(key, prepare(value[key], depth));
      trail.pop();
    }
    return new ProtoObjectBox(flat);
  }
  let out: Record<string, unknown> | undefined;
  for (const key of keys) {
    const item = value[key];
    trail.push(key);
    const prepared = prepare(item, depth);
    trail.pop();
    if (prepared !== item) {
      out ??= { ...value };
      out[key] = prepared;
    }
  }
  return out ?? value;
}
