/**
 * Copies of store records. Transactions hand out copies of the rows they cache so that a caller's
 * edits never leak into the cache; records are mostly plain objects, arrays and primitives (decoded
 * msgpack), which a walk copies several times faster than `structuredClone`. Anything else inside
 * (a `Date`, `Map`, typed array or error in a user payload) is copied by `structuredClone`, so the
 * result is always a deep copy with the same types.
 */

/** A deep copy of `value`, which must be acyclic (every record is: it was or will be encoded). */
export function cloneRecord<T>(value: T): T {
  return copy(value) as T;
}

function copy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
  for (const k of Object.keys(v)) {
    const item = copy((v as Record<string, unknown>)[k]);
    // Assigning `__proto__` would set the prototype instead of a property.
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: item, enumerable: true, writable: true, configurable: true });
    else out[k] = item;
  }
  return out;
}
