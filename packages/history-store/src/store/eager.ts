/**
 * Eager dispatch (as Temporal's eager activity execution): a completing worker takes the work its
 * completion just made, in the same transaction, instead of a later claim taking it. A workflow task
 * completion hands over the activity tasks it scheduled; an activity completion hands over the
 * workflow task its result scheduled. The tasks are leased exactly as a claim would lease them.
 */
import { leaseActivity } from './activity.ts';
import { leaseWorkflowRow } from './claims.ts';
import type { StoreTx } from './records.ts';
import type { ActivityTask, EagerActivityClaim, EagerWorkflowClaim, RunRef, WorkflowTask } from './types.ts';

/** Leases up to `claim.max` of the activity task rows a completion created, on the caller's queues. */
export async function leaseScheduledActivities(
  tx: StoreTx,
  scheduled: { taskId: string; taskQueue: string }[],
  claim: EagerActivityClaim,
): Promise<ActivityTask[]> {
  const out: ActivityTask[] = [];
  for (const s of scheduled) {
    if (out.length >= claim.max) break;
    if (!claim.taskQueues.includes(s.taskQueue)) continue;
    const row = await tx.getTask(s.taskId, true);
    if (!row || row.lease || row.visibleAt === undefined || row.visibleAt > tx.now) continue;
    out.push(await leaseActivity(tx, row, claim.owner, claim.leaseMs));
  }
  return out;
}

/**
 * Leases the run's workflow task when it is scheduled, claimable now and on the caller's queue
 * (a blocked run's task waiting out its backoff is left alone). Returns it with its history.
 */
export async function leaseRunWorkflowTask(
  tx: StoreTx,
  ref: RunRef,
  claim: EagerWorkflowClaim,
): Promise<WorkflowTask | undefined> {
  const run = await tx.getRun(ref.workflowId, ref.runId, true);
  if (
    run?.status !== 'running' ||
    run.wfTask !== 'scheduled' ||
    run.wfTaskScheduledEventId === 0 ||
    run.wfTaskId === undefined ||
    run.taskQueue !== claim.taskQueue
  ) {
    return undefined;
  }
  const row = await tx.getTask(run.wfTaskId, true);
  if (!row || row.visibleAt === undefined || row.visibleAt > tx.now) return undefined;
  const task = await leaseWorkflowRow(tx, row, claim);
  if (task) task.history = await tx.readEvents(ref, task.historyFrom);
  return task;
}
