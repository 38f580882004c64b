/**
 * Claims as store operations: one transaction leases up to `max` tasks of a queue, locks their runs
 * without waiting, and reads every claimed run's history in one statement.
 */
import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '../events/events.ts';
import { leaseActivity } from './activity.ts';
import type { StoreBackend } from './backend.ts';
import type { StoreOp } from './batcher.ts';
import { type StoreTx, type TaskRecord, topics } from './records.ts';
import type { ActivityTask, ClaimOptions, WorkflowClaimOptions, WorkflowTask } from './types.ts';
import { prepareWorkflowTask } from './workflow-claim.ts';

const keyOf = (r: { workflowId: string; runId: string }) => `${r.workflowId}\u0000${r.runId}`;

/** Leases workflow tasks and hands them out with their histories. */
export function claimWorkflowOp(b: StoreBackend, opts: WorkflowClaimOptions): StoreOp<WorkflowTask[]> {
  return {
    prefetch: {
      claims: [
        {
          kind: 'workflow',
          taskQueue: opts.taskQueue,
          max: opts.max ?? 1,
          ...(opts.knownHistory && { knownHistory: opts.knownHistory }),
        },
      ],
    },
    run: async (tx) => {
      const rows = await b.lockClaimable(tx, 'workflow', opts.taskQueue, tx.now, opts.max ?? 1);
      if (rows.length === 0) return [];
      const busy = tx.lockRunsNoWait ? (await tx.lockRunsNoWait(rows)).busy : new Set<string>();
      const tasks: WorkflowTask[] = [];
      for (const row of rows) {
        // Its run is in another transaction (a delivery, a completion): leave the task for the next
        // claim instead of waiting, so a claim never holds task locks while queueing for a run.
        if (busy.has(keyOf(row))) continue;
        const task = await leaseWorkflowRow(tx, row, opts);
        if (task) tasks.push(task);
      }
      if (busy.size > 0) tx.topics.notify(topics.queue(opts.taskQueue));
      const histories = await readHistories(tx, tasks);
      tasks.forEach((t, i) => {
        t.history = histories[i]!;
      });
      return tasks;
    },
  };
}

/** Leases a claimable workflow task row; the task's history is left for the caller to read. */
export async function leaseWorkflowRow(
  tx: StoreTx,
  row: TaskRecord,
  opts: WorkflowClaimOptions,
): Promise<WorkflowTask | undefined> {
  const expiresAt = tx.now + opts.leaseMs;
  row.lease = { owner: opts.owner, token: randomUUID(), expiresAt };
  row.visibleAt = expiresAt;
  await tx.updateTask(row);
  tx.topics.leased(row.taskId);
  return prepareWorkflowTask(tx, row, opts);
}

async function readHistories(tx: StoreTx, tasks: WorkflowTask[]): Promise<HistoryEvent[][]> {
  const reads = tasks.map((t) => ({
    ref: { workflowId: t.workflowId, runId: t.runId },
    fromEventId: t.historyFrom,
  }));
  if (tx.readEventsMany) return tx.readEventsMany(reads);
  const out: HistoryEvent[][] = [];
  for (const r of reads) out.push(await tx.readEvents(r.ref, r.fromEventId));
  return out;
}

/** Leases activity tasks. */
export function claimActivityOp(b: StoreBackend, opts: ClaimOptions): StoreOp<ActivityTask[]> {
  return {
    prefetch: { claims: [{ kind: 'activity', taskQueue: opts.taskQueue, max: opts.max ?? 1 }] },
    run: async (tx) => {
      const rows = await b.lockClaimable(tx, 'activity', opts.taskQueue, tx.now, opts.max ?? 1);
      const tasks: ActivityTask[] = [];
      for (const row of rows) {
        tasks.push(await leaseActivity(tx, row, opts.owner, opts.leaseMs));
      }
      return tasks;
    },
  };
}
