/**
 * The {@link SandboxRun} both isolations hand out: it remembers whether the next activation is the
 * run's first (which makes its instance in the sandbox) and refuses to run once disposed.
 */
import type { Activation } from '../protocol/activation.ts';
import type { Completion } from '../protocol/completion.ts';
import { SandboxRunLostError } from './errors.ts';
import type { SandboxRun } from './types.ts';

/** What a run handle needs from its sandbox. */
export interface RunHost {
  /** Runs one activation of `runId`; `fresh` for its first, which instantiates the run. */
  activateRun(runId: string, activation: Activation, fresh: boolean): Completion | Promise<Completion>;
  /** Frees the run's instance. */
  dropRun(runId: string): void;
}

/** One run of a sandbox. */
export class RunHandle implements SandboxRun {
  readonly runId: string;
  readonly #host: RunHost;
  #fresh = true;
  #disposed = false;

  constructor(runId: string, host: RunHost) {
    this.runId = runId;
    this.#host = host;
  }

  async activate(activation: Activation): Promise<Completion> {
    if (this.#disposed) throw new SandboxRunLostError(this.runId, 'disposed', 'the run was disposed');
    const fresh = this.#fresh;
    this.#fresh = false;
    return this.#host.activateRun(this.runId, activation, fresh);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#host.dropRun(this.runId);
  }
}
