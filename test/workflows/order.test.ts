import { describe, expect, it } from 'vitest';
import * as workflows from '../../fixtures/workflows/order.ts';
import { commandsOf, RunDriver, T0 } from '../../packages/runtime/src/sandbox-runtime/driver.test-util.ts';

const order = { orderId: 'o-1', amountCents: 4200, items: [{ sku: 'sku-1', quantity: 2 }] };
const HOUR = 3_600_000;
const activityOptions = {
  startToCloseTimeoutMs: 60_000,
  retry: {
    initialIntervalMs: 1000,
    backoffCoefficient: 2,
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['CardDeclined'],
  },
};

describe('orderWorkflow', () => {
  it('runs the happy path: inventory, charge, cooling-off, approval, fulfil', async () => {
    const d = new RunDriver(workflows);
    let c = await d.start('orderWorkflow', [order]);
    expect(commandsOf(c)).toEqual([
      {
        kind: 'scheduleActivity',
        seq: 1,
        activityId: '1',
        activityType: 'checkInventory',
        args: [order],
        options: activityOptions,
      },
    ]);
    c = await d.activate([
      { kind: 'resolveActivity', seq: 1, result: { status: 'completed', result: { ok: true, reserved: 2 } } },
    ]);
    expect(commandsOf(c)).toEqual([
      {
        kind: 'scheduleActivity',
        seq: 2,
        activityId: '2',
        activityType: 'chargePayment',
        args: ['o-1', 4200],
        options: activityOptions,
      },
    ]);
    c = await d.activate([
      { kind: 'resolveActivity', seq: 2, result: { status: 'completed', result: 'ch_1' } },
    ]);
    expect(commandsOf(c)).toEqual([{ kind: 'startTimer', seq: 1, durationMs: HOUR }]);
    expect(c.logs).toEqual([
      {
        level: 'info',
        message: 'payment charged',
        timestamp: T0,
        attributes: { orderId: 'o-1', chargeId: 'ch_1' },
      },
    ]);
    c = await d.activate([{ kind: 'fireTimer', seq: 1 }], { advanceMs: HOUR });
    expect(commandsOf(c)).toEqual([{ kind: 'startTimer', seq: 2, durationMs: 7 * 24 * HOUR }]);
    c = await d.activate([
      { kind: 'query', queryId: 'q1', name: 'status', args: [] },
      { kind: 'signal', name: 'approve', args: ['alice'] },
    ]);
    expect(commandsOf(c)).toEqual([
      { kind: 'cancelTimer', seq: 2 },
      {
        kind: 'scheduleActivity',
        seq: 3,
        activityId: '3',
        activityType: 'fulfil',
        args: ['o-1', 'ch_1'],
        options: activityOptions,
      },
    ]);
    expect(c.queryResults).toEqual([{ queryId: 'q1', result: 'fulfilling' }]);
    c = await d.activate([
      { kind: 'resolveActivity', seq: 3, result: { status: 'completed', result: 'trk' } },
    ]);
    expect(commandsOf(c)).toEqual([
      {
        kind: 'completeWorkflow',
        result: {
          status: 'fulfilled',
          orderId: 'o-1',
          chargeId: 'ch_1',
          trackingId: 'trk',
          approvedBy: 'alice',
        },
      },
    ]);
  });

  it('refunds and rejects when nobody approves within 7 days', async () => {
    const d = new RunDriver(workflows);
    await d.start('orderWorkflow', [order]);
    await d.activate([
      { kind: 'resolveActivity', seq: 1, result: { status: 'completed', result: { ok: true, reserved: 2 } } },
    ]);
    await d.activate([{ kind: 'resolveActivity', seq: 2, result: { status: 'completed', result: 'ch_1' } }]);
    await d.activate([{ kind: 'fireTimer', seq: 1 }]);
    let c = await d.activate([{ kind: 'fireTimer', seq: 2 }]);
    expect(commandsOf(c)).toMatchObject([{ kind: 'scheduleActivity', seq: 3, activityType: 'refund' }]);
    c = await d.activate([
      { kind: 'resolveActivity', seq: 3, result: { status: 'completed', result: 'rf_1' } },
    ]);
    expect(commandsOf(c)).toEqual([
      {
        kind: 'completeWorkflow',
        result: {
          status: 'rejected',
          orderId: 'o-1',
          reason: 'not approved within 7 days',
          refundId: 'rf_1',
        },
      },
    ]);
  });

  it('fails the run when the payment fails for good', async () => {
    const d = new RunDriver(workflows);
    await d.start('orderWorkflow', [order]);
    await d.activate([
      { kind: 'resolveActivity', seq: 1, result: { status: 'completed', result: { ok: true, reserved: 2 } } },
    ]);
    const c = await d.activate([
      {
        kind: 'resolveActivity',
        seq: 2,
        result: {
          status: 'failed',
          failure: {
            message: 'declined',
            source: 'ApplicationFailure',
            type: 'CardDeclined',
            nonRetryable: true,
          },
        },
      },
    ]);
    expect(commandsOf(c)).toMatchObject([
      {
        kind: 'failWorkflow',
        failure: {
          source: 'ActivityFailure',
          activityType: 'chargePayment',
          cause: {
            source: 'ApplicationFailure',
            type: 'CardDeclined',
            message: 'declined',
            nonRetryable: true,
          },
        },
      },
    ]);
  });
});
