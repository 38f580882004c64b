/**
 * The process sandbox's account of its runs: which have a live instance in the current child, which
 * were lost (and why), and how many child deaths each was executing at. From it the supervisor
 * decides whether a queued activation may go, must go alone (a suspect), or fails at once.
 */
import { SandboxCrashedError, SandboxRunLostError } from './errors.ts';

/** Why a run's instance is gone: the child ran out of memory or died. */
export type LossCause = 'memory' | 'crash';

/** What to do with a queued activation. */
export type Admission =
  | { send: true; suspect: boolean }
  | { send: false; error: SandboxRunLostError | SandboxCrashedError };

/** Runs of one process sandbox, across restarts of its child. */
export class ProcessRuns {
  readonly #maxAttempts: number;
  /** Runs instantiated in the current child. */
  readonly #live = new Set<string>();
  readonly #lost = new Map<string, LossCause>();
  readonly #crashes = new Map<string, number>();

  constructor(maxAttempts: number) {
    this.#maxAttempts = maxAttempts;
  }

  /**
   * Whether an activation of `runId` may be sent. A later activation (`fresh` false) needs the
   * instance its first one made; a run that was executing at `maxAttempts` deaths is not started
   * again; a run executing at any death is a suspect and goes alone.
   */
  admit(runId: string, fresh: boolean): Admission {
    const attempts = this.#crashes.get(runId) ?? 0;
    if (!fresh && !this.#live.has(runId)) {
      const why = this.#lost.get(runId);
      return {
        send: false,
        error: new SandboxRunLostError(
          runId,
          why ?? 'discarded',
          why === undefined ? 'no live instance of it in the sandbox' : `its sandbox was lost (${why})`,
        ),
      };
    }
    if (attempts >= this.#maxAttempts) {
      return { send: false, error: new SandboxCrashedError(runId, attempts, 'not started again') };
    }
    return { send: true, suspect: attempts > 0 };
  }

  /** The activation of `runId` is on its way; a fresh one makes a live instance in the child. */
  sent(runId: string, fresh: boolean): void {
    if (fresh) {
      this.#live.add(runId);
      this.#lost.delete(runId);
    }
  }

  /** The owner disposed of the run. True when the child holds an instance it should drop. */
  drop(runId: string): boolean {
    const held = this.#live.delete(runId);
    this.#lost.delete(runId);
    return held;
  }

  /** The run completed an activation: no longer a suspect; a failed task discards its instance. */
  completed(runId: string, taskFailed: boolean): void {
    this.#crashes.delete(runId);
    if (taskFailed) this.#live.delete(runId);
  }

  /**
   * The run's activation failed in the child, which discarded its instance; when the child ran out of
   * memory, the instances of the `lostToMemory` runs went with it.
   */
  failed(runId: string, lostToMemory: readonly string[] = []): void {
    this.#live.delete(runId);
    for (const id of lostToMemory) {
      this.#live.delete(id);
      this.#lost.set(id, 'memory');
    }
  }

  /**
   * The child died while executing `executing` (`exit` says how). Returns the error each of them
   * fails with and the other runs whose instances died with the child.
   */
  childDied(
    executing: readonly string[],
    exit: string,
  ): { errors: (SandboxRunLostError | SandboxCrashedError)[]; lost: string[] } {
    const errors = executing.map((runId) => {
      const attempts = (this.#crashes.get(runId) ?? 0) + 1;
      this.#crashes.set(runId, attempts);
      this.#live.delete(runId);
      return attempts >= this.#maxAttempts
        ? new SandboxCrashedError(runId, attempts, exit)
        : new SandboxRunLostError(
            runId,
            'crash',
            `the sandbox process died (${exit}) while running it, attempt ${attempts} of ${this.#maxAttempts}`,
          );
    });
    const lost = [...this.#live];
    this.#live.clear();
    for (const id of lost) this.#lost.set(id, 'crash');
    return { errors, lost };
  }
}
