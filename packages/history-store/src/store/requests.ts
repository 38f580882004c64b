/** Queries and updates: queued on the run, handed to workflow tasks, answered by completions. */
import type { FailureInfo } from '../events/failure.ts';
import { type RequestRecord, type RunRecord, type StoreTx, topics } from './records.ts';
import type { PendingQuery, PendingUpdate } from './types.ts';

/** The run's pending queries and updates, as a workflow task carries them. */
export async function pendingForTask(
  tx: StoreTx,
  run: RunRecord,
): Promise<{ queries: PendingQuery[]; updates: PendingUpdate[] }> {
  const queries: PendingQuery[] = [];
  const updates: PendingUpdate[] = [];
  if (run.pendingRequests === 0) return { queries, updates };
  for (const r of await tx.listRequests(run, ['pending'])) {
    if (r.kind === 'query') queries.push({ queryId: r.requestId, name: r.name, args: r.args });
    else updates.push({ updateId: r.requestId, name: r.name, args: r.args });
  }
  return { queries, updates };
}

/** Marks a request answered (or an update accepted) and wakes its waiter. Caller saves the run. */
export async function settleRequest(
  tx: StoreTx,
  run: RunRecord,
  requestId: string,
  outcome: { accepted: true } | { result: unknown } | { failure: FailureInfo },
): Promise<void> {
  const req = await tx.getRequest(run, requestId);
  if (!req || req.state === 'done') return;
  if (req.state === 'pending') run.pendingRequests = Math.max(0, run.pendingRequests - 1);
  if ('accepted' in outcome) {
    req.state = 'accepted';
  } else {
    req.state = 'done';
    if ('failure' in outcome) req.failure = outcome.failure;
    else req.result = outcome.result;
    tx.topics.notify(topics.request(requestId));
  }
  await tx.updateRequest(req);
}

/** True when any pending request of the run is an update (which needs a real workflow task). */
export async function hasPendingUpdates(tx: StoreTx, run: RunRecord): Promise<boolean> {
  if (run.pendingRequests === 0) return false;
  const pending: RequestRecord[] = await tx.listRequests(run, ['pending']);
  return pending.some((r) => r.kind === 'update');
}
