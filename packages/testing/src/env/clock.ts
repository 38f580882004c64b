/**
 * The test environment's clock: wall time plus an offset that only grows. Between skips virtual time
 * runs at wall speed, so leases, retries and short sleeps behave as in production; a skip moves the
 * offset so the next timer is due at once.
 */
import type { Clock } from '@reprise/history-store';

/** A {@link Clock} that can jump forward, never back. */
export class SkippableClock implements Clock {
  #offset = 0;

  now(): number {
    return Date.now() + this.#offset;
  }

  /** Moves time to `time` (ms since the epoch); a time already passed changes nothing. */
  advanceTo(time: number): void {
    const ahead = time - this.now();
    if (ahead > 0) this.#offset += ahead;
  }

  /** How far virtual time is ahead of wall time, in ms. */
  get skippedMs(): number {
    return this.#offset;
  }
}
