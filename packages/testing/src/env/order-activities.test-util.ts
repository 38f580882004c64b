/**
 * Order activities for the environment's tests, recording each call: the same results as the
 * fixtures' order activities (fixtures/activities/order.ts), which this package cannot import.
 */
import type { ActivityImplementations } from '@reprise/runtime';
import { ApplicationFailure } from '@reprise/runtime/workflow';

interface Order {
  orderId: string;
  amountCents: number;
  items: { sku: string; quantity: number }[];
  paymentFailures?: number;
}

/** An order of one item for 500 cents. */
export function sampleOrder(orderId: string, extra: Partial<Order> = {}): Order {
  return { orderId, amountCents: 500, items: [{ sku: 'sku-1', quantity: 1 }], ...extra };
}

/** Order activities and the list of activity types called, in order. */
export function orderActivities(): { activities: ActivityImplementations; calls: string[] } {
  const calls: string[] = [];
  const failuresLeft = new Map<string, number>();
  const activities: ActivityImplementations = {
    async checkInventory(order: Order) {
      calls.push('checkInventory');
      failuresLeft.set(order.orderId, order.paymentFailures ?? 0);
      return { ok: true, reserved: order.items.reduce((n, l) => n + l.quantity, 0) };
    },
    async chargePayment(orderId: string, amountCents: number) {
      calls.push('chargePayment');
      if (amountCents <= 0) throw ApplicationFailure.nonRetryable('declined', 'CardDeclined');
      const left = failuresLeft.get(orderId) ?? 0;
      if (left > 0) {
        failuresLeft.set(orderId, left - 1);
        throw new Error(`payment gateway timed out for ${orderId}`);
      }
      return `ch_${orderId}_${amountCents}`;
    },
    async fulfil(orderId: string) {
      calls.push('fulfil');
      return `trk_${orderId}`;
    },
    async refund(orderId: string) {
      calls.push('refund');
      return `rf_${orderId}`;
    },
  };
  return { activities, calls };
}
