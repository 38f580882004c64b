/**
 * A stable, platform-independent hash of plain data, for comparing command arguments with the inputs
 * recorded in history without keeping or printing the values themselves.
 *
 * Sandbox-safe: no Node imports (the hash is computed on both sides of the sandbox boundary).
 */

/**
 * Hashes a value by its content: object keys in sorted order, and `Date`, `bigint`, `Uint8Array`,
 * `Map`, `Set` and `undefined` distinguished from look-alikes. Returns 16 hex digits (two 32-bit
 * FNV-1a lanes with different offsets), enough to tell arguments apart in an error message.
 * @example hashValue([{ id: 1 }]) === hashValue([{ id: 1 }]) // true
 */
export function hashValue(value: unknown): string {
  const state = { a: 0x811c9dc5, b: 0x01000193 ^ 0x9e3779b9 };
  feed(state, value, 0);
  return hex(state.a) + hex(state.b);
}

interface HashState {
  a: number;
  b: number;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function mix(state: HashState, text: string): void {
  let { a, b } = state;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  state.a = a;
  state.b = b;
}

const MAX_DEPTH = 64;

function feed(state: HashState, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) {
    mix(state, '…');
    return;
  }
  switch (typeof value) {
    case 'undefined':
      mix(state, 'u;');
      return;
    case 'boolean':
      mix(state, value ? 't;' : 'f;');
      return;
    case 'number':
      mix(state, `n${Object.is(value, -0) ? '-0' : String(value)};`);
      return;
    case 'bigint':
      mix(state, `i${value.toString()};`);
      return;
    case 'string':
      mix(state, `s${value.length}:${value}`);
      return;
    case 'symbol':
    case 'function':
      mix(state, `x${typeof value};`);
      return;
    case 'object':
      feedObject(state, value, depth);
      return;
  }
}

function feedObject(state: HashState, value: object | null, depth: number): void {
  if (value === null) {
    mix(state, 'z;');
    return;
  }
  if (Array.isArray(value)) {
    mix(state, `[${value.length}`);
    for (const item of value) feed(state, item, depth + 1);
    mix(state, ']');
    return;
  }
  if (value instanceof Date) {
    mix(state, `d${value.getTime()};`);
    return;
  }
  if (value instanceof Uint8Array) {
    mix(state, `b${value.length}:`);
    let text = '';
    for (const byte of value) text += String.fromCharCode(byte);
    mix(state, text);
    return;
  }
  if (value instanceof Map) {
    mix(state, `m${value.size}{`);
    for (const [k, v] of value) {
      feed(state, k, depth + 1);
      feed(state, v, depth + 1);
    }
    mix(state, '}');
    return;
  }
  if (value instanceof Set) {
    mix(state, `e${value.size}{`);
    for (const item of value) feed(state, item, depth + 1);
    mix(state, '}');
    return;
  }
  const keys = Object.keys(value).sort();
  mix(state, `o${keys.length}{`);
  for (const key of keys) {
    mix(state, `s${key.length}:${key}`);
    feed(state, (value as Record<string, unknown>)[key], depth + 1);
  }
  mix(state, '}');
}
