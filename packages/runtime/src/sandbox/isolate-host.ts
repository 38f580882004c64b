/**
 * One isolate with one shared, locked-down context holding many runs: the engine room under both
 * isolation modes (inline in the worker, or inside the sandbox child process). Synchronous on
 * purpose: an activation is two calls into the isolate (activate, then conclude after the microtask
 * checkpoint isolated-vm runs when a call returns), all under one CPU deadline.
 */
import ivm from 'isolated-vm';
import type { Activation } from '../protocol/activation.ts';
import type { Completion } from '../protocol/completion.ts';
import {
  Boundary,
  classifyIsolateError,
  isThrownRecord,
  type ThrownRecord,
  taskFailureCompletion,
} from './boundary.ts';
import {
  SandboxCopyError,
  SandboxMemoryError,
  SandboxProtocolError,
  SandboxRunLostError,
  WorkflowBundleError,
  WorkflowTaskTimeoutError,
} from './errors.ts';
import { unhandledRejectionLog } from './unhandled-rejection.ts';

/** Limits of one isolate. */
export interface IsolateLimits {
  memoryLimitMb: number;
  activationTimeoutMs: number;
}

/** What loading a bundle tells the host. */
export interface BundleInfo {
  workflowTypes: string[];
  /** Number of objects frozen by the lockdown (intrinsics, globals, the bundle's exports). */
  frozenObjects: number;
}

interface Loaded {
  isolate: ivm.Isolate;
  context: ivm.Context;
  boundary: Boundary;
}

/** Adds the warning for a rejection left unhandled during this activation (live tasks only). */
function noteRejection(boundary: Boundary, activation: Activation, completion: Completion): Completion {
  const rejection = boundary.takeUnhandledRejection();
  if (rejection !== undefined && !activation.isReplaying) {
    completion.logs.push(unhandledRejectionLog(rejection.reason, activation.timestamp));
  }
  return completion;
}

/** How many times one activation may ask for another conclude before it counts as a broken bundle. */
const MAX_CONCLUDE_ROUNDS = 10_000;

/** Hosts the runs of one bundle in one isolate; recreates the isolate after it hits its memory limit. */
export class IsolateHost {
  readonly #code: string;
  readonly #buildId: string;
  readonly #limits: IsolateLimits;
  #loaded: Loaded | undefined;
  #info: BundleInfo | undefined;
  /** Runs with a live instance in the current isolate. */
  readonly #runs = new Set<string>();
  /** Runs whose instance was discarded with the isolate, until they are instantiated again. */
  readonly #lost = new Map<string, string>();

  constructor(bundle: { code: string; buildId: string }, limits: IsolateLimits) {
    this.#code = bundle.code;
    this.#buildId = bundle.buildId;
    this.#limits = limits;
  }

  /** Loads the bundle (if not loaded) and returns what it exports. Throws WorkflowBundleError. */
  load(): BundleInfo {
    if (this.#loaded !== undefined && !this.#loaded.isolate.isDisposed) return this.#info!;
    const isolate = new ivm.Isolate({ memoryLimit: this.#limits.memoryLimitMb });
    try {
      const context = isolate.createContextSync();
      const boundary = new Boundary(context);
      const script = isolate.compileScriptSync(this.#code, {
        filename: `reprise-bundle:${this.#buildId}.js`,
      });
      script.runSync(context, { timeout: Math.max(this.#limits.activationTimeoutMs, 5000) });
      script.release();
      const result = boundary.init(Math.max(this.#limits.activationTimeoutMs, 5000));
      this.#loaded = { isolate, context, boundary };
      this.#info = { workflowTypes: result.types, frozenObjects: result.frozen };
      return this.#info;
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw new WorkflowBundleError(this.#buildId, error instanceof Error ? error.message : String(error));
    }
  }

  /** Runs with a live instance in the current isolate. */
  runIds(): string[] {
    return [...this.#runs];
  }

  /**
   * Applies one activation. `fresh` instantiates the run (replacing an old instance of the same id).
   * Returns the completion, or a completion with `taskFailure` when workflow code threw out of the
   * instance; throws WorkflowTaskTimeoutError, SandboxMemoryError, SandboxProtocolError or
   * SandboxRunLostError.
   */
  activate(
    runId: string,
    activation: Activation,
    fresh: boolean,
    timeoutMs = this.#limits.activationTimeoutMs,
  ): Completion {
    if (!fresh && !this.#runs.has(runId)) {
      const lostTo = this.#lost.get(runId);
      throw lostTo !== undefined
        ? new SandboxRunLostError(runId, 'memory', lostTo)
        : new SandboxRunLostError(
            runId,
            'discarded',
            'no live instance of it in this sandbox; was it activated before, or did an earlier activation fail?',
          );
    }
    if (fresh) this.#lost.delete(runId);
    const { boundary, isolate } =
      this.#loaded !== undefined && !this.#loaded.isolate.isDisposed ? this.#loaded : this.#reload();
    const deadline = performance.now() + timeoutMs;
    const remaining = (): number => {
      const left = Math.ceil(deadline - performance.now());
      if (left <= 0) throw new Error('Script execution timed out.');
      return left;
    };
    this.#runs.add(runId);
    boundary.takeUnhandledRejection();
    try {
      let thrown: ThrownRecord | undefined;
      try {
        thrown = boundary.activate(runId, activation, fresh, remaining());
      } catch (error) {
        thrown = boundary.recall(error, remaining()) as ThrownRecord | undefined;
      }
      if (thrown !== undefined) {
        return this.#failed(runId, noteRejection(boundary, activation, taskFailureCompletion(runId, thrown)));
      }
      for (let round = 0; round < MAX_CONCLUDE_ROUNDS; round++) {
        const answer = boundary.conclude(runId, remaining());
        if (answer === undefined) continue;
        if (isThrownRecord(answer)) {
          return this.#failed(
            runId,
            noteRejection(boundary, activation, taskFailureCompletion(runId, answer)),
          );
        }
        return noteRejection(boundary, activation, answer);
      }
      throw new SandboxProtocolError(
        runId,
        `conclude() asked to be called again ${MAX_CONCLUDE_ROUNDS} times`,
      );
    } catch (error) {
      throw this.#translate(runId, error, timeoutMs, isolate);
    }
  }

  /** Forgets a run's instance. */
  drop(runId: string): void {
    this.#lost.delete(runId);
    if (!this.#runs.delete(runId)) return;
    const loaded = this.#loaded;
    if (loaded === undefined || loaded.isolate.isDisposed) return;
    try {
      loaded.boundary.drop(runId);
    } catch {
      // The isolate died under us; the run is gone either way.
    }
  }

  /** Heap statistics of the current isolate (for metrics and benchmarks). */
  heapStatistics(options: { collectGarbage?: boolean } = {}): ivm.HeapStatistics | undefined {
    const loaded = this.#loaded;
    if (loaded === undefined || loaded.isolate.isDisposed) return undefined;
    // Only when the process runs with --expose-gc (benchmarks): V8 then gives every context a `gc`.
    if (options.collectGarbage)
      loaded.context.evalSync('typeof gc === "function" && gc()', { timeout: 5000 });
    return loaded.isolate.getHeapStatisticsSync();
  }

  /** Disposes the isolate; every run is gone. */
  dispose(): void {
    const loaded = this.#loaded;
    this.#loaded = undefined;
    this.#runs.clear();
    if (loaded !== undefined && !loaded.isolate.isDisposed) loaded.isolate.dispose();
  }

  #reload(): Loaded {
    this.#runs.clear();
    this.#loaded = undefined;
    this.load();
    return this.#loaded!;
  }

  #failed(runId: string, completion: Completion): Completion {
    this.#runs.delete(runId);
    return completion;
  }

  #translate(runId: string, error: unknown, timeoutMs: number, isolate: ivm.Isolate): Error {
    const kind = classifyIsolateError(error, isolate);
    if (kind === 'memory') {
      this.#runs.delete(runId);
      const lost = [...this.#runs];
      this.dispose();
      for (const id of lost) this.#lost.set(id, `run ${runId} exhausted the shared isolate's memory`);
      return new SandboxMemoryError(runId, this.#limits.memoryLimitMb, lost);
    }
    this.drop(runId);
    if (kind === 'timeout') return new WorkflowTaskTimeoutError(runId, timeoutMs);
    if (error instanceof SandboxProtocolError || error instanceof SandboxCopyError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new SandboxProtocolError(runId, message);
  }
}
