/**
 * The timer loop: fires due durable timers and enforces deadlines through the store's
 * `processDueTimers`, and otherwise sleeps until the earliest due time. While nothing is due it costs
 * one cheap `nextDueTime` per wake and nothing else, however many runs sleep: no sandbox, no per-run
 * polling, no `processDueTimers` call that would find nothing.
 *
 * A timer or deadline created by this worker pokes the loop, which re-reads the earliest due time.
 * One created by another process is seen at the next wake, at most `recheckMs` later; the process
 * that created it fires it itself unless it died, so `recheckMs` bounds how late a crashed
 * worker's timers and lease expiries are taken over.
 */
import type { HistoryStore } from '@reprise/history-store';
import type { Logger } from './logger.ts';
import { sleep } from './poller.ts';

const BATCH = 500;
const BUSY_RETRY_MS = 50;

/** Runs the timer loop until `stop` aborts. `poke()` re-reads the next due time. */
export class TimerLoop {
  readonly #store: HistoryStore;
  readonly #logger: Logger;
  readonly #recheckMs: number;
  #wake: AbortController | undefined;
  #poked = false;

  constructor(store: HistoryStore, logger: Logger, recheckMs: number) {
    this.#store = store;
    this.#logger = logger;
    this.#recheckMs = recheckMs;
  }

  /** A timer or deadline was just created by this worker: recompute the sleep. */
  poke(): void {
    this.#poked = true;
    this.#wake?.abort();
  }

  async run(stop: AbortSignal): Promise<void> {
    let failures = 0;
    while (!stop.aborted) {
      let delay: number;
      try {
        this.#poked = false;
        const next = await this.#store.nextDueTime();
        if (next !== undefined && next <= this.#store.clock.now()) {
          // Work is due: fire it all, batch after batch, then look again.
          let fired = 0;
          let n: number;
          do {
            n = await this.#store.processDueTimers(BATCH);
            fired += n;
          } while (n >= BATCH && !stop.aborted);
          failures = 0;
          if (fired > 0) continue;
          // Due but nothing fired: another worker holds those rows; give it a moment to commit.
          delay = BUSY_RETRY_MS;
        } else {
          failures = 0;
          delay =
            next === undefined
              ? this.#recheckMs
              : Math.min(this.#recheckMs, Math.max(1, next - this.#store.clock.now()));
        }
      } catch (err) {
        failures++;
        delay = Math.min(5000, 100 * 2 ** Math.min(failures, 6));
        this.#logger.log('warn', 'processing due timers failed, retrying', { error: err, retryInMs: delay });
      }
      // A poke while the store was being read must not be lost.
      if (this.#poked) continue;
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
