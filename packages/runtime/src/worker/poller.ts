/**
 * The claim loop shared by workflow and activity tasks: claim as many tasks as there are free slots
 * (one batch, one round trip), hand each to its handler, and after a claim that came back short wait
 * for a notification from the store (LISTEN/NOTIFY), a local poke, or the poll interval.
 *
 * The wait is armed before the claim is sent: work that is committed (and notified) while the claim
 * is in flight wakes the loop at once instead of being found one poll interval later.
 */
import type { Logger } from './logger.ts';
import type { Slots } from './slots.ts';

/** Options of {@link pollLoop}. */
export interface PollLoopOptions<T> {
  /** `workflow` or `activity`, for logs. */
  kind: string;
  slots: Slots;
  /** Most tasks per claim. */
  maxBatch: number;
  claim(max: number): Promise<T[]>;
  /** Runs one task; must not throw (errors are the handler's to log). */
  handle(task: T): Promise<void>;
  waker: Waker;
  logger: Logger;
  /** Aborted when the worker stops claiming. */
  stop: AbortSignal;
}

/** Least time between the start of an empty claim and the next one that a notification triggers. */
const NOTIFY_SPACING_MS = 5;

/** Runs until `stop` is aborted; tasks already handed out keep running (the caller waits on the slots). */
export async function pollLoop<T>(o: PollLoopOptions<T>): Promise<void> {
  let failures = 0;
  while (!o.stop.aborted) {
    await o.slots.whenFree();
    if (o.stop.aborted) break;
    const n = Math.min(o.slots.free, o.maxBatch);
    o.slots.take(n);
    const armed = o.waker.arm(o.stop);
    const claimedAt = performance.now();
    let tasks: T[];
    try {
      tasks = await o.claim(n);
      failures = 0;
    } catch (err) {
      armed.cancel();
      for (let i = 0; i < n; i++) o.slots.release();
      failures++;
      // A lost connection or a restarting database: back off, keep the worker alive.
      const delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
      o.logger.log('warn', `${o.kind} task claim failed, retrying`, { error: err, retryInMs: delay });
      await sleep(delay, o.stop);
      continue;
    }
    for (let i = tasks.length; i < n; i++) o.slots.release();
    for (const task of tasks) {
      void o.handle(task).finally(() => o.slots.release());
    }
    if (tasks.length === n) {
      // A full batch: more may be waiting; claim again as soon as a slot is free.
      armed.cancel();
      continue;
    }
    // Came back short. A notification now is usually about work already taken (eager dispatch,
    // another worker, the store's echo of a commit this process saw locally): space the next
    // claim a little after this one so a burst of them costs one claim, not one each. A poke
    // (work this worker knows it created) still claims at once.
    if (tasks.length === 0) armed.holdNotificationsUntil(claimedAt + NOTIFY_SPACING_MS);
    await armed.woke;
    await armed.hold();
  }
}

/** A wait registered ahead of a claim; see {@link Waker.arm}. */
export interface ArmedWait {
  /** Resolves on a notification, a poke, the poll interval, or stop. Never rejects. */
  woke: Promise<void>;
  /** Ends the wait at once (its notification registration and timer are released). */
  cancel(): void;
  /**
   * A notification (not a poke, not stop) that comes before `time` (a `performance.now()` value)
   * ends the wait only at `time`.
   */
  holdNotificationsUntil(time: number): void;
  /**
   * Call after `woke`: unless the wait ended by a poke or stop, sleeps until the time given to
   * {@link ArmedWait.holdNotificationsUntil}. Applied here, after the claim, rather than when the
   * wait resolves: a store whose wait resolves at once (work queued for another kind of task on the
   * same queue) would otherwise be claimed from in a tight loop that never yields to timers.
   */
  hold(): Promise<void>;
}

interface Armed {
  ac: AbortController;
  poked: boolean;
  holdUntil: number;
}

/**
 * Waits for work: the store's notification, a local poke (this process just created work for
 * itself), or the poll interval, whichever comes first.
 */
export class Waker {
  readonly #wait: (timeoutMs: number, signal: AbortSignal) => Promise<void>;
  readonly #intervalMs: number;
  readonly #armed = new Set<Armed>();

  constructor(wait: (timeoutMs: number, signal: AbortSignal) => Promise<void>, intervalMs: number) {
    this.#wait = wait;
    this.#intervalMs = intervalMs;
  }

  /** Ends every armed wait. A poke while nothing is armed needs no record: the next claim sees the work. */
  poke(): void {
    for (const a of this.#armed) {
      a.poked = true;
      a.ac.abort();
    }
  }

  /** Pokes after `delayMs`: for retries this worker knows are coming. */
  pokeAt(delayMs: number): void {
    const t = setTimeout(() => this.poke(), Math.max(0, delayMs));
    t.unref();
  }

  /**
   * Starts waiting now (the store registers the notification listener synchronously), so a
   * notification that arrives before the caller awaits `woke` is kept.
   */
  arm(stop: AbortSignal): ArmedWait {
    const a: Armed = { ac: new AbortController(), poked: false, holdUntil: 0 };
    this.#armed.add(a);
    const onStop = () => a.ac.abort();
    stop.addEventListener('abort', onStop, { once: true });
    if (stop.aborted) a.ac.abort();
    const woke = this.#wait(this.#intervalMs, a.ac.signal)
      .catch(() => undefined) // an aborted or failed wait is just an early poll
      .finally(() => {
        stop.removeEventListener('abort', onStop);
        this.#armed.delete(a);
      });
    return {
      woke,
      cancel: () => a.ac.abort(),
      holdNotificationsUntil: (time) => {
        a.holdUntil = time;
      },
      hold: async () => {
        const hold = a.holdUntil - performance.now();
        if (hold > 0 && !a.poked && !stop.aborted) await sleep(hold, stop);
      },
    };
  }

  /** Waits once (arm and await). */
  wait(stop: AbortSignal): Promise<void> {
    return this.arm(stop).woke;
  }
}

/** Sleeps `ms`, ending early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
