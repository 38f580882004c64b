/**
 * The simulated outside world: what answers a run's commands (activity workers, timers, children,
 * other workflows) and when, as a queue of future arrivals ordered by time, then by creation.
 */
import type { HistoryEvent, NewEvent } from '@reprise/history-store';
import type { UpdateRequest } from '../state-machine/index.ts';
import type { ActivityCall, ActivityOutcomeScript, ChildOutcomeScript, SimulationScript } from './types.ts';

/** Something that will arrive: events built when appended (they may refer to ids known only then). */
export interface Arrival {
  at: number;
  order: number;
  key?: string;
  events: (nextEventId: number) => NewEvent[];
  /** An update: appends nothing itself, it rides on the workflow task its arrival schedules. */
  update?: UpdateRequest;
}

/** Future arrivals, earliest first; ties keep creation order. */
export class ArrivalQueue {
  private items: Arrival[] = [];
  private order = 0;

  push(at: number, events: (nextEventId: number) => NewEvent[], key?: string, update?: UpdateRequest): void {
    const item: Arrival = { at, order: this.order++, events };
    if (key !== undefined) item.key = key;
    if (update !== undefined) item.update = update;
    let i = this.items.length;
    while (i > 0 && this.items[i - 1]!.at > at) i--;
    this.items.splice(i, 0, item);
  }

  /** Removes the arrival with this key; returns whether there was one. */
  remove(key: string): boolean {
    const i = this.items.findIndex((a) => a.key === key);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  /** Takes every arrival due at the earliest time. */
  takeEarliest(): Arrival[] {
    const first = this.items[0];
    if (!first) return [];
    let n = 1;
    while (n < this.items.length && this.items[n]!.at === first.at) n++;
    return this.items.splice(0, n);
  }

  get size(): number {
    return this.items.length;
  }
}

const SIM = 'simulator';

/** Reacts to the command events of one completed workflow task by scheduling their answers. */
export class World {
  private readonly queue: ArrivalQueue;
  private readonly script: SimulationScript;
  private activityCalls = 0;
  private readonly typeCalls = new Map<string, number>();
  private readonly childStarted = new Map<number, number>();
  private readonly childRun = new Map<number, string>();

  constructor(queue: ArrivalQueue, script: SimulationScript) {
    this.queue = queue;
    this.script = script;
  }

  /** Notes appended events the world must remember (a child's started event id). */
  appended(e: HistoryEvent): void {
    if (e.eventType === 'ChildWorkflowExecutionStarted') this.childStarted.set(e.initiatedEventId, e.eventId);
  }

  /** Schedules the outside world's answer to a command event recorded at `now`. */
  react(e: HistoryEvent, now: number): void {
    const latency = this.script.defaultLatencyMs ?? 1000;
    switch (e.eventType) {
      case 'ActivityTaskScheduled': {
        const outcome = this.activityOutcome(e);
        const id = e.eventId;
        this.queue.push(now + (outcome.latencyMs ?? latency), activityEvents(id, outcome), `activity:${id}`);
        return;
      }
      case 'ActivityTaskCancelRequested': {
        const id = e.scheduledEventId;
        if (this.queue.remove(`activity:${id}`)) {
          this.queue.push(now, () => [{ eventType: 'ActivityTaskCanceled', scheduledEventId: id }]);
        }
        return;
      }
      case 'TimerStarted': {
        const { timerId, eventId } = e;
        this.queue.push(
          now + e.startToFireTimeoutMs,
          () => [{ eventType: 'TimerFired', timerId, startedEventId: eventId }],
          `timer:${timerId}`,
        );
        return;
      }
      case 'TimerCanceled':
        this.queue.remove(`timer:${e.timerId}`);
        return;
      case 'StartChildWorkflowExecutionInitiated':
        this.startChild(e, now, latency);
        return;
      case 'RequestCancelExternalWorkflowExecutionInitiated': {
        const { eventId, workflowId } = e;
        this.queue.push(now, () => [
          { eventType: 'ExternalWorkflowExecutionCancelRequested', initiatedEventId: eventId, workflowId },
        ]);
        if (e.childWorkflowOnly) this.cancelChild(workflowId, now);
        return;
      }
      case 'SignalExternalWorkflowExecutionInitiated': {
        const { eventId, workflowId } = e;
        this.queue.push(now, () => [
          { eventType: 'ExternalWorkflowExecutionSignaled', initiatedEventId: eventId, workflowId },
        ]);
        return;
      }
      default:
        return;
    }
  }

  private activityOutcome(e: HistoryEvent & { eventType: 'ActivityTaskScheduled' }): ActivityOutcomeScript {
    const typeIndex = this.typeCalls.get(e.activityType) ?? 0;
    this.typeCalls.set(e.activityType, typeIndex + 1);
    const call: ActivityCall = {
      activityType: e.activityType,
      activityId: e.activityId,
      args: e.input,
      index: this.activityCalls++,
      typeIndex,
    };
    const script = this.script.activities;
    if (typeof script === 'function') return script(call);
    const entry = script?.[e.activityType];
    if (Array.isArray(entry)) return entry[Math.min(typeIndex, entry.length - 1)] ?? { status: 'completed' };
    return entry ?? { status: 'completed' };
  }

  private startChild(
    e: HistoryEvent & { eventType: 'StartChildWorkflowExecutionInitiated' },
    now: number,
    latency: number,
  ): void {
    const script = this.script.children;
    const call = { workflowType: e.workflowType, workflowId: e.workflowId, args: e.input };
    const outcome: ChildOutcomeScript = (typeof script === 'function'
      ? script(call)
      : script?.[e.workflowType]) ?? { status: 'completed' };
    const { eventId: initiatedEventId, workflowId, workflowType } = e;
    if (outcome.status === 'startFailed') {
      this.queue.push(now, () => [
        {
          eventType: 'StartChildWorkflowExecutionFailed',
          initiatedEventId,
          workflowId,
          workflowType,
          cause: outcome.cause ?? 'WorkflowAlreadyExists',
        },
      ]);
      return;
    }
    const runId = `${workflowId}-run-1`;
    this.childRun.set(initiatedEventId, workflowId);
    this.queue.push(now, () => [
      { eventType: 'ChildWorkflowExecutionStarted', initiatedEventId, workflowId, runId, workflowType },
    ]);
    this.queue.push(
      now + (outcome.latencyMs ?? latency),
      () => {
        const startedEventId = this.childStarted.get(initiatedEventId) ?? initiatedEventId;
        const base = { initiatedEventId, startedEventId, workflowId, runId };
        return outcome.status === 'completed'
          ? [{ eventType: 'ChildWorkflowExecutionCompleted', ...base, result: outcome.result }]
          : [{ eventType: 'ChildWorkflowExecutionFailed', ...base, failure: outcome.failure }];
      },
      `child:${initiatedEventId}`,
    );
  }

  private cancelChild(workflowId: string, now: number): void {
    for (const [initiatedEventId, id] of this.childRun) {
      if (id !== workflowId || !this.queue.remove(`child:${initiatedEventId}`)) continue;
      this.queue.push(now, () => [
        {
          eventType: 'ChildWorkflowExecutionCanceled',
          initiatedEventId,
          startedEventId: this.childStarted.get(initiatedEventId) ?? initiatedEventId,
          workflowId,
          runId: `${workflowId}-run-1`,
        },
      ]);
    }
  }
}

function activityEvents(
  scheduledEventId: number,
  outcome: ActivityOutcomeScript,
): (next: number) => NewEvent[] {
  return (next) => {
    const startedEventId = next;
    const started: NewEvent = {
      eventType: 'ActivityTaskStarted',
      scheduledEventId,
      attempt: 1,
      identity: SIM,
    };
    switch (outcome.status) {
      case 'completed':
        return [
          started,
          { eventType: 'ActivityTaskCompleted', scheduledEventId, startedEventId, result: outcome.result },
        ];
      case 'failed': {
        const attempt = outcome.attempts ?? 1;
        return [
          { ...started, attempt },
          {
            eventType: 'ActivityTaskFailed',
            scheduledEventId,
            startedEventId,
            failure: outcome.failure,
            retryState: outcome.failure.nonRetryable ? 'nonRetryableFailure' : 'maximumAttemptsReached',
          },
        ];
      }
      case 'timedOut': {
        const timeoutType = outcome.timeoutType ?? 'startToClose';
        const failure = {
          message: `activity timed out (${timeoutType})`,
          source: 'TimeoutFailure' as const,
          timeoutType,
        };
        if (timeoutType === 'scheduleToStart') {
          return [{ eventType: 'ActivityTaskTimedOut', scheduledEventId, timeoutType, failure }];
        }
        return [
          started,
          { eventType: 'ActivityTaskTimedOut', scheduledEventId, startedEventId, timeoutType, failure },
        ];
      }
    }
  };
}
