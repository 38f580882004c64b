/**
 * The worker's side of eager start and the fold (see eager-start.ts and fold.ts): which slot a
 * shortcut uses, when the worker folds, and how the tasks it brings are run and counted.
 *
 * Host-only.
 */
import type {
  ActivityCompletionAndRun,
  ActivityOutcome,
  ActivityTask,
  EagerWorkflowClaim,
  FoldedCompletion,
  HistoryStore,
  WorkflowTask,
} from '@reprise/history-store';
import { activityClaimer, type SlotReserve, workflowClaimer } from './eager.ts';
import type { EagerStartReservation } from './eager-start.ts';
import { type FoldableResult, type FoldHost, runFolded } from './fold.ts';
import type { ResolvedWorkerOptions } from './options.ts';
import type { CompletionRoute, WorkflowTaskProcessor } from './workflow-tasks.ts';

/** What the shortcuts need from their worker. */
export interface ShortcutHost {
  store: HistoryStore;
  options: ResolvedWorkerOptions;
  workflows: WorkflowTaskProcessor;
  /** The worker's workflow slots, as eager dispatch takes them (none once the worker stops). */
  slots: SlotReserve;
  /** Workflow tasks being processed now. */
  inFlight(): number;
  /** Runs a task (through `route` when given) and applies its effects; never rejects. */
  runWorkflowTask(task: WorkflowTask, route?: CompletionRoute): Promise<void>;
  /** The worker's counters these shortcuts add to. */
  counters: { starts: number; folded: number; workflowTasks: number };
}

/** Eager start and the fold for one worker. */
export class WorkflowShortcuts {
  readonly #h: ShortcutHost;

  constructor(host: ShortcutHost) {
    this.#h = host;
  }

  /**
   * Reports an activity outcome with the run's next workflow task folded into the same transaction,
   * when the store can, the run is cached here, few tasks are in flight and a workflow slot is free.
   * Returns undefined when it did not try (the caller reports the outcome the ordinary way).
   */
  async completeActivityFolded(
    t: ActivityTask,
    outcome: ActivityOutcome,
  ): Promise<ActivityCompletionAndRun | undefined> {
    const h = this.#h;
    const store = h.store;
    const known = h.workflows.knownEvents(t.runId);
    // Under load, separate transactions batch better (group commit) than folds, whose activations
    // would hold their batch open: fold only while few workflow tasks are in flight.
    if (!store.completeActivityTaskAndRun || known === undefined || !this.#foldsNow()) return undefined;
    if (h.slots.reserve(1) === 0) return undefined;
    const claim = { ...this.#claim(), knownHistory: new Map([[t.runId, known]]) };
    const { result, started } = await this.#fold((run) =>
      store.completeActivityTaskAndRun!(t, outcome, claim, run),
    );
    if (started || result.workflowTask) h.counters.workflowTasks++;
    return result;
  }

  /** A workflow slot for a run a client in this process is starting (see eager-start.ts). */
  reserveEagerStart(): EagerStartReservation | undefined {
    const h = this.#h;
    if (h.slots.reserve(1) === 0) return undefined;
    let settled = false;
    const settle = () => {
      if (settled) throw new Error('this eager start reservation was already used');
      settled = true;
    };
    return {
      claim: this.#claim(),
      run: (task) => {
        settle();
        h.counters.starts++;
        void h.runWorkflowTask(task).finally(() => h.slots.release(1));
      },
      release: () => {
        if (settled) return;
        settled = true;
        h.slots.release(1);
      },
      ...(this.#foldsNow() && {
        startFolded: async (start) => {
          settle();
          const { result, started } = await this.#fold(start);
          if (started) h.counters.starts++;
          return result;
        },
      }),
    };
  }

  #foldsNow(): boolean {
    return this.#h.inFlight() < this.#h.options.foldBelowInFlight;
  }

  /** Who leases the workflow tasks this worker takes eagerly. */
  #claim(): EagerWorkflowClaim {
    const c = workflowClaimer(this.#h.options);
    return { owner: c.identity, leaseMs: c.leaseMs, taskQueue: c.taskQueue };
  }

  /**
   * Runs a folding store call in a workflow slot the caller took; the slot is released once the
   * folded task, and a retried attempt's task run afresh, have ended.
   */
  async #fold<R extends FoldableResult>(
    call: (run: (wt: WorkflowTask) => Promise<FoldedCompletion | undefined>) => Promise<R>,
  ): Promise<{ result: R; started: boolean }> {
    const h = this.#h;
    let processing: Promise<void> | undefined;
    const host: FoldHost = {
      store: h.store,
      activities: { slots: h.workflows.eagerActivities, claimer: activityClaimer(h.options) },
      process: (wt, route) => {
        processing = h.runWorkflowTask(wt, route);
        return processing;
      },
    };
    const release = (after: Promise<void> | undefined) =>
      void (after ?? Promise.resolve()).finally(() => h.slots.release(1));
    let r: Awaited<ReturnType<typeof runFolded<R>>>;
    try {
      r = await runFolded(host, call);
    } catch (err) {
      release(processing);
      throw err;
    }
    if (r.result.completed) h.counters.folded++;
    const rerun = r.rerun;
    release(
      (async () => {
        await r.processing;
        if (rerun) await h.runWorkflowTask(rerun);
      })(),
    );
    return { result: r.result, started: r.processing !== undefined };
  }
}
