/**
 * A handle on one workflow id (optionally pinned to a run): await its result, signal, query, update,
 * cancel, terminate, describe and fetch its history.
 */
import { randomUUID } from 'node:crypto';
import type { CloseWatch, HistoryEvent, HistoryStore, RunInfo } from '@reprise/history-store';
import { translateStoreError, WorkflowFailedError, WorkflowNotFoundError } from './errors.ts';

/** A signal, query or update: its definition from `defineSignal`/`defineQuery`/`defineUpdate`, or its name. */
export type MessageRef = string | { readonly name: string };

/** Options of {@link WorkflowHandle.result}. */
export interface ResultOptions {
  /** Follow continue-as-new to the final run (default true). */
  followRuns?: boolean;
  signal?: AbortSignal;
}

/** Watches begun before a handle's run was started (`Client.execute`), used by its first `result()`. */
const watches = new WeakMap<WorkflowHandle, CloseWatch>();

/** Gives `handle`'s next `result()` a watch that began before its run was started. */
export function armResult(handle: WorkflowHandle, watch: CloseWatch): void {
  watches.set(handle, watch);
}

/** Handle on a workflow id; see {@link Client.getHandle}. */
export class WorkflowHandle<R = unknown> {
  readonly workflowId: string;
  /** The run this handle was created for: the started run, or the run id given to `getHandle`. */
  readonly runId: string | undefined;
  readonly #store: HistoryStore;
  readonly #identity: string;

  constructor(store: HistoryStore, identity: string, workflowId: string, runId?: string) {
    this.#store = store;
    this.#identity = identity;
    this.workflowId = workflowId;
    this.runId = runId;
  }

  /**
   * Waits for the run to close and returns its result.
   * @throws WorkflowFailedError when it failed, was cancelled, terminated or timed out.
   * @throws WorkflowNotFoundError when there is no such run.
   */
  async result(options: ResultOptions = {}): Promise<R> {
    let runId = this.runId ?? (await this.describe()).runId;
    let watch = options.signal === undefined ? watches.get(this) : undefined;
    watches.delete(this);
    for (;;) {
      const ref = { workflowId: this.workflowId, runId };
      const armed = watch;
      watch = undefined;
      const closing = await this.#call(
        () => (armed ? armed.wait(ref) : this.#store.waitForClose(ref, options.signal)),
        runId,
      );
      switch (closing.eventType) {
        case 'WorkflowExecutionCompleted':
          return closing.result as R;
        case 'WorkflowExecutionFailed':
          throw new WorkflowFailedError(ref, 'failed', closing.failure);
        case 'WorkflowExecutionCanceled':
          throw new WorkflowFailedError(ref, 'canceled', {
            message: 'workflow cancelled',
            source: 'CancelledFailure',
            ...(closing.details ? { details: closing.details } : {}),
          });
        case 'WorkflowExecutionTerminated':
          throw new WorkflowFailedError(ref, 'terminated', {
            message: `workflow terminated${closing.reason ? `: ${closing.reason}` : ''}`,
            source: 'TerminatedFailure',
          });
        case 'WorkflowExecutionTimedOut':
          throw new WorkflowFailedError(ref, 'timedOut', {
            message: `workflow timed out (${closing.timeoutType} timeout)`,
            source: 'TimeoutFailure',
            timeoutType: closing.timeoutType === 'run' ? 'run' : 'scheduleToClose',
          });
        case 'WorkflowExecutionContinuedAsNew':
          if (options.followRuns === false) {
            throw new WorkflowFailedError(ref, 'failed', {
              message: `continued as new run ${closing.newRunId}`,
              source: 'ApplicationFailure',
              type: 'ContinuedAsNew',
            });
          }
          runId = closing.newRunId;
          break;
        default:
          throw new Error(
            `waitForClose returned a non-closing event ${closing.eventType} (event ${closing.eventId})`,
          );
      }
    }
  }

  /** Sends a signal; delivered exactly once, buffered by the run until a handler exists. */
  async signal(signal: MessageRef, ...args: unknown[]): Promise<void> {
    await this.#call(() =>
      this.#store.signalWorkflow(this.#target(), {
        name: nameOf(signal),
        input: args,
        identity: this.#identity,
        requestId: randomUUID(),
      }),
    );
  }

  /** Asks the run a question, answered from its state without changing its history. */
  async query<T = unknown>(query: MessageRef, ...args: unknown[]): Promise<T> {
    return (await this.#call(() => this.#store.query(this.#target(), nameOf(query), args))) as T;
  }

  /** Sends an update and waits until it is accepted and completed (or rejected by its validator). */
  async executeUpdate<T = unknown>(
    update: MessageRef,
    options: { args?: unknown[]; updateId?: string } = {},
  ): Promise<T> {
    const id = options.updateId ?? randomUUID();
    return (await this.#call(() =>
      this.#store.update(this.#target(), id, nameOf(update), options.args ?? []),
    )) as T;
  }

  /** Shorthand for {@link executeUpdate} with positional arguments. */
  update<T = unknown>(update: MessageRef, ...args: unknown[]): Promise<T> {
    return this.executeUpdate<T>(update, { args });
  }

  /** Requests cancellation: the workflow sees it as a cancelled root scope and may clean up. */
  async cancel(reason?: string): Promise<void> {
    await this.#call(() => this.#store.requestCancelWorkflow(this.#target(), reason));
  }

  /** Ends the run at once, without running workflow code. */
  async terminate(reason?: string): Promise<void> {
    await this.#call(() => this.#store.terminateWorkflow(this.#target(), reason));
  }

  /** The run's visible state (status, type, times, history length, blocked reason). */
  async describe(): Promise<RunInfo> {
    const info = await this.#call(() => this.#store.describeRun(this.workflowId, this.runId));
    if (!info) throw new WorkflowNotFoundError(this.workflowId, this.runId);
    return info;
  }

  /** The run's event history. */
  async fetchHistory(): Promise<HistoryEvent[]> {
    const events = await this.#call(() => this.#store.readHistory(this.workflowId, this.runId));
    if (events.length === 0) throw new WorkflowNotFoundError(this.workflowId, this.runId);
    return events;
  }

  #target(): { workflowId: string; runId?: string } {
    return this.runId === undefined
      ? { workflowId: this.workflowId }
      : { workflowId: this.workflowId, runId: this.runId };
  }

  async #call<T>(fn: () => Promise<T>, runId = this.runId): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateStoreError(err, { workflowId: this.workflowId, runId });
    }
  }
}

/** The name of a signal, query or update definition. */
export function nameOf(ref: MessageRef): string {
  return typeof ref === 'string' ? ref : ref.name;
}
