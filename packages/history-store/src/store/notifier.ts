/** In-process wake-ups by topic; backends feed it from commits (and Postgres from LISTEN). */
export class Notifier {
  readonly #waiters = new Map<string, Set<(payload?: unknown) => void>>();

  /**
   * Resolves on the next `emit(topic)` with its payload (only commits of this process carry one),
   * or with undefined after `timeoutMs` or when `signal` aborts. The waiter is registered before
   * this returns, so check state after calling and await afterwards.
   */
  wait(topic: string, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    return new Promise<unknown>((resolve) => {
      if (signal?.aborted) return resolve(undefined);
      const waiters = this.#waiters.get(topic) ?? new Set<(payload?: unknown) => void>();
      this.#waiters.set(topic, waiters);
      const done = (payload?: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(topic) === waiters) this.#waiters.delete(topic);
        resolve(payload);
      };
      const onAbort = () => done();
      const timer = setTimeout(onAbort, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(done);
    });
  }

  /** Wakes every waiter on the topic, handing each `payload`. */
  emit(topic: string, payload?: unknown): void {
    const set = this.#waiters.get(topic);
    if (!set) return;
    for (const wake of [...set]) wake(payload);
  }

  /** Wakes everyone (used on close). */
  emitAll(): void {
    for (const topic of [...this.#waiters.keys()]) this.emit(topic);
  }
}
