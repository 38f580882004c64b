/**
 * The cache of live runs: for each run, its state machine and its sandbox instance, kept between
 * workflow tasks so a run that wakes up continues from memory instead of replaying its history.
 * Evicted runs are disposed and replay from history at their next task.
 */
import type { Activation, Completion } from '../protocol/index.ts';
import type { WorkflowStateMachine } from '../state-machine/index.ts';
import { Lru } from './lru.ts';
import type { PendingWork } from './pending-work.ts';

/** One run's instance of the workflow code inside a sandbox. */
export interface SandboxRun {
  activate(activation: Activation): Promise<Completion>;
  dispose(): void | Promise<void>;
}

/** A run held in memory between its workflow tasks. */
export interface LiveRun {
  workflowId: string;
  runId: string;
  workflowType: string;
  machine: WorkflowStateMachine;
  instance: SandboxRun;
  /** What the run waits for, to tell a sleeping run (evicted) from a busy one (kept). */
  pending: PendingWork;
}

/** LRU cache of live runs with the `knownHistory` map the store's claim takes. */
export class RunCache {
  readonly #lru: Lru<string, LiveRun>;
  readonly #onDisposeError: (run: LiveRun, err: unknown) => void;

  constructor(max: number, onDisposeError: (run: LiveRun, err: unknown) => void) {
    this.#onDisposeError = onDisposeError;
    this.#lru = new Lru(max, (_id, run) => this.#dispose(run));
  }

  get size(): number {
    return this.#lru.size;
  }

  /**
   * Takes a run out of the cache for the duration of its workflow task (so LRU eviction cannot
   * dispose it mid-task). Put it back with {@link put}, or {@link discard} it.
   */
  take(runId: string): LiveRun | undefined {
    return this.#lru.take(runId);
  }

  /** Caches a run after a successful task (disposes it at once when the cache size is 0). */
  put(run: LiveRun): void {
    this.#lru.set(run.runId, run);
  }

  /** Disposes a run that will not be cached (closed, failed, or rejected by the store). */
  discard(run: LiveRun): void {
    this.#dispose(run);
  }

  /** Events the cached run `runId` already has (for an eager claim of its next task), if cached. */
  knownEvents(runId: string): number | undefined {
    return this.#lru.peek(runId)?.machine.lastEventId;
  }

  /** Runs in the cache with the number of events each already has, for `claimWorkflowTasks`. */
  knownHistory(): Map<string, number> {
    const m = new Map<string, number>();
    for (const [id, run] of this.#lru.entries()) m.set(id, run.machine.lastEventId);
    return m;
  }

  /** Disposes every cached run. */
  clear(): void {
    this.#lru.clear();
  }

  #dispose(run: LiveRun): void {
    try {
      const r = run.instance.dispose();
      if (r instanceof Promise) r.catch((err: unknown) => this.#onDisposeError(run, err));
    } catch (err) {
      this.#onDisposeError(run, err);
    }
  }
}
