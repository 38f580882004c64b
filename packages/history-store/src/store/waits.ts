/**
 * Client waits: for a run to close, for the answer to a query or an update. Each wakes on its
 * notification topic and re-reads the state in a transaction, polling when no notification comes.
 */
import type { HistoryEvent } from '../events/events.ts';
import type { StoreBackend } from './backend.ts';
import type { Batcher } from './batcher.ts';
import { cloneRecord } from './clone.ts';
import type { RunClosedNotice } from './close.ts';
import { RunNotFoundError, WorkflowRequestFailedError } from './errors.ts';
import { type RequestRecord, topics } from './records.ts';
import type { CloseWatch, RunRef } from './types.ts';

/** How often waiters re-check state when no notification arrives (the polling fallback). */
const POLL_MS = 1000;

/**
 * Starts listening for closes of runs of `workflowId` now. A run created after this cannot have
 * closed unseen, so its first wait skips the first look (see `watchClose` in types.ts).
 */
export function watchClose(
  b: StoreBackend,
  ops: Batcher,
  workflowId: string,
  signal?: AbortSignal,
): CloseWatch {
  let armed: Promise<unknown> | undefined = b.notifier.wait(topics.run(workflowId), POLL_MS, signal);
  return {
    wait: (ref) => {
      if (ref.workflowId !== workflowId)
        throw new Error(`this watch is for ${workflowId}, not ${ref.workflowId}`);
      const woke = armed;
      armed = undefined;
      return waitForClose(b, ops, ref, signal, woke);
    },
  };
}

/**
 * The run's closing event, once it has one. `armed`: a wake-up registered before the run existed
 * (from `watchClose`), so nothing needs reading until it fires.
 */
export async function waitForClose(
  b: StoreBackend,
  ops: Batcher,
  ref: RunRef,
  signal?: AbortSignal,
  armed?: Promise<unknown>,
): Promise<HistoryEvent> {
  let woke = armed;
  for (;;) {
    if (woke === undefined) {
      // Wait first, then look: a close between the two still wakes us.
      woke = b.notifier.wait(topics.run(ref.workflowId), POLL_MS, signal);
      const closing = await ops.run({
        run: async (tx) => {
          const run = await tx.getRun(ref.workflowId, ref.runId, false);
          if (!run) throw new RunNotFoundError(ref.workflowId, ref.runId);
          if (run.status === 'running') return undefined;
          return (await tx.readEvents(run, run.nextEventId - 1))[0];
        },
      });
      if (closing) return closing;
    }
    signal?.throwIfAborted();
    const notice = (await woke) as RunClosedNotice | undefined;
    woke = undefined;
    signal?.throwIfAborted();
    // The close committed in this process: its event came with the wake-up, no read needed.
    if (notice?.runId !== undefined && notice.runId === ref.runId) return cloneRecord(notice.closing);
  }
}

/**
 * The result of a queued query or update. A query's request is removed once answered or abandoned
 * (`removeWhenDone`); an update's stays, so a repeated update id gets the same outcome.
 * @throws WorkflowRequestFailedError when the workflow failed the request.
 */
export async function awaitRequest(
  b: StoreBackend,
  ops: Batcher,
  ref: RunRef,
  request: { requestId: string; kind: 'query' | 'update'; name: string; removeWhenDone: boolean },
  signal?: AbortSignal,
): Promise<unknown> {
  const { requestId, kind, name, removeWhenDone } = request;
  for (;;) {
    const woke = b.notifier.wait(topics.request(requestId), POLL_MS, signal);
    const req: RequestRecord | undefined = await ops.run({
      run: async (tx) => {
        const r = await tx.getRequest(ref, requestId);
        if (r?.state === 'done' && removeWhenDone) await tx.deleteRequest(ref, requestId);
        return r;
      },
    });
    if (!req) throw new RunNotFoundError(ref.workflowId, ref.runId);
    if (req.state === 'done') {
      if (req.failure) throw new WorkflowRequestFailedError(kind, name, req.failure);
      return req.result;
    }
    if (signal?.aborted) {
      if (removeWhenDone) await abandonRequest(ops, ref, requestId);
      signal.throwIfAborted();
    }
    await woke;
  }
}

/** Removes a request nobody waits for any more, so no workflow task answers it in vain. */
function abandonRequest(ops: Batcher, ref: RunRef, requestId: string): Promise<void> {
  return ops.run({
    prefetch: { runs: [ref] },
    run: async (tx) => {
      const run = await tx.getRun(ref.workflowId, ref.runId, true);
      const req = await tx.getRequest(ref, requestId);
      if (!run || !req) return;
      if (req.state === 'pending') run.pendingRequests = Math.max(0, run.pendingRequests - 1);
      await tx.deleteRequest(ref, requestId);
      await tx.updateRun(run);
    },
  });
}
