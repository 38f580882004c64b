import { describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../fixtures/activities/order.ts';
import { createSampleActivities } from '../../fixtures/activities/samples.ts';
import { createTripActivities } from '../../fixtures/activities/trip.ts';
import * as workflows from '../../fixtures/workflows/index.ts';
import type { Job } from '../../packages/runtime/src/protocol/activation.ts';
import { commandsOf, kinds, RunDriver } from '../../packages/runtime/src/sandbox-runtime/driver.test-util.ts';
import { execute } from './executor.ts';

const done = (seq: number, result: unknown): Job => ({
  kind: 'resolveActivity',
  seq,
  result: { status: 'completed', result },
});

const order = { orderId: 'o-7', amountCents: 1999, items: [{ sku: 'mug', quantity: 3 }] };
const approve = [{ kind: 'signal' as const, name: 'approve', args: ['bob'] }];

describe('sample workflows with their activities', () => {
  it('order: retries the transient payment failures, then fulfils once approved', async () => {
    const run = await execute(workflows, 'orderWorkflow', [{ ...order, paymentFailures: 2 }], {
      activities: createOrderActivities(),
      script: [approve],
    });
    expect(run.attempts).toEqual([
      'checkInventory:1:ok',
      'chargePayment:1:PaymentGatewayTimeout',
      'chargePayment:2:PaymentGatewayTimeout',
      'chargePayment:3:ok',
      'fulfil:1:ok',
    ]);
    expect(run.result).toMatchObject({
      kind: 'completeWorkflow',
      result: { status: 'fulfilled', chargeId: 'ch_o-7_1999', approvedBy: 'bob' },
    });
  });

  it('order: refunds after 7 days without approval; declined cards fail the run', async () => {
    const unapproved = await execute(workflows, 'orderWorkflow', [order], {
      activities: createOrderActivities(),
    });
    expect(unapproved.result).toMatchObject({
      result: { status: 'rejected', refundId: 'rf_o-7_ch_o-7_1999' },
    });
    const declined = await execute(workflows, 'orderWorkflow', [{ ...order, amountCents: 0 }], {
      activities: createOrderActivities(),
    });
    expect(declined.attempts).toEqual(['checkInventory:1:ok', 'chargePayment:1:CardDeclined']);
    expect(declined.result).toMatchObject({
      kind: 'failWorkflow',
      failure: { cause: { type: 'CardDeclined' } },
    });
    const outOfStock = await execute(
      workflows,
      'orderWorkflow',
      [{ ...order, items: [{ sku: 'x', quantity: 1000 }] }],
      {
        activities: createOrderActivities(),
      },
    );
    expect(outOfStock.result).toMatchObject({
      result: { status: 'rejected', reason: 'only 100 of x in stock' },
    });
  });

  it('saga: compensates the completed bookings in reverse order, then fails', async () => {
    const cancelled: string[] = [];
    const trip = { tripId: 't1', flight: 'LH400', hotel: 'Ritz', car: 'sold-out-suv' };
    const run = await execute(workflows, 'tripBookingWorkflow', [trip], {
      activities: createTripActivities(cancelled),
    });
    expect(cancelled).toEqual(['hotel-t1-Ritz', 'flight-t1-LH400']);
    expect(run.result).toMatchObject({
      kind: 'failWorkflow',
      failure: { source: 'ActivityFailure', cause: { type: 'SoldOut' } },
    });
    const ok = await execute(workflows, 'tripBookingWorkflow', [{ ...trip, car: 'mini' }], {
      activities: createTripActivities(cancelled),
    });
    expect(ok.result).toMatchObject({ result: { carBooking: 'car-t1-mini' } });
  });

  it('race: reminds daily until paid', async () => {
    const log: string[] = [];
    const run = await execute(workflows, 'paymentReminderWorkflow', ['ann'], {
      activities: createSampleActivities(log),
      // Delivered at the second wait: after one reminder went out.
      script: [[], [{ kind: 'signal', name: 'paid', args: [] }]],
    });
    expect(run.result).toMatchObject({ result: { outcome: 'paid', reminders: 1 } });
    expect(log).toEqual(['notify:reminder 1 for ann']);
    const never = await execute(workflows, 'paymentReminderWorkflow', ['ann'], {
      activities: createSampleActivities(),
    });
    expect(never.result).toMatchObject({ result: { outcome: 'gave-up', reminders: 3 } });
  });

  it('children: ships each package in a child workflow', async () => {
    const run = await execute(workflows, 'fulfilmentWorkflow', ['o1', ['p1', 'p2']], {
      activities: createSampleActivities(),
    });
    expect(run.result).toMatchObject({
      result: ['done:ship p1:standard:no-parent', 'done:ship p2:standard:no-parent'],
    });
    expect(run.commands.filter((c) => c.kind === 'signalExternal')).toMatchObject([
      { workflowId: 'o1-p1', signalName: 'expedite', args: ['express'], childWorkflowOnly: true },
    ]);
  });

  it('continue-as-new: continues with its state after each batch', async () => {
    const first = await execute(workflows, 'counterWorkflow', [0, 5, 3], { activities: {} });
    expect(first.result).toEqual({ kind: 'continueAsNew', workflowType: 'counterWorkflow', args: [3, 5, 3] });
    const last = await execute(workflows, 'counterWorkflow', [3, 5, 3], { activities: {} });
    expect(last.result).toEqual({ kind: 'completeWorkflow', result: 5 });
  });

  it('cancellation: runs both steps and cleans up when nothing interferes', async () => {
    const log: string[] = [];
    const run = await execute(workflows, 'cancellableWorkWorkflow', ['j1'], {
      activities: createSampleActivities(log),
    });
    expect(run.result).toMatchObject({ result: ['done:j1:required', 'done:j1:optional'] });
    expect(log).toEqual(['cleanUp:j1']);
  });

  it('cancellation: a skip signal cancels the optional step; cleanup still runs', async () => {
    const d = new RunDriver(workflows);
    await d.start('cancellableWorkWorkflow', ['j2']);
    const afterRequired = await d.activate([done(1, 'done:j2:required')]);
    expect(kinds(afterRequired)).toEqual(['startTimer', 'scheduleActivity']);
    const skipped = await d.activate([{ kind: 'signal', name: 'skip', args: [] }]);
    // The activity is cancelled, the scope's 30-minute timer too, and cleanup is scheduled.
    expect(commandsOf(skipped)).toMatchObject([
      { kind: 'requestCancelActivity', seq: 2 },
      { kind: 'cancelTimer', seq: 1 },
      { kind: 'scheduleActivity', seq: 3, activityType: 'cleanUp', args: ['j2'] },
    ]);
    const end = await d.activate([done(3, undefined)]);
    expect(commandsOf(end)).toEqual([
      { kind: 'completeWorkflow', result: ['done:j2:required', 'optional:skipped'] },
    ]);
  });

  it('cancellation: the 30-minute deadline cancels the optional step', async () => {
    const d = new RunDriver(workflows);
    await d.start('cancellableWorkWorkflow', ['j4']);
    await d.activate([done(1, 'done:j4:required')]);
    const late = await d.activate([{ kind: 'fireTimer', seq: 1 }], { advanceMs: 30 * 60_000 });
    expect(commandsOf(late)).toMatchObject([
      { kind: 'requestCancelActivity', seq: 2 },
      { kind: 'scheduleActivity', seq: 3, activityType: 'cleanUp', args: ['j4'] },
    ]);
    const end = await d.activate([done(3, undefined)]);
    expect(commandsOf(end)).toEqual([
      { kind: 'completeWorkflow', result: ['done:j4:required', 'optional:skipped'] },
    ]);
  });

  it('cancellation: cancelling the run still runs the non-cancellable cleanup', async () => {
    const d = new RunDriver(workflows);
    await d.start('cancellableWorkWorkflow', ['j3']);
    const cancelled = await d.activate([{ kind: 'cancelWorkflow', reason: 'operator' }]);
    expect(commandsOf(cancelled)).toMatchObject([
      { kind: 'requestCancelActivity', seq: 1 },
      { kind: 'scheduleActivity', seq: 2, activityType: 'cleanUp' },
    ]);
    expect(commandsOf(await d.activate([done(2, undefined)]))).toEqual([{ kind: 'cancelWorkflow' }]);
  });

  it('updates: validates, accepts and answers, then checks out', async () => {
    const run = await execute(workflows, 'cartWorkflow', [2], {
      activities: {},
      script: [
        [
          { kind: 'update', updateId: 'u1', name: 'addItem', args: ['mug', 2], runValidator: true },
          { kind: 'update', updateId: 'u2', name: 'addItem', args: ['mug', 0], runValidator: true },
          { kind: 'query', queryId: 'q1', name: 'items', args: [] },
          { kind: 'signal', name: 'checkout', args: [] },
          { kind: 'update', updateId: 'u3', name: 'addItem', args: ['pen', 1], runValidator: true },
        ],
      ],
    });
    const c = run.completions.at(-1);
    expect(c?.queryResults).toEqual([{ queryId: 'q1', result: [{ sku: 'mug', quantity: 2 }] }]);
    expect(run.commands.map((x) => x.kind)).toEqual([
      'acceptUpdate',
      'completeUpdate',
      'rejectUpdate',
      'completeWorkflow',
    ]);
    expect(run.commands[2]).toMatchObject({ failure: { type: 'BadQuantity' } });
    expect(run.result).toEqual({ kind: 'completeWorkflow', result: [{ sku: 'mug', quantity: 2 }] });
  });
});
