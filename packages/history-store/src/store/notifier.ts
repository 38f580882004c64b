/** In-process wake-ups by topic; backends feed it from commits (and Postgres from LISTEN). */
export class Notifier {
  readonly #waiters = new Map<string, Set<() => void>>();

  /**
   * Resolves on the next `emit(topic)`, after `timeoutMs`, or when `signal` aborts. The waiter is
   * registered before this returns, so check state after calling and await afterwards.
   */
  wait(topic: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const waiters = this.#waiters.get(topic) ?? new Set<() => void>();
      this.#waiters.set(topic, waiters);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(topic) === waiters) this.#waiters.delete(topic);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      waiters.add(done);
    });
  }

  /** Wakes every waiter on the topic. */
  emit(topic: string): void {
    const set = this.#waiters.get(topic);
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  /** Wakes everyone (used on close). */
  emitAll(): void {
    for (const topic of [...this.#waiters.keys()]) this.emit(topic);
  }
}
