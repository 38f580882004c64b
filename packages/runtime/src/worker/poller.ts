/**
 * The claim loop shared by workflow and activity tasks: claim as many tasks as there are free slots
 * (one batch, one round trip), hand each to its handler, and between empty claims wait for a
 * notification from the store (LISTEN/NOTIFY), a local poke, or the poll interval.
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

/** Runs until `stop` is aborted; tasks already handed out keep running (the caller waits on the slots). */
export async function pollLoop<T>(o: PollLoopOptions<T>): Promise<void> {
  let failures = 0;
  while (!o.stop.aborted) {
    await o.slots.whenFree();
    if (o.stop.aborted) break;
    const n = Math.min(o.slots.free, o.maxBatch);
    o.slots.take(n);
    let tasks: T[];
    try {
      tasks = await o.claim(n);
      failures = 0;
    } catch (err) {
      for (let i = 0; i < n; i++) o.slots.release();
      failures++;
      // A lost connection or a restarting database: back off, keep the worker alive.
      const delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
      o.logger.log('warn', `${o.kind} task claim failed, retrying`, { error: err, retryInMs: delay });
      await o.waker.sleep(delay, o.stop);
      continue;
    }
    for (let i = tasks.length; i < n; i++) o.slots.release();
    for (const task of tasks) {
      void o.handle(task).finally(() => o.slots.release());
    }
    if (tasks.length === 0) await o.waker.wait(o.stop);
  }
}

/**
 * Waits for work: the store's notification, a local poke (this process just created work for
 * itself), or the poll interval, whichever comes first.
 */
export class Waker {
  readonly #wait: (timeoutMs: number, signal: AbortSignal) => Promise<void>;
  readonly #intervalMs: number;
  #current: AbortController | undefined;
  #poked = false;

  constructor(wait: (timeoutMs: number, signal: AbortSignal) => Promise<void>, intervalMs: number) {
    this.#wait = wait;
    this.#intervalMs = intervalMs;
  }

  /** Ends the current wait (or the next one, at once). */
  poke(): void {
    this.#poked = true;
    this.#current?.abort();
  }

  /** Pokes after `delayMs`: for retries this worker knows are coming. */
  pokeAt(delayMs: number): void {
    const t = setTimeout(() => this.poke(), Math.max(0, delayMs));
    t.unref();
  }

  async wait(stop: AbortSignal): Promise<void> {
    if (this.#poked) {
      this.#poked = false;
      return;
    }
    const ac = new AbortController();
    this.#current = ac;
    const onStop = () => ac.abort();
    stop.addEventListener('abort', onStop, { once: true });
    try {
      await this.#wait(this.#intervalMs, ac.signal);
    } catch {
      // An aborted or failed wait is just an early poll.
    } finally {
      stop.removeEventListener('abort', onStop);
      this.#current = undefined;
      this.#poked = false;
    }
  }

  /** Sleeps `ms`, ending early on `stop`. */
  sleep(ms: number, stop: AbortSignal): Promise<void> {
    return sleep(ms, stop);
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
