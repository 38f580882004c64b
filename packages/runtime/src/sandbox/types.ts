/**
 * The host-side sandbox API: one bundle, many runs, each driven by `activate(activation) -> completion`.
 */
import type { Activation } from '../protocol/activation.ts';
import type { Completion } from '../protocol/completion.ts';

/** Where the isolates live. */
export type SandboxIsolation = 'process' | 'inline';

/** Options of {@link WorkflowSandbox}. */
export interface SandboxOptions {
  /** Heap limit of each isolate in MB (default 64). Exceeding it fails the activation with SandboxMemoryError. */
  memoryLimitMb?: number;
  /** CPU deadline of one activation in ms (default 1000). Exceeding it fails it with WorkflowTaskTimeoutError. */
  activationTimeoutMs?: number;
  /**
   * `'process'` (default): isolates in a supervised child process, restarted when it dies, so even a
   * failure V8 cannot survive leaves the worker alive. `'inline'`: isolates in this process; fastest,
   * for replay and tests.
   */
  isolation?: SandboxIsolation;
  /** Process isolation: how many sandbox deaths one run may cause before it fails with SandboxCrashedError (default 3). */
  maxCrashAttempts?: number;
  /**
   * Called when runs lose their sandbox state because another run exhausted memory or the sandbox
   * process died. Their owners must replay them (create a new run; their next activate would fail
   * with SandboxRunLostError).
   */
  onRunsLost?: (runIds: readonly string[], reason: 'memory' | 'crash') => void;
}

/** One run's instance of the workflow code inside the sandbox. */
export interface SandboxRun {
  readonly runId: string;
  /**
   * Applies one activation and returns its completion. Workflow code that throws out of the run
   * instance gives a completion with `taskFailure` (code `DETERMINISM_VIOLATION` for a determinism
   * violation). Rejects with WorkflowTaskTimeoutError, SandboxMemoryError, SandboxCrashedError,
   * SandboxRunLostError or SandboxProtocolError; after a rejection the run must be replayed in a new run.
   */
  activate(activation: Activation): Promise<Completion>;
  /** Frees the run's state in the sandbox. */
  dispose(): void;
}

/** Sandboxes for the runs of one bundle. */
export interface WorkflowSandbox {
  readonly buildId: string;
  readonly isolation: SandboxIsolation;
  /** Workflow type names the bundle exports. */
  workflowTypes(): string[];
  /** A new run instance (instantiated with its first activation, which must carry the `initialize` job). */
  newRun(runId: string): Promise<SandboxRun>;
  /** Stops the sandbox: isolates (and the child process) are disposed; pending activations reject. */
  dispose(): Promise<void>;
}
