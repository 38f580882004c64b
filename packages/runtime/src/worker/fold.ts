/**
 * The fold: an activity's outcome and the workflow task it schedules share one store transaction.
 * The worker that ran the activity usually holds the run in its cache, so while the transaction that
 * records the outcome is open (the task and run rows locked, the new workflow task leased to this
 * worker), the run's next activation runs in the sandbox and its completion is applied in the same
 * transaction: one commit instead of two, and no round trip between them.
 *
 * The processor must not call the store while the transaction is open: before any call other than
 * the completion (a failure to report, a history to read) it detaches, and the transaction commits the
 * outcome with the task leased and uncompleted, as `completeActivityTaskAndClaim` would. If the
 * transaction is retried, the first attempt's sandbox state is void: that processing is abandoned
 * (`FOLD_ABORTED`, the run leaves the cache) and the retried attempt's task is run afresh.
 *
 * Host-only.
 */
import {
  type ActivityCompletionAndRun,
  type ActivityTask,
  type FoldedCompletion,
  type HistoryStore,
  RunConflictError,
  type WorkflowTask,
} from '@reprise/history-store';
import { activityClaim, completeWorkflowTaskEagerly, type EagerClaimer, type SlotReserve } from './eager.ts';
import type { CompletionRoute } from './workflow-tasks.ts';

/** The first attempt of a retried fold transaction: its processing is void. */
export class FoldAbortedError extends Error {
  readonly code = 'FOLD_ABORTED';
  constructor() {
    super('the transaction this workflow task was folded into was retried');
    this.name = 'FoldAbortedError';
  }
}

/** What a fold needs from the worker. */
export interface FoldHost {
  store: HistoryStore;
  /** Activity slots and claimer for the activities the completion schedules. */
  activities: { slots: SlotReserve | undefined; claimer: EagerClaimer };
  /** Processes a task through `route`; resolves when the processing ends (it never rejects). */
  process(task: WorkflowTask, route: CompletionRoute): Promise<void>;
}

/** What a store call with a folded task returns: the task, and whether its completion was applied. */
export type FoldableResult = Pick<ActivityCompletionAndRun, 'workflowTask' | 'completed'>;

/** Outcome of {@link runFolded}. */
export interface FoldResult<R> {
  result: R;
  /** The processing of the folded task, when one started. */
  processing?: Promise<void>;
  /** A task leased by a retried attempt, to process afresh once `processing` ends. */
  rerun?: WorkflowTask;
}

/**
 * Runs a store call that folds a workflow task into its transaction (`call` passes `run` to the
 * store): the task is processed while the transaction is open and its completion applied in it.
 */
export async function runFolded<R extends FoldableResult>(
  host: FoldHost,
  call: (run: (workflowTask: WorkflowTask) => Promise<FoldedCompletion | undefined>) => Promise<R>,
): Promise<FoldResult<R>> {
  let fold: Fold | undefined;
  let calls = 0;
  let result: R;
  try {
    result = await call(async (wt) => {
      calls++;
      if (fold) {
        // A retried transaction: the first attempt rolled back, with the lease its processing holds.
        fold.abort();
        return undefined;
      }
      fold = new Fold(host);
      return fold.start(wt);
    });
  } catch (err) {
    fold?.fail(err);
    throw err;
  }
  if (!fold) return { result };
  if (calls > 1) {
    return result.workflowTask
      ? { result, processing: fold.processing, rerun: result.workflowTask }
      : { result, processing: fold.processing };
  }
  fold.committed(result);
  if (result.workflowTask && !result.completed && !fold.detached) {
    // The processing ended without completing or detaching (it never should): the task is leased to
    // us and nobody holds it, so run it afresh rather than leave it to its lease's expiry.
    return { result, processing: fold.processing, rerun: result.workflowTask };
  }
  return { result, processing: fold.processing };
}

/** One folded task: the processing, and the decision it hands to the open transaction. */
class Fold {
  readonly #host: FoldHost;
  processing: Promise<void> = Promise.resolve();
  #decide!: (d: FoldedCompletion | undefined) => void;
  readonly #decision = new Promise<FoldedCompletion | undefined>((r) => {
    this.#decide = r;
  });
  #decided = false;
  /** The processing detached: it goes on with the task itself once the transaction commits. */
  detached = false;
  #commit!: (r: FoldableResult) => void;
  #abort!: (err: unknown) => void;
  readonly #commitOutcome = new Promise<FoldableResult>((resolve, reject) => {
    this.#commit = resolve;
    this.#abort = reject;
  });

  constructor(host: FoldHost) {
    this.#host = host;
    // Nobody may be waiting when the transaction fails; the route's callers see the rejection.
    this.#commitOutcome.catch(() => undefined);
  }

  /** Starts processing `wt`; resolves with the completion to apply, or undefined to apply none. */
  start(wt: WorkflowTask): Promise<FoldedCompletion | undefined> {
    const route: CompletionRoute = {
      complete: (t, completion, scheduled) => this.#complete(t, completion, scheduled),
      detach: async () => {
        if (!this.#decided) this.detached = true;
        this.#settle(undefined);
        await this.#commitOutcome.catch(() => undefined);
      },
    };
    // A processing that ends without completing or detaching must not hold the transaction open.
    this.processing = this.#host.process(wt, route).finally(() => this.#settle(undefined));
    return this.#decision;
  }

  committed(result: FoldableResult): void {
    this.#settle(undefined);
    this.#commit(result);
  }

  abort(): void {
    this.#settle(undefined);
    this.#abort(new FoldAbortedError());
  }

  fail(err: unknown): void {
    this.#settle(undefined);
    this.#abort(err);
  }

  #settle(d: FoldedCompletion | undefined): void {
    if (this.#decided) return;
    this.#decided = true;
    this.#decide(d);
  }

  async #complete(
    task: WorkflowTask,
    completion: FoldedCompletion['completion'],
    scheduled: number,
  ): Promise<ActivityTask[]> {
    const { slots, claimer } = this.#host.activities;
    if (this.#decided) {
      // Detached earlier (or the transaction already ended): an ordinary completion, once it committed.
      await this.#commitOutcome;
      return completeWorkflowTaskEagerly(this.#host.store, task, completion, scheduled, slots, claimer);
    }
    const reserved = scheduled > 0 && slots ? slots.reserve(scheduled) : 0;
    this.#settle({ completion, ...(reserved > 0 && { activities: activityClaim(claimer, reserved) }) });
    let taken: ActivityTask[] = [];
    try {
      const r = await this.#commitOutcome;
      if (!r.completed) throw new Error('the folded completion was not applied');
      if (r.completed.conflict !== undefined) throw new RunConflictError(r.completed.conflict);
      taken = r.completed.activityTasks;
      return taken;
    } finally {
      if (reserved > 0) slots?.release(reserved - taken.length);
    }
  }
}
