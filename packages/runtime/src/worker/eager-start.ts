/**
 * Eager start: a client and a worker in the same process, on the same store object and task queue,
 * skip the first claim. The client reserves a workflow slot of a running worker, the store leases the
 * new run's first workflow task to that worker in the start transaction, and the client hands the task
 * straight to it: no notification, no claim round trip, no poll. When no worker here can take it (none
 * registered, all slots busy, the worker stopping), the start is an ordinary one and a poller claims it.
 *
 * Host-only.
 */
import type {
  EagerWorkflowClaim,
  FoldedCompletion,
  HistoryStore,
  StartWorkflowAndRunResult,
  WorkflowTask,
} from '@reprise/history-store';

/** A reserved workflow slot of a worker, for one start. */
export interface EagerStartReservation {
  /** Who the store leases the task to. */
  claim: EagerWorkflowClaim;
  /** Runs the leased task in the reserved slot (the slot is released when the task ends). */
  run(task: WorkflowTask): void;
  /** Gives the slot back: the start brought no task. */
  release(): void;
  /**
   * Present while the worker folds (few tasks in flight): starts through `start`, which passes `run`
   * to `HistoryStore.startWorkflowAndRun`, so the first task runs and completes in the start
   * transaction. Uses up the reservation, like `run` or `release`.
   */
  startFolded?(
    start: (
      run: (workflowTask: WorkflowTask) => Promise<FoldedCompletion | undefined>,
    ) => Promise<StartWorkflowAndRunResult>,
  ): Promise<StartWorkflowAndRunResult>;
}

/** A worker that can take the first workflow task of runs started in this process. */
export interface EagerStarter {
  /** Reserves one workflow slot, or undefined when none is free or the worker is not running. */
  reserve(): EagerStartReservation | undefined;
}

const starters = new WeakMap<HistoryStore, Map<string, Set<EagerStarter>>>();

/** Registers `starter` for runs started on `store` and `taskQueue`; returns the unregister function. */
export function registerEagerStarter(
  store: HistoryStore,
  taskQueue: string,
  starter: EagerStarter,
): () => void {
  let byQueue = starters.get(store);
  if (!byQueue) {
    byQueue = new Map();
    starters.set(store, byQueue);
  }
  let set = byQueue.get(taskQueue);
  if (!set) {
    set = new Set();
    byQueue.set(taskQueue, set);
  }
  set.add(starter);
  return () => {
    set.delete(starter);
    if (set.size === 0 && byQueue.get(taskQueue) === set) byQueue.delete(taskQueue);
  };
}

/** A slot of some worker here for a run started on `store` and `taskQueue`, when one is free. */
export function reserveEagerStart(store: HistoryStore, taskQueue: string): EagerStartReservation | undefined {
  const set = starters.get(store)?.get(taskQueue);
  if (!set) return undefined;
  for (const starter of set) {
    const reservation = starter.reserve();
    if (reservation) return reservation;
  }
  return undefined;
}
