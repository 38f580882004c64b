/**
 * A counting semaphore for the worker's concurrency limits: pollers claim only as many tasks as they
 * have free slots, so a worker never holds a lease it cannot work on.
 */
export class Slots {
  readonly capacity: number;
  #used = 0;
  #waiters: (() => void)[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`concurrency limit must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  get free(): number {
    return this.capacity - this.#used;
  }

  get used(): number {
    return this.#used;
  }

  /** Takes `n` slots (the caller checked `free`). */
  take(n: number): void {
    if (n > this.free) throw new RangeError(`cannot take ${n} slots, ${this.free} free`);
    this.#used += n;
  }

  /** Takes up to `n` free slots at once (none if none are free); returns how many were taken. */
  takeUpTo(n: number): number {
    const k = Math.max(0, Math.min(n, this.free));
    this.#used += k;
    return k;
  }

  /** Gives back `n` slots (default 1) and wakes whoever waits for one. */
  release(n = 1): void {
    if (n <= 0) return;
    this.#used -= n;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when at least one slot is free (at once if one is). */
  async whenFree(): Promise<void> {
    while (this.free === 0) await new Promise<void>((r) => this.#waiters.push(r));
  }

  /** Resolves when no slot is in use. */
  async whenIdle(): Promise<void> {
    while (this.#used > 0) await new Promise<void>((r) => this.#waiters.push(r));
  }
}
