/**
 * The order workflow with one unguarded change: the cooling-off sleep is two hours instead of one.
 * Every recorded order history that reached the sleep must fail to replay against it.
 */
import {
  condition,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  sleep,
} from '@reprise/runtime/workflow';
import type { Order, OrderActivities } from '../../../fixtures/workflows/activities.ts';

const { checkInventory, chargePayment, fulfil, refund } = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['CardDeclined'],
  },
});

/** Approves the order; the argument names the approver. */
export const approveSignal = defineSignal<[string]>('approve');
/** Where the order is: validating, charging, cooling-off, awaiting-approval, fulfilling, done, rejected. */
export const statusQuery = defineQuery<string>('status');

/** How an order ended. */
export type OrderResult =
  | { status: 'fulfilled'; orderId: string; chargeId: string; trackingId: string; approvedBy: string }
  | { status: 'rejected'; orderId: string; reason: string; refundId?: string };

/** Runs one order from inventory check to fulfilment (or refund). */
export async function orderWorkflow(order: Order): Promise<OrderResult> {
  let status = 'validating';
  let approvedBy: string | undefined;
  setHandler(approveSignal, (who) => {
    approvedBy = who;
  });
  setHandler(statusQuery, () => status);

  const inventory = await checkInventory(order);
  if (!inventory.ok) {
    status = 'rejected';
    return { status: 'rejected', orderId: order.orderId, reason: inventory.reason ?? 'out of stock' };
  }

  status = 'charging';
  const chargeId = await chargePayment(order.orderId, order.amountCents);
  log.info('payment charged', { orderId: order.orderId, chargeId });

  status = 'cooling-off';
  await sleep('2 hours');

  status = 'awaiting-approval';
  const approved = await condition(() => approvedBy !== undefined, '7 days');
  if (!approved || approvedBy === undefined) {
    status = 'refunding';
    const refundId = await refund(order.orderId, chargeId);
    status = 'rejected';
    return { status: 'rejected', orderId: order.orderId, reason: 'not approved within 7 days', refundId };
  }

  status = 'fulfilling';
  const trackingId = await fulfil(order.orderId, chargeId);
  status = 'done';
  return { status: 'fulfilled', orderId: order.orderId, chargeId, trackingId, approvedBy };
}
