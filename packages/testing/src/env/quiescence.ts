/**
 * Knows whether the test environment is idle: no store operation that changes state in flight, no
 * workflow or activity task held by a worker, and, since the last change, every poller has claimed
 * and found nothing. Only then is every run blocked on timers (or on nothing at all), which is the
 * one moment time skipping may move the clock.
 *
 * The rule is built from what the store's callers do, not from store internals, so it holds for the
 * memory store and PGlite alike:
 * - every state-changing call bumps an epoch when it starts and when it ends;
 * - a claim proves "nothing claimable" for its queue and kind only if it started and ended in the
 *   same epoch with no state-changing call in flight;
 * - a claimed task is held until its completion (or failure) is reported.
 */

/** A queue and task kind a worker of the environment polls. */
export type PollerKey = `${'workflow' | 'activity'}:${string}`;

/** State of the environment's store traffic; see the module comment. */
export class Quiescence {
  #epoch = 0;
  #mutating = 0;
  #claiming = 0;
  readonly #held = new Set<string>();
  readonly #covered = new Map<PollerKey, number>();
  readonly #pollers = new Set<PollerKey>();
  /** Activity retries waiting for their backoff, by task id: the time they become claimable. */
  readonly #retries = new Map<string, number>();
  #resultWaiters = 0;
  #listeners: (() => void)[] = [];
  #onResultWait: (() => void) | undefined;

  /** Calls `fn` whenever a client starts waiting for a run to close. */
  onResultWait(fn: () => void): void {
    this.#onResultWait = fn;
  }

  /** Adds a queue and kind that some worker polls: idleness needs an empty claim from it. */
  addPoller(key: PollerKey): void {
    this.#pollers.add(key);
    this.#changed();
  }

  /** Bumped by every state change; compare two readings to know nothing happened in between. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Nothing changing state, claiming, or held by a worker. */
  get quiet(): boolean {
    return this.#mutating === 0 && this.#claiming === 0 && this.#held.size === 0;
  }

  /** Quiet, and every poller has claimed nothing since the last change. */
  get idle(): boolean {
    return this.quiet && this.uncovered().length === 0;
  }

  /** Pollers with no empty claim in the current epoch. */
  uncovered(): PollerKey[] {
    return [...this.#pollers].filter((k) => this.#covered.get(k) !== this.#epoch);
  }

  /** Clients waiting for a run to close: while there are any, time skipping has work to do. */
  get resultWaiters(): number {
    return this.#resultWaiters;
  }

  /** Earliest activity retry still waiting for its backoff. */
  earliestRetry(): number | undefined {
    let min: number | undefined;
    for (const t of this.#retries.values()) if (min === undefined || t < min) min = t;
    return min;
  }

  /** Forgets retries due by `now`: they are claimable, so the pollers will see them. */
  dropRetriesDue(now: number): boolean {
    let dropped = false;
    for (const [id, t] of this.#retries)
      if (t <= now) {
        this.#retries.delete(id);
        dropped = true;
      }
    if (dropped) this.bump();
    return dropped;
  }

  /** Marks a change that makes work visible without a store write (the clock moved). */
  bump(): void {
    this.#epoch++;
    this.#changed();
  }

  /** Runs a state-changing call. */
  async mutation<T>(fn: () => Promise<T>): Promise<T> {
    const release = this.beginMutation();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Starts a state-changing call; the returned function ends it (idempotent). */
  beginMutation(): () => void {
    this.#epoch++;
    this.#mutating++;
    this.#changed();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.#mutating--;
      this.#epoch++;
      this.#changed();
    };
  }

  /**
   * Runs a call that changes state only when it reports so (firing due timers): the epoch moves at
   * the end only if `changed(result)` says it did.
   */
  async quietMutation<T>(fn: () => Promise<T>, changed: (result: T) => boolean): Promise<T> {
    this.#mutating++;
    this.#changed();
    let moved = true;
    try {
      const result = await fn();
      moved = changed(result);
      return result;
    } finally {
      this.#mutating--;
      if (moved) this.#epoch++;
      this.#changed();
    }
  }

  /** Runs a claim on `key`; the tasks it returns are held until {@link release}d. */
  async claim<T extends { taskId: string }>(key: PollerKey, fn: () => Promise<T[]>): Promise<T[]> {
    const epoch = this.#epoch;
    const clean = this.#mutating === 0;
    this.#claiming++;
    let tasks: T[] = [];
    try {
      tasks = await fn();
      return tasks;
    } finally {
      this.#claiming--;
      if (tasks.length === 0) {
        if (clean && this.#mutating === 0 && this.#epoch === epoch) this.#covered.set(key, epoch);
      } else {
        for (const t of tasks) {
          this.#held.add(t.taskId);
          this.#retries.delete(t.taskId);
        }
      }
      this.#changed();
    }
  }

  /** A held task was completed, failed, or given up by its worker. */
  release(taskId: string): void {
    if (this.#held.delete(taskId)) this.#changed();
  }

  /** An activity attempt failed and is retried at `retryAt`. */
  retryAt(taskId: string, time: number): void {
    this.#retries.set(taskId, time);
    this.#changed();
  }

  /** Counts a client waiting for a run to close, until the returned function is called. */
  beginResultWait(): () => void {
    this.#resultWaiters++;
    this.#changed();
    this.#onResultWait?.();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.#resultWaiters--;
      this.#changed();
    };
  }

  /** Resolves at the next change of anything above. Subscribe before awaiting, check state first. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#listeners.push(resolve));
  }

  #changed(): void {
    if (this.#listeners.length === 0) return;
    const ls = this.#listeners;
    this.#listeners = [];
    for (const l of ls) l();
  }
}
