/**
 * The timer loop: fires due durable timers and enforces deadlines by calling the store's
 * `processDueTimers`, then sleeps until `nextDueTime` (at most one second, so timers created by other
 * processes are seen in time). Sleeping runs cost nothing here: no sandbox, no per-run polling.
 */
import type { HistoryStore } from '@reprise/history-store';
import type { Logger } from './logger.ts';
import { sleep } from './poller.ts';

const MAX_SLEEP_MS = 1000;
const BATCH = 500;

/** Runs the timer loop until `stop` aborts. `poke()` on the returned object re-reads the next due time. */
export class TimerLoop {
  readonly #store: HistoryStore;
  readonly #logger: Logger;
  #wake: AbortController | undefined;

  constructor(store: HistoryStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  /** A timer was just created by this worker: recompute the sleep. */
  poke(): void {
    this.#wake?.abort();
  }

  async run(stop: AbortSignal): Promise<void> {
    let failures = 0;
    while (!stop.aborted) {
      let delay: number;
      try {
        const n = await this.#store.processDueTimers(BATCH);
        failures = 0;
        if (n >= BATCH) continue;
        const next = await this.#store.nextDueTime();
        delay =
          next === undefined
            ? MAX_SLEEP_MS
            : Math.max(0, Math.min(MAX_SLEEP_MS, next - this.#store.clock.now()));
        if (delay === 0) continue;
      } catch (err) {
        failures++;
        delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
        this.#logger.log('warn', 'processing due timers failed, retrying', { error: err, retryInMs: delay });
      }
      const ac = new AbortController();
      this.#wake = ac;
      const onStop = () => ac.abort();
      stop.addEventListener('abort', onStop, { once: true });
      await sleep(delay, ac.signal);
      stop.removeEventListener('abort', onStop);
      this.#wake = undefined;
    }
  }
}
