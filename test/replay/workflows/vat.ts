/**
 * A workflow that branches on a payload value: German orders wait a day for a VAT check. Redacting
 * the country changes the branch, so the redacted history no longer replays unless the country is
 * kept (`--keep 'WorkflowExecutionStarted.input[0].country'`).
 */
import { sleep } from '@reprise/runtime/workflow';

/** An order with its shipping country. */
export interface VatOrder {
  orderId: string;
  country: string;
}

/** Waits for the VAT check on German orders, then confirms. */
export async function vatWorkflow(order: VatOrder): Promise<string> {
  if (order.country === 'DE') await sleep('1 day');
  return `confirmed ${order.orderId}`;
}
