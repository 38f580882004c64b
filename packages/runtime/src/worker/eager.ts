/**
 * Eager dispatch: when a completion creates work for this worker's own queue, the store leases it to
 * the completing worker in the same transaction, so it starts at once, with no claim round trip
 * and no wait for a poll or a notification. Both directions reserve their slots before the
 * completion is sent and give back what the store did not fill. Stores without the optional
 * `…AndClaim` methods get plain completions, and the pollers pick the work up as before.
 *
 * Host-only.
 */
import type {
  ActivityCompletionResult,
  ActivityOutcome,
  ActivityTask,
  EagerActivityClaim,
  HistoryStore,
  WorkflowTask,
  WorkflowTaskCompletion,
} from '@reprise/history-store';
import type { ResolvedWorkerOptions } from './options.ts';

/** Slots a completion may fill with the tasks it creates. */
export interface SlotReserve {
  /** Takes up to `n` slots; returns how many were taken (0 when none are free or the worker stops). */
  reserve(n: number): number;
  /** Gives back `n` reserved slots. */
  release(n: number): void;
}

/** Who takes the work and on which queue. */
export interface EagerClaimer {
  identity: string;
  taskQueue: string;
  leaseMs: number;
}

type ClaimerOptions = Pick<
  ResolvedWorkerOptions,
  'identity' | 'taskQueue' | 'activityLeaseMs' | 'workflowTaskLeaseMs'
>;

/** The worker as the taker of activity tasks. */
export function activityClaimer(o: ClaimerOptions): EagerClaimer {
  return { identity: o.identity, taskQueue: o.taskQueue, leaseMs: o.activityLeaseMs };
}

/** The worker as the taker of workflow tasks. */
export function workflowClaimer(o: ClaimerOptions): EagerClaimer {
  return { identity: o.identity, taskQueue: o.taskQueue, leaseMs: o.workflowTaskLeaseMs };
}

/** The store's form of "lease up to `max` of the activities this completion schedules to `claimer`". */
export function activityClaim(claimer: EagerClaimer, max: number): EagerActivityClaim {
  return { owner: claimer.identity, leaseMs: claimer.leaseMs, max, taskQueues: [claimer.taskQueue] };
}

/**
 * Completes a workflow task; when it schedules `scheduled` activities and activity slots are free,
 * also takes those activities (each in a reserved slot the caller must release when it ends).
 */
export async function completeWorkflowTaskEagerly(
  store: HistoryStore,
  task: WorkflowTask,
  completion: WorkflowTaskCompletion,
  scheduled: number,
  slots: SlotReserve | undefined,
  claimer: EagerClaimer,
): Promise<ActivityTask[]> {
  const reserved =
    scheduled > 0 && slots && store.completeWorkflowTaskAndClaim ? slots.reserve(scheduled) : 0;
  if (reserved === 0 || !slots || !store.completeWorkflowTaskAndClaim) {
    await store.completeWorkflowTask(task, completion);
    return [];
  }
  let taken: ActivityTask[] = [];
  try {
    taken = await store.completeWorkflowTaskAndClaim(task, completion, activityClaim(claimer, reserved));
  } finally {
    slots.release(reserved - taken.length);
  }
  return taken;
}

/**
 * Reports an activity outcome; when a workflow slot is free, the run's next workflow task comes back
 * leased with it (holding the reserved slot, which the caller releases when the task ends).
 * `knownEvents` is how many events of the run this worker has cached, so only newer ones are read.
 */
export async function completeActivityEagerly(
  store: HistoryStore,
  task: ActivityTask,
  outcome: ActivityOutcome,
  slots: SlotReserve | undefined,
  claimer: EagerClaimer,
  knownEvents: number | undefined,
): Promise<ActivityCompletionResult & { workflowTask?: WorkflowTask }> {
  if (!slots || !store.completeActivityTaskAndClaim || slots.reserve(1) === 0)
    return store.completeActivityTask(task, outcome);
  let taken = false;
  try {
    const r = await store.completeActivityTaskAndClaim(task, outcome, {
      taskQueue: claimer.taskQueue,
      owner: claimer.identity,
      leaseMs: claimer.leaseMs,
      ...(knownEvents !== undefined ? { knownHistory: new Map([[task.runId, knownEvents]]) } : {}),
    });
    taken = r.workflowTask !== undefined;
    return r;
  } finally {
    if (!taken) slots.release(1);
  }
}
