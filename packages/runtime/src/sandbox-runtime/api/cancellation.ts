/**
 * Cancellation scopes: a tree of scopes, rooted at the workflow, to which every timer, activity,
 * child and condition is attached when it starts. Cancelling a scope cancels what is attached to it
 * and to its cancellable descendants; a non-cancellable scope shields its contents (e.g. cleanup that
 * must run after the workflow was cancelled).
 *
 * Cancellation is synchronous: the cancel commands are emitted at the `cancel()` call, in order
 * with the run's other commands, and the pending promises reject with a {@link CancelledFailure}.
 *
 * Sandbox-safe: no Node imports.
 */
import { type Duration, parseDuration } from '../../protocol/duration.ts';
import { activeRun, mutableRun } from '../current.ts';
import { CancelledFailure } from './failures.ts';

/** Options of a {@link CancellationScope}. */
export interface CancellationScopeOptions {
  /** False shields the scope from its parent's cancellation (default true). */
  cancellable?: boolean;
  /** Cancels the scope when this much workflow time has passed (a durable timer in the parent). */
  timeout?: Duration;
  /** The parent scope; by default the current one. `null` makes a root scope. */
  parent?: CancellationScope | null;
}

type Listener = (reason: CancelledFailure) => void;

/**
 * A unit of cancellation.
 * @example
 * const result = await CancellationScope.withTimeout('5 minutes', () => slowActivity());
 * @example
 * try { await work(); } finally { await CancellationScope.nonCancellable(() => cleanUp()); }
 */
export class CancellationScope {
  /** False for scopes shielded from their parent's cancellation. */
  readonly cancellable: boolean;
  readonly parent: CancellationScope | undefined;
  #reason: CancelledFailure | undefined;
  #listeners = new Set<Listener>();
  #cancelRequested: Promise<never> | undefined;
  #rejectCancelRequested: ((err: CancelledFailure) => void) | undefined;
  #timeoutMs: number | undefined;

  constructor(options: CancellationScopeOptions = {}) {
    this.cancellable = options.cancellable ?? true;
    const parent = options.parent === undefined ? CancellationScope.current() : options.parent;
    this.parent = parent ?? undefined;
    if (options.timeout !== undefined)
      this.#timeoutMs = parseDuration(options.timeout, 'CancellationScope timeout');
    if (parent && this.cancellable) {
      if (parent.consideredCancelled) this.cancel(parent.#reason);
      else parent.onCancel((reason) => this.cancel(reason));
    }
  }

  /** The scope the calling workflow code runs in. */
  static current(): CancellationScope {
    return activeRun('CancellationScope.current').currentScope;
  }

  /** Runs `fn` in a new cancellable scope. */
  static cancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: true }).run(fn);
  }

  /** Runs `fn` in a new scope that ignores its parent's cancellation. */
  static nonCancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: false }).run(fn);
  }

  /** Runs `fn` in a new cancellable scope that is cancelled after `timeout` of workflow time. */
  static withTimeout<T>(timeout: Duration, fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: true, timeout }).run(fn);
  }

  /** True once this scope (or a cancellable ancestor) was cancelled and the scope is cancellable. */
  get consideredCancelled(): boolean {
    return this.cancellable && this.#reason !== undefined;
  }

  /** Rejects with the {@link CancelledFailure} when the scope is cancelled; never resolves. */
  get cancelRequested(): Promise<never> {
    if (this.#cancelRequested === undefined) {
      this.#cancelRequested = new Promise<never>((_, reject) => {
        this.#rejectCancelRequested = reject;
      });
      // Nobody has to await it; an unobserved cancellation is not an error.
      this.#cancelRequested.catch(() => undefined);
      if (this.#reason !== undefined) this.#rejectCancelRequested?.(this.#reason);
    }
    return this.#cancelRequested;
  }

  /**
   * Runs `fn` with this scope as the current one: everything `fn` starts, directly or after an
   * `await` on workflow operations, is attached to this scope.
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = activeRun('CancellationScope.run');
    const outer = run.currentScope;
    const timerSeq = this.#startTimeout();
    run.currentScope = this;
    let result: Promise<T>;
    try {
      result = Promise.resolve(fn());
    } catch (err) {
      result = Promise.reject(err);
    } finally {
      run.currentScope = outer;
    }
    return result.then(
      (value) => {
        run.currentScope = outer;
        if (timerSeq !== undefined) run.cancelTimer(timerSeq);
        return value;
      },
      (err: unknown) => {
        run.currentScope = outer;
        if (timerSeq !== undefined) run.cancelTimer(timerSeq);
        throw err;
      },
    );
  }

  /** Requests cancellation of this scope and its cancellable descendants. */
  cancel(reason?: CancelledFailure): void {
    if (this.#reason !== undefined) return;
    mutableRun('CancellationScope.cancel');
    this.#reason = reason ?? new CancelledFailure('cancellation scope cancelled');
    this.#rejectCancelRequested?.(this.#reason);
    if (!this.cancellable) return;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) listener(this.#reason);
  }

  /** The failure the scope was cancelled with, if it was. */
  get cancellationReason(): CancelledFailure | undefined {
    return this.#reason;
  }

  /**
   * Calls `listener` when the scope is cancelled. Returns a function that detaches it (call it when
   * the operation ends first). Non-cancellable scopes never call it.
   */
  onCancel(listener: Listener): () => void {
    if (!this.cancellable) return noop;
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #startTimeout(): number | undefined {
    const ms = this.#timeoutMs;
    if (ms === undefined || this.consideredCancelled) return undefined;
    this.#timeoutMs = undefined;
    const run = activeRun('CancellationScope.withTimeout');
    const seq = run.startTimer(ms, () => {
      this.cancel(new CancelledFailure(`cancellation scope timed out after ${ms} ms`));
    });
    // The timer belongs to the parent: cancelling the parent (or this scope) stops it.
    this.onCancel(() => run.cancelTimer(seq));
    return seq;
  }
}

function noop(): void {}
