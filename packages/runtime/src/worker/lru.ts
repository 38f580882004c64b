/**
 * A small least-recently-used map for the worker's cache of live runs. `Map` keeps insertion order,
 * so re-inserting on access makes the first key the least recently used.
 */
export class Lru<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();
  readonly #onEvict: (key: K, value: V) => void;

  constructor(max: number, onEvict: (key: K, value: V) => void) {
    if (!Number.isInteger(max) || max < 0)
      throw new RangeError(`cache size must be a non-negative integer, got ${max}`);
    this.#max = max;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#map.size;
  }

  /** The value, marked as most recently used. */
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  /** Looks without touching the order. */
  peek(key: K): V | undefined {
    return this.#map.get(key);
  }

  /** Inserts `value`, evicting the least recently used entries past the limit (never `key` itself unless the limit is 0). */
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next().value as K;
      this.delete(oldest);
    }
  }

  /** Removes `key` and returns its value without calling the eviction hook (the caller keeps it). */
  take(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) this.#map.delete(key);
    return v;
  }

  /** Removes `key`, calling the eviction hook. */
  delete(key: K): boolean {
    const v = this.#map.get(key);
    if (v === undefined) return false;
    this.#map.delete(key);
    this.#onEvict(key, v);
    return true;
  }

  /** Removes everything, calling the eviction hook for each entry. */
  clear(): void {
    for (const k of [...this.#map.keys()]) this.delete(k);
  }

  entries(): IterableIterator<[K, V]> {
    return this.#map.entries();
  }
}
