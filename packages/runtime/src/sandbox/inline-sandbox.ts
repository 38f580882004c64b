/**
 * Isolation `'inline'`: isolates in this process. Fastest (no IPC); a failure V8 cannot survive
 * takes the process with it, so workers default to process isolation.
 */
import type { Activation } from '../protocol/activation.ts';
import type { Completion } from '../protocol/completion.ts';
import { SandboxMemoryError, SandboxRunLostError } from './errors.ts';
import { IsolateHost } from './isolate-host.ts';
import { RunHandle, type RunHost } from './run-handle.ts';
import type { SandboxOptions, SandboxRun, WorkflowSandbox } from './types.ts';

/** A {@link WorkflowSandbox} whose isolate lives in this process. */
export class InlineSandbox implements WorkflowSandbox, RunHost {
  readonly buildId: string;
  readonly isolation = 'inline' as const;
  readonly #host: IsolateHost;
  readonly #options: SandboxOptions;
  #types: string[] = [];
  #disposed = false;

  constructor(
    bundle: { code: string; buildId: string },
    options: SandboxOptions,
    limits: { memoryLimitMb: number; activationTimeoutMs: number },
  ) {
    this.buildId = bundle.buildId;
    this.#options = options;
    this.#host = new IsolateHost(bundle, limits);
  }

  /** Loads the bundle; throws WorkflowBundleError. */
  load(): this {
    this.#types = this.#host.load().workflowTypes;
    return this;
  }

  workflowTypes(): string[] {
    return [...this.#types];
  }

  async newRun(runId: string): Promise<SandboxRun> {
    if (this.#disposed) throw new SandboxRunLostError(runId, 'disposed', 'the sandbox was disposed');
    return new RunHandle(runId, this);
  }

  /** @internal */
  activateRun(runId: string, activation: Activation, fresh: boolean): Completion {
    if (this.#disposed) throw new SandboxRunLostError(runId, 'disposed', 'the sandbox was disposed');
    try {
      return this.#host.activate(runId, activation, fresh);
    } catch (error) {
      if (error instanceof SandboxMemoryError && error.lostRunIds.length > 0) {
        this.#options.onRunsLost?.(error.lostRunIds, 'memory');
      }
      throw error;
    }
  }

  /** @internal */
  dropRun(runId: string): void {
    if (!this.#disposed) this.#host.drop(runId);
  }

  /** Heap statistics of the isolate (metrics, benchmarks). */
  heapStatistics(options: { collectGarbage?: boolean } = {}): ReturnType<IsolateHost['heapStatistics']> {
    return this.#host.heapStatistics(options);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#host.dispose();
  }
}
