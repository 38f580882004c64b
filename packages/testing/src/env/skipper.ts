/**
 * Time skipping: while a client waits for a run to close (or the test calls `env.sleep`), and the
 * environment is idle (see {@link Quiescence}), jump the clock to the next time the store has work
 * (a timer, a deadline, an activity retry) and process what fell due. Nothing moves while an
 * activity runs, a workflow task is pending or leased, or a client call is in flight; every jump is
 * followed by the workflows' reaction before the next one, so timers fire in order.
 */
import type { SkippableClock } from './clock.ts';
import { TestEnvironmentError } from './errors.ts';
import type { Quiescence } from './quiescence.ts';
import type { TrackedStore } from './tracked-store.ts';

const BATCH = 500;

interface Sleeper {
  until: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Drives the clock of one test environment. */
export class TimeSkipper {
  readonly #store: TrackedStore;
  readonly #q: Quiescence;
  readonly #clock: SkippableClock;
  readonly #queues: readonly string[];
  #sleepers: Sleeper[] = [];
  readonly #closing: Promise<void>;
  #driving: Promise<void> | undefined;
  #closed = false;

  constructor(store: TrackedStore, quiescence: Quiescence, clock: SkippableClock, queues: readonly string[]) {
    this.#store = store;
    this.#q = quiescence;
    this.#clock = clock;
    this.#queues = queues;
    this.#closing = aborted(store.closingSignal);
    // A client starting to wait for a result is what sets time moving.
    quiescence.onResultWait(() => this.#kick());
  }

  /** Waits for idleness, moves time forward by `ms` (firing what falls due, in order), waits for idleness. */
  async sleep(ms: number): Promise<void> {
    await waitForIdle(this.#q, this.#store, this.#store.closingSignal);
    if (this.#closed) throw tornDown();
    const until = this.#clock.now() + ms;
    const done = new Promise<void>((resolve, reject) => this.#sleepers.push({ until, resolve, reject }));
    this.#kick();
    await done;
  }

  /** Stops skipping; pending sleeps reject. */
  async close(): Promise<void> {
    this.#closed = true;
    const err = tornDown();
    for (const s of this.#sleepers) s.reject(err);
    this.#sleepers = [];
    await this.#driving;
  }

  #kick(): void {
    if (this.#driving || !this.#wanted) return;
    this.#driving = this.#drive()
      .catch((err: unknown) => {
        // A store failure while skipping fails the sleeps; clients see their own calls fail.
        for (const s of this.#sleepers) s.reject(err as Error);
        this.#sleepers = [];
      })
      .finally(() => {
        this.#driving = undefined;
        // Someone may have started waiting while the loop was on its way out.
        this.#kick();
      });
  }

  get #wanted(): boolean {
    return !this.#closed && (this.#q.resultWaiters > 0 || this.#sleepers.length > 0);
  }

  async #drive(): Promise<void> {
    const closing = this.#closing;
    while (this.#wanted) {
      if (!this.#q.quiet) {
        await Promise.race([this.#q.changed(), closing]);
        continue;
      }
      if (!this.#q.idle) {
        for (const k of this.#q.uncovered()) this.#store.pokePollers(k.slice(k.indexOf(':') + 1));
        await Promise.race([this.#q.changed(), closing]);
        continue;
      }
      const epoch = this.#q.epoch;
      const due = await this.#store.nextDueTime();
      if (!this.#q.idle || this.#q.epoch !== epoch) continue;
      const now = this.#clock.now();
      // A woken sleeper's test code may act next (send a signal): look again before moving on.
      if (this.#resolveSleepers(now)) continue;
      if (this.#q.dropRetriesDue(now)) continue;
      const retry = this.#q.earliestRetry();
      const wake = due === undefined ? retry : retry === undefined ? due : Math.min(due, retry);
      if (wake !== undefined && wake <= now) {
        // Due work the store would not process (a row it reports but keeps): do not spin on it.
        if ((await this.#fire()) === 0 && ((await this.#store.nextDueTime()) ?? Infinity) <= now)
          await pause(10);
        continue;
      }
      const sleeper = this.#sleepers.reduce<number | undefined>(
        (m, s) => (m === undefined || s.until < m ? s.until : m),
        undefined,
      );
      const target = wake === undefined ? sleeper : sleeper === undefined ? wake : Math.min(wake, sleeper);
      if (target === undefined) {
        // Every run waits for something only a client can give (a signal, a cancellation).
        await Promise.race([this.#q.changed(), closing]);
        continue;
      }
      this.#clock.advanceTo(target);
      this.#q.bump();
      if (target === wake) await this.#fire();
    }
  }

  /** Processes everything due now and wakes the pollers; returns how many items were processed. */
  async #fire(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.#store.processDueTimers(BATCH);
      total += n;
      if (n < BATCH) break;
    }
    this.#q.bump();
    for (const queue of this.#queues) this.#store.pokePollers(queue);
    return total;
  }

  #resolveSleepers(now: number): boolean {
    const keep: Sleeper[] = [];
    for (const s of this.#sleepers) {
      if (s.until <= now) s.resolve();
      else keep.push(s);
    }
    const woke = keep.length < this.#sleepers.length;
    this.#sleepers = keep;
    return woke;
  }
}

/**
 * Resolves once the environment is idle (see {@link Quiescence}), waking pollers that have not
 * claimed since the last change. Never moves time. Rejects when `signal` aborts.
 */
export async function waitForIdle(q: Quiescence, store: TrackedStore, signal: AbortSignal): Promise<void> {
  let wake: () => void = () => {};
  const closing = new Promise<void>((resolve) => {
    wake = resolve;
  });
  signal.addEventListener('abort', wake, { once: true });
  try {
    while (!q.idle) {
      signal.throwIfAborted();
      if (q.quiet) for (const k of q.uncovered()) store.pokePollers(k.slice(k.indexOf(':') + 1));
      await Promise.race([q.changed(), closing]);
    }
    signal.throwIfAborted();
  } finally {
    signal.removeEventListener('abort', wake);
  }
}

function tornDown(): Error {
  return new TestEnvironmentError('env.sleep(): the test environment was torn down while sleeping');
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise that resolves when `signal` aborts (never rejects). */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
