/**
 * The tagged JSON form of payload values: every value the binary codec keeps, written as JSON so a
 * history file is reviewable and diffable, and read back to exactly the value the msgpack form gives.
 *
 * A value JSON cannot hold becomes an object with exactly one `$`-key (a tag): `{"$bigint": "12"}`.
 * A user object that happens to have exactly one key starting with `$` is wrapped in `{"$object": ...}`
 * so it is never mistaken for a tag. Every other object and array is written as itself, in its own key
 * order (workflow code may iterate it, so the order is part of the data).
 */

/** A JSON value as `JSON.stringify` writes it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Raised for a value that has no tagged form, or a tag that cannot be read; `path` says where. */
export class TaggedJsonError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;
type TypedArrayName = (typeof TYPED_ARRAYS)[number];
const TypedArray = Object.getPrototypeOf(Uint8Array) as abstract new () => ArrayBufferView;
/** The same table the binary codec uses to rebuild errors, so both forms give the same class. */
type MakeError = (message: string, options: { cause: unknown }) => Error;
const ERROR_CLASSES: Record<string, MakeError> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
  AggregateError: AggregateError as unknown as MakeError,
};

function base64(view: ArrayBufferView | ArrayBuffer): string {
  const bytes =
    view instanceof ArrayBuffer
      ? Buffer.from(view)
      : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  return bytes.toString('base64');
}

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  // A plain assignment to `__proto__` would set the prototype instead of a key.
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`;
}

/**
 * Converts a value to its tagged JSON form.
 * @throws TaggedJsonError for functions, symbols and cycles, naming the path.
 */
export function toTaggedJson(value: unknown, path = '$', depth = 0): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value) && !(value === 0 && 1 / value < 0)) return value;
      return { $number: value === 0 ? '-0' : String(value) };
    case 'bigint':
      return { $bigint: value.toString() };
    case 'undefined':
      return { $undefined: true };
    case 'function':
    case 'symbol':
      throw new TaggedJsonError(path, `cannot write a ${typeof value} to a history file`);
    case 'object':
      if (value === null) return null;
      if (depth > 512) throw new TaggedJsonError(path, 'nested more than 512 levels deep (is it cyclic?)');
      return objectToTaggedJson(value, path, depth + 1);
  }
}

function objectToTaggedJson(value: object, path: string, depth: number): JsonValue {
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) out.push(toTaggedJson(value[i], join(path, i), depth));
    return out;
  }
  if (value instanceof Date) {
    return { $date: Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString() };
  }
  if (value instanceof Uint8Array) return { $bytes: base64(value) };
  if (value instanceof TypedArray) return { $typed: [value.constructor.name, base64(value)] };
  if (value instanceof ArrayBuffer) return { $typed: ['ArrayBuffer', base64(value)] };
  if (value instanceof DataView) return { $typed: ['DataView', base64(value)] };
  if (value instanceof Map) {
    const entries: JsonValue[] = [];
    let i = 0;
    for (const [k, v] of value) {
      entries.push([
        toTaggedJson(k, `${path}.<key ${i}>`, depth),
        toTaggedJson(v, `${path}.<value ${i}>`, depth),
      ]);
      i++;
    }
    return { $map: entries };
  }
  if (value instanceof Set) {
    return { $set: [...value].map((item, i) => toTaggedJson(item, join(path, i), depth)) };
  }
  if (value instanceof RegExp) return { $regexp: [value.source, value.flags] };
  if (value instanceof Error) {
    const error: Record<string, JsonValue> = { name: value.name, message: value.message };
    if (value.cause !== undefined) error.cause = toTaggedJson(value.cause, join(path, 'cause'), depth);
    return { $error: error };
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return toTaggedJson(toJSON.call(value), path, depth);
  const out: Record<string, JsonValue> = {};
  const keys = Object.keys(value);
  for (const key of keys) {
    setKey(out, key, toTaggedJson((value as Record<string, unknown>)[key], join(path, key), depth));
  }
  if (keys.length === 1 && keys[0]!.startsWith('$')) return { $object: out };
  return out;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const INTEGER = /^-?\d+$/;

function bytesFrom(text: unknown, path: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new TaggedJsonError(path, 'expected standard base64 text');
  }
  const buf = Buffer.from(text, 'base64');
  // A fresh, exactly sized ArrayBuffer: Buffer.from may hand back a slice of a shared pool.
  return new Uint8Array(buf);
}

function pair(value: unknown, path: string, tag: string): [unknown, unknown] {
  if (!Array.isArray(value) || value.length !== 2) throw new TaggedJsonError(path, `${tag}: expected a pair`);
  return [value[0], value[1]];
}

/**
 * Converts tagged JSON (as `JSON.parse` returned it) back to the value it stands for. Tags are
 * checked, never trusted: a malformed one is an error, not a silently different value.
 * @throws TaggedJsonError for a malformed or unknown tag, naming the path.
 */
export function fromTaggedJson(value: unknown, path = '$'): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item, i) => fromTaggedJson(item, join(path, i)));
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 1 && keys[0]!.startsWith('$')) return fromTag(keys[0]!, record[keys[0]!], path);
  const out: Record<string, unknown> = {};
  for (const key of keys) setKey(out, key, fromTaggedJson(record[key], join(path, key)));
  return out;
}

function fromTag(tag: string, body: unknown, path: string): unknown {
  const where = join(path, tag);
  switch (tag) {
    case '$undefined':
      if (body !== true) throw new TaggedJsonError(where, 'expected true');
      return undefined;
    case '$number':
      if (body === '-0') return -0;
      if (body === 'NaN' || body === 'Infinity' || body === '-Infinity') return Number(body);
      throw new TaggedJsonError(where, "expected 'NaN', 'Infinity', '-Infinity' or '-0'");
    case '$bigint':
      if (typeof body !== 'string' || !INTEGER.test(body))
        throw new TaggedJsonError(where, 'expected decimal digits');
      return BigInt(body);
    case '$date': {
      if (body === 'invalid') return new Date(Number.NaN);
      const time = typeof body === 'string' ? Date.parse(body) : Number.NaN;
      if (Number.isNaN(time)) throw new TaggedJsonError(where, "expected an ISO 8601 date or 'invalid'");
      return new Date(time);
    }
    case '$bytes':
      return bytesFrom(body, where);
    case '$typed': {
      const [name, text] = pair(body, where, tag);
      const bytes = bytesFrom(text, `${where}[1]`);
      if (name === 'ArrayBuffer') return bytes.buffer;
      if (name === 'DataView') return new DataView(bytes.buffer);
      if (!TYPED_ARRAYS.includes(name as TypedArrayName)) {
        throw new TaggedJsonError(`${where}[0]`, `unknown typed array '${String(name)}'`);
      }
      const Ctor = globalThis[name as TypedArrayName];
      if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) {
        throw new TaggedJsonError(where, `${bytes.byteLength} bytes do not fill whole ${name} elements`);
      }
      return new Ctor(bytes.buffer);
    }
    case '$map': {
      if (!Array.isArray(body)) throw new TaggedJsonError(where, 'expected a list of [key, value] pairs');
      const map = new Map<unknown, unknown>();
      body.forEach((entry, i) => {
        const [k, v] = pair(entry, join(where, i), tag);
        map.set(fromTaggedJson(k, `${path}.<key ${i}>`), fromTaggedJson(v, `${path}.<value ${i}>`));
      });
      return map;
    }
    case '$set':
      if (!Array.isArray(body)) throw new TaggedJsonError(where, 'expected a list');
      return new Set(body.map((item, i) => fromTaggedJson(item, join(path, i))));
    case '$regexp': {
      const [source, flags] = pair(body, where, tag);
      try {
        return new RegExp(String(source), String(flags));
      } catch (err) {
        throw new TaggedJsonError(where, (err as Error).message);
      }
    }
    case '$error':
      return errorFrom(body, where);
    case '$object': {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new TaggedJsonError(where, 'expected an object');
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(body)) setKey(out, key, fromTaggedJson(item, join(path, key)));
      return out;
    }
    default:
      throw new TaggedJsonError(
        path,
        `unknown tag '${tag}' (written by a newer Reprise? an object with a single '$' key must be written as {"$object": {...}})`,
      );
  }
}

function errorFrom(body: unknown, where: string): Error {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TaggedJsonError(where, 'expected {name, message, cause?}');
  }
  const { name, message, cause } = body as Record<string, unknown>;
  const decodedCause = fromTaggedJson(cause, join(where, 'cause'));
  const make = typeof name === 'string' ? ERROR_CLASSES[name] : undefined;
  // Built the way the binary codec builds them, so both forms give equal errors.
  if (make) return make(message as string, { cause: decodedCause });
  const error = Error(message as string, { cause: decodedCause });
  error.name = name as string;
  return error;
}
