/**
 * Heartbeats of one activity attempt: throttles the activity's `heartbeat(details)` calls, keeps the
 * task's lease alive while the activity runs, enforces the heartbeat timeout locally, and turns a
 * cancellation request in the store's reply into an abort.
 *
 * Host-only.
 */
import type { ActivityTask, HistoryStore } from '@reprise/history-store';
import type { Logger } from '../worker/logger.ts';

/** Why the attempt was stopped from outside. */
export type StopReason = 'cancelled' | 'heartbeatTimeout' | 'leaseLost';

/** Options for {@link HeartbeatPump}. */
export interface HeartbeatPumpOptions {
  store: Pick<HistoryStore, 'heartbeatActivityTask'>;
  task: ActivityTask;
  /** The lease length the task was claimed with: refreshed every third of it. */
  leaseMs: number;
  /** Upper bound on the rate of heartbeats sent for detail changes (default 80% of the heartbeat timeout, at most 30 s). */
  maxIntervalMs?: number;
  logger: Logger;
  onStop(reason: StopReason): void;
}

const DEFAULT_MAX_INTERVAL_MS = 30_000;

/** Sends an attempt's heartbeats to the store. Start it when the activity starts and `stop()` it when it ends. */
export class HeartbeatPump {
  readonly #o: HeartbeatPumpOptions;
  readonly #throttleMs: number;
  #details: unknown;
  #hasDetails = false;
  #dirty = false;
  #lastSent = 0;
  #inFlight: Promise<void> | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #leaseTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: HeartbeatPumpOptions) {
    this.#o = options;
    const hb = options.task.heartbeatTimeoutMs;
    this.#throttleMs =
      options.maxIntervalMs ??
      (hb === undefined ? DEFAULT_MAX_INTERVAL_MS : Math.min(hb * 0.8, DEFAULT_MAX_INTERVAL_MS));
    if (options.task.heartbeatDetails !== undefined) {
      this.#details = options.task.heartbeatDetails;
      this.#hasDetails = true;
    }
  }

  start(): void {
    // The first detail heartbeat goes out at once; the lease needs no refresh until a third of it passed.
    const started = Date.now();
    const refresh = Math.max(50, Math.floor(this.#o.leaseMs / 3));
    this.#leaseTimer = setInterval(() => {
      if (Date.now() - Math.max(this.#lastSent, started) >= refresh) this.#send();
    }, refresh);
    this.#leaseTimer.unref();
    this.#armHeartbeatTimeout();
  }

  /** Records details from the activity; sent at once if the throttle allows, otherwise later. */
  record(details: unknown): void {
    if (this.#stopped) return;
    if (details !== undefined) {
      this.#details = details;
      this.#hasDetails = true;
    }
    this.#dirty = true;
    this.#armHeartbeatTimeout();
    const wait = this.#lastSent + this.#throttleMs - Date.now();
    if (wait <= 0 && !this.#inFlight) this.#send();
    else if (!this.#flushTimer) {
      this.#flushTimer = setTimeout(
        () => {
          this.#flushTimer = undefined;
          if (this.#dirty) this.#send();
        },
        Math.max(wait, 10),
      );
      this.#flushTimer.unref();
    }
  }

  /** The latest details the activity reported (for the outcome of a cancelled attempt). */
  get details(): unknown {
    return this.#hasDetails ? this.#details : undefined;
  }

  /** Stops all timers and waits for a heartbeat in flight, so it cannot race the completion. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#flushTimer);
    clearInterval(this.#leaseTimer);
    clearTimeout(this.#heartbeatTimer);
    await this.#inFlight;
  }

  #armHeartbeatTimeout(): void {
    const ms = this.#o.task.heartbeatTimeoutMs;
    if (ms === undefined || ms <= 0) return;
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = setTimeout(() => this.#o.onStop('heartbeatTimeout'), ms);
    this.#heartbeatTimer.unref();
  }

  #send(): void {
    if (this.#stopped || this.#inFlight) return;
    this.#dirty = false;
    this.#lastSent = Date.now();
    const { store, task, logger } = this.#o;
    this.#inFlight = store
      .heartbeatActivityTask(task, this.#hasDetails ? this.#details : undefined)
      .then(
        (reply) => {
          if (reply.cancelRequested) this.#o.onStop('cancelled');
        },
        (err: unknown) => {
          if ((err as { code?: unknown })?.code === 'STALE_LEASE') this.#o.onStop('leaseLost');
          else
            logger.log('warn', 'activity heartbeat failed', {
              workflowId: task.workflowId,
              runId: task.runId,
              activityId: task.activityId,
              error: err,
            });
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
      });
  }
}
