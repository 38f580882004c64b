import type { HistoryEvent } from '@reprise/history-store';
import { describe, expect, it } from 'vitest';
import { PendingWork } from './pending-work.ts';

/** Builds a dense history from event bodies (ids from 1, times given or 1000). */
function history(...bodies: Record<string, unknown>[]): HistoryEvent[] {
  return bodies.map((b, i) => ({ eventId: i + 1, eventTime: 1000, ...b }) as unknown as HistoryEvent);
}

const started = { eventType: 'WorkflowExecutionStarted' };
const timer = (id: string, ms: number, eventTime = 1000) => ({
  eventType: 'TimerStarted',
  timerId: id,
  startToFireTimeoutMs: ms,
  eventTime,
});

describe('PendingWork', () => {
  const cases: { name: string; events: Record<string, unknown>[]; until: number | undefined }[] = [
    { name: 'nothing open', events: [started], until: undefined },
    { name: 'one timer', events: [started, timer('t1', 5000)], until: 6000 },
    {
      name: 'the earliest of several timers',
      events: [started, timer('t1', 9000), timer('t2', 2000, 1500)],
      until: 3500,
    },
    {
      name: 'a fired timer is no longer pending',
      events: [started, timer('t1', 100), { eventType: 'TimerFired', timerId: 't1' }, timer('t2', 7000)],
      until: 8000,
    },
    {
      name: 'a cancelled timer is no longer pending',
      events: [started, timer('t1', 100), timer('t2', 7000), { eventType: 'TimerCanceled', timerId: 't1' }],
      until: 8000,
    },
    {
      name: 'an open activity keeps the run awake',
      events: [started, { eventType: 'ActivityTaskScheduled' }, timer('t1', 60_000)],
      until: undefined,
    },
    {
      name: 'a closed activity does not',
      events: [
        started,
        { eventType: 'ActivityTaskScheduled' },
        { eventType: 'ActivityTaskFailed', scheduledEventId: 2 },
        timer('t1', 60_000),
      ],
      until: 61_000,
    },
    {
      name: 'an open child keeps the run awake until it closes',
      events: [started, { eventType: 'StartChildWorkflowExecutionInitiated' }, timer('t1', 60_000)],
      until: undefined,
    },
    {
      name: 'a child that closed',
      events: [
        started,
        { eventType: 'StartChildWorkflowExecutionInitiated' },
        { eventType: 'ChildWorkflowExecutionStarted', initiatedEventId: 2 },
        { eventType: 'ChildWorkflowExecutionCompleted', initiatedEventId: 2 },
        timer('t1', 60_000),
      ],
      until: 61_000,
    },
    {
      name: 'an external signal in flight',
      events: [started, { eventType: 'SignalExternalWorkflowExecutionInitiated' }, timer('t1', 60_000)],
      until: undefined,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = new PendingWork();
      p.update(history(...c.events));
      expect(p.sleepingUntil()).toBe(c.until);
    });
  }

  it('reads only the events it has not seen yet, so it can follow a growing history', () => {
    const p = new PendingWork();
    const h = history(started, { eventType: 'ActivityTaskScheduled' });
    p.update(h);
    expect(p.sleepingUntil()).toBeUndefined();
    h.push(
      ...history(
        started,
        started,
        { eventType: 'ActivityTaskCompleted', scheduledEventId: 2 },
        timer('t1', 30_000, 2000),
      ).slice(2),
    );
    p.update(h);
    expect(p.sleepingUntil()).toBe(32_000);
  });
});
