/**
 * A realistic history of the order workflow (reserve inventory, charge payment with one retry, a
 * one-hour sleep, an approval signal, fulfil): 33 events, the shape of the replay target, with the kinds of payload values real runs
 * carry. Used by this package's tests and by `bench/codec.ts`; not part of the public API.
 */
import type { HistoryEvent } from '../../events/events.ts';
import { type History, historyFromEvents } from '../types.ts';

/** Builds the sample history; `n` varies ids and values so many distinct histories can be made. */
export function orderHistory(n = 1): History {
  const t0 = 1_767_225_600_000 + n * 1000;
  const workflowId = `order-${n}`;
  const events: HistoryEvent[] = [];
  const add = (event: Record<string, unknown>) => {
    const eventId = events.length + 1;
    events.push({ eventId, eventTime: t0 + eventId * 7, ...event } as HistoryEvent);
    return eventId;
  };
  const task = () => {
    const scheduled = add({ eventType: 'WorkflowTaskScheduled', taskQueue: 'orders', attempt: 1 });
    const started = add({
      eventType: 'WorkflowTaskStarted',
      scheduledEventId: scheduled,
      identity: 'worker-1@host',
    });
    return add({
      eventType: 'WorkflowTaskCompleted',
      scheduledEventId: scheduled,
      startedEventId: started,
      identity: 'worker-1@host',
      buildId: 'build-abc123',
    });
  };
  const order = {
    orderId: `ord-${n}`,
    customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000' },
    lines: [
      { sku: 'SKU-1', quantity: 2, unitPriceCents: 1999 },
      { sku: 'SKU-2', quantity: 1, unitPriceCents: 4500 },
    ],
    totalCents: 8498n,
    placedAt: new Date(t0),
    giftWrap: false,
    note: undefined,
  };
  add({
    eventType: 'WorkflowExecutionStarted',
    workflowId,
    workflowType: 'order',
    taskQueue: 'orders',
    input: [order],
    randomnessSeed: [n, 2, 3, 4],
    attempt: 1,
    firstExecutionRunId: `run-${n}`,
    workflowRunTimeoutMs: 30 * 86_400_000,
  });
  const activity = (
    activityType: string,
    input: unknown[],
    attempts: { failure?: string }[],
    result: unknown,
  ) => {
    const wtc = task();
    const scheduled = add({
      eventType: 'ActivityTaskScheduled',
      workflowTaskCompletedEventId: wtc,
      activityId: String(events.length),
      activityType,
      taskQueue: 'orders',
      input,
      startToCloseTimeoutMs: 30_000,
      retryPolicy: { initialIntervalMs: 1000, backoffCoefficient: 2, maximumAttempts: 5 },
    });
    let lastFailure: Record<string, unknown> | undefined;
    attempts.forEach((attempt, i) => {
      const started = add({
        eventType: 'ActivityTaskStarted',
        scheduledEventId: scheduled,
        attempt: i + 1,
        identity: 'worker-1@host',
        ...(lastFailure ? { lastFailure } : {}),
      });
      if (attempt.failure === undefined) {
        add({
          eventType: 'ActivityTaskCompleted',
          scheduledEventId: scheduled,
          startedEventId: started,
          result,
        });
      } else {
        lastFailure = {
          message: attempt.failure,
          source: 'ApplicationFailure',
          type: 'CardDeclined',
          details: [{ code: 51 }],
        };
      }
    });
  };
  activity('reserveInventory', [order.orderId, order.lines], [{}], {
    reservationId: `res-${n}`,
    expiresAt: new Date(t0 + 3_600_000),
  });
  activity(
    'chargePayment',
    [{ orderId: order.orderId, amountCents: 8498n, card: '4111111111111111' }],
    [{ failure: 'card declined: insufficient funds' }, {}],
    {
      chargeId: `ch-${n}`,
      receipt: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
    },
  );
  const timerTask = task();
  const timer = add({
    eventType: 'TimerStarted',
    workflowTaskCompletedEventId: timerTask,
    timerId: '1',
    startToFireTimeoutMs: 3_600_000,
  });
  add({ eventType: 'TimerFired', timerId: '1', startedEventId: timer });
  task();
  add({
    eventType: 'WorkflowExecutionSignaled',
    signalName: 'approve',
    input: [{ approver: 'grace@example.com', approved: true }],
  });
  activity('fulfil', [order.orderId, new Map([['warehouse', 'LHR-2']])], [{}], {
    trackingNumber: `TRK${n}000`,
    shippedAt: new Date(t0 + 7_200_000),
  });
  const last = task();
  add({
    eventType: 'WorkflowExecutionCompleted',
    workflowTaskCompletedEventId: last,
    result: { status: 'fulfilled', orderId: order.orderId },
  });
  return historyFromEvents(events, {
    runId: `run-${n}`,
    buildId: 'build-abc123',
    exportedAt: new Date(t0 + 10_000_000),
  });
}
