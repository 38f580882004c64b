/**
 * What a cached run is waiting for, kept up to date from its history as events arrive: its open
 * timers (with their fire times) and everything else that will bring it back (activities, child
 * workflows, external signals and cancellations). A run that waits only on a far timer is asleep:
 * the worker disposes its sandbox instance, and it replays from history when the timer fires.
 *
 * Host-only.
 */
import type { HistoryEvent } from '@reprise/history-store';

/** Incremental view of a run's open work; feed it the machine's history after each change. */
export class PendingWork {
  #scanned = 0;
  /** Open timers: timer id → fire time. */
  readonly #timers = new Map<string, number>();
  /** Ids of open activities, children and external requests (the events that opened them). */
  readonly #open = new Set<number>();

  /** Reads the events past those already seen (events are only appended, never removed). */
  update(history: readonly HistoryEvent[]): void {
    for (; this.#scanned < history.length; this.#scanned++) {
      const e = history[this.#scanned];
      if (e) this.#apply(e);
    }
  }

  /**
   * The earliest fire time when the run waits on timers and on nothing else; `undefined` when
   * anything else is open (its result may arrive any moment) or no timer is.
   */
  sleepingUntil(): number | undefined {
    if (this.#open.size > 0 || this.#timers.size === 0) return undefined;
    let earliest = Number.POSITIVE_INFINITY;
    for (const at of this.#timers.values()) if (at < earliest) earliest = at;
    return earliest;
  }

  #apply(e: HistoryEvent): void {
    switch (e.eventType) {
      case 'TimerStarted':
        this.#timers.set(e.timerId, e.eventTime + e.startToFireTimeoutMs);
        return;
      case 'TimerFired':
      case 'TimerCanceled':
        this.#timers.delete(e.timerId);
        return;
      case 'ActivityTaskScheduled':
      case 'StartChildWorkflowExecutionInitiated':
      case 'SignalExternalWorkflowExecutionInitiated':
      case 'RequestCancelExternalWorkflowExecutionInitiated':
        this.#open.add(e.eventId);
        return;
      case 'ActivityTaskCompleted':
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
      case 'ActivityTaskCanceled':
        this.#open.delete(e.scheduledEventId);
        return;
      case 'StartChildWorkflowExecutionFailed':
      case 'ChildWorkflowExecutionCompleted':
      case 'ChildWorkflowExecutionFailed':
      case 'ChildWorkflowExecutionCanceled':
      case 'ChildWorkflowExecutionTerminated':
      case 'ChildWorkflowExecutionTimedOut':
      case 'ExternalWorkflowExecutionSignaled':
      case 'SignalExternalWorkflowExecutionFailed':
      case 'ExternalWorkflowExecutionCancelRequested':
      case 'RequestCancelExternalWorkflowExecutionFailed':
        this.#open.delete(e.initiatedEventId);
        return;
      default:
        return;
    }
  }
}
