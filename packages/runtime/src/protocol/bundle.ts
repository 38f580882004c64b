/**
 * The contract between the compiler's output and the sandbox host.
 *
 * A bundle is one script. Evaluated once in a fresh context, it installs the deterministic globals
 * and defines `globalThis.__reprise` ({@link BundleGlobal}). `instantiate()` then evaluates every
 * workflow module afresh, so each run owns its module-level state even when runs share a context.
 *
 * Sandbox-safe: no Node imports.
 */
import type { Activation } from './activation.ts';
import type { Completion } from './completion.ts';

/** The name of the global a bundle defines. */
export const BUNDLE_GLOBAL = '__reprise';

/** One run's instance of the workflow code, living inside the sandbox. */
export interface RunInstance {
  /**
   * Applies the jobs of an activation. Returns nothing: promise reactions run in the microtask
   * checkpoint after the call returns, so the host then calls {@link RunInstance.conclude}.
   */
  activate(activation: Activation): void;
  /**
   * Called after the microtask checkpoint. Re-checks `condition()` predicates; if any unblocked, it
   * returns `undefined` and the host calls `conclude` again (after another checkpoint). Otherwise it
   * returns the activation's completion.
   */
  conclude(): Completion | undefined;
}

/** What a bundle defines on `globalThis`. */
export interface BundleGlobal {
  /** Content hash of the bundle's sources and runtime (the build id). */
  buildId: string;
  /** Workflow type names exported by the entry module. */
  workflowTypes(): string[];
  /** Evaluates the workflow modules afresh and returns a new run instance. */
  instantiate(): RunInstance;
}

/**
 * The slot through which the context-wide deterministic globals (`Date`, `Math.random`, `crypto`,
 * `setTimeout`, `console`) reach the run that is executing. The prelude defines
 * `globalThis.__repriseEnv = { current: undefined }`; a run instance sets `current` to itself at the
 * start of `activate`/`conclude` and clears it at the end. Outside an activation the globals throw.
 */
export interface RunEnv {
  /** Workflow time of the current activation, ms since the epoch. */
  now(): number;
  /** Next number in [0, 1) from the run's seeded PRNG. */
  random(): number;
  /** `setTimeout` inside workflow code: a durable timer. Returns a handle for `clearTimeout`. */
  setTimeout(callback: (...args: unknown[]) => void, ms: number, args: unknown[]): number;
  clearTimeout(handle: number): void;
  /** `console.*` inside workflow code. Dropped while replaying. */
  log(level: 'debug' | 'info' | 'warn' | 'error', args: unknown[]): void;
}

/** Name of the global slot holding {@link RunEnv}. */
export const RUN_ENV_GLOBAL = '__repriseEnv';
