/**
 * The test environment's client: the runtime `Client` with the environment's task queue and
 * generated workflow ids as defaults, and handles whose `result()` fails fast on a blocked run and
 * whose `fetchHistory()` returns a history file ready to commit as a replay fixture.
 */
import {
  type History,
  type HistoryEvent,
  historyFromEvents,
  type ListRunsFilter,
  type RunInfo,
} from '@reprise/history-store';
import {
  type Client,
  type MessageRef,
  type ResultOptions,
  type SignalWithStartOptions,
  type StartOptions,
  type WorkflowHandle,
  WorkflowNotFoundError,
  type WorkflowRef,
} from '@reprise/runtime';
import { BlockedRunError } from './errors.ts';
import type { TrackedStore, WorkflowTaskFailureReport } from './tracked-store.ts';

/** {@link StartOptions} with the environment's defaults: `workflowId` and `taskQueue` may be omitted. */
export type TestStartOptions = Omit<StartOptions, 'workflowId' | 'taskQueue'> & {
  /** Default: `<workflowType>-<n>`. */
  workflowId?: string;
  /** Default: the environment's task queue. */
  taskQueue?: string;
};

/** {@link SignalWithStartOptions} with the environment's defaults. */
export type TestSignalWithStartOptions = TestStartOptions &
  Pick<SignalWithStartOptions, 'signal' | 'signalArgs'>;

/** Starts workflows in a test environment; see {@link TestWorkflowEnvironment.client}. */
export class TestClient {
  /** The runtime client underneath, on the environment's store. */
  readonly raw: Client;
  readonly #store: TrackedStore;
  readonly #taskQueue: string;
  #started = 0;

  constructor(raw: Client, store: TrackedStore, taskQueue: string) {
    this.raw = raw;
    this.#store = store;
    this.#taskQueue = taskQueue;
  }

  /** Starts a run. @throws WorkflowAlreadyStartedError when the id is taken. */
  async start<R = unknown>(
    workflow: WorkflowRef,
    options: TestStartOptions = {},
  ): Promise<TestWorkflowHandle<R>> {
    return this.#wrap(await this.raw.start<R>(workflow, this.#options(workflow, options)));
  }

  /** Starts a run and waits for its result (skipping time when the environment does). */
  async execute<R = unknown>(workflow: WorkflowRef, options: TestStartOptions = {}): Promise<R> {
    return (await this.start<R>(workflow, options)).result();
  }

  /** Signals the running run of the id, or starts one with the signal as its first event. */
  async signalWithStart<R = unknown>(
    workflow: WorkflowRef,
    options: TestSignalWithStartOptions,
  ): Promise<TestWorkflowHandle<R>> {
    const base = this.#options(workflow, options);
    const full: SignalWithStartOptions = { ...base, signal: options.signal };
    if (options.signalArgs) full.signalArgs = options.signalArgs;
    return this.#wrap(await this.raw.signalWithStart<R>(workflow, full));
  }

  /** A handle on the latest run of `workflowId`, or on one run. */
  getHandle<R = unknown>(workflowId: string, runId?: string): TestWorkflowHandle<R> {
    return this.#wrap(this.raw.getHandle<R>(workflowId, runId));
  }

  /** Runs matching `filter`, newest first. */
  list(filter: ListRunsFilter = {}): AsyncIterable<RunInfo> {
    return this.raw.list(filter);
  }

  #options(workflow: WorkflowRef, o: TestStartOptions): StartOptions {
    const type = typeof workflow === 'string' ? workflow : workflow.name;
    const { workflowId, taskQueue, ...rest } = o;
    return {
      ...rest,
      workflowId: workflowId ?? `${type || 'workflow'}-${++this.#started}`,
      taskQueue: taskQueue ?? this.#taskQueue,
    };
  }

  #wrap<R>(handle: WorkflowHandle<R>): TestWorkflowHandle<R> {
    return new TestWorkflowHandle<R>(handle, this.#store);
  }
}

/** A handle on one workflow id in a test environment; mirrors the runtime `WorkflowHandle`. */
export class TestWorkflowHandle<R = unknown> {
  /** The runtime handle underneath. */
  readonly raw: WorkflowHandle<R>;
  readonly #store: TrackedStore;

  constructor(raw: WorkflowHandle<R>, store: TrackedStore) {
    this.raw = raw;
    this.#store = store;
  }

  get workflowId(): string {
    return this.raw.workflowId;
  }

  /** The run this handle was created for (the started run), if pinned. */
  get runId(): string | undefined {
    return this.raw.runId;
  }

  /**
   * Waits for the run to close and returns its result. With time skipping, time jumps whenever every
   * run is blocked on timers while this waits.
   * @throws WorkflowFailedError when the run failed, was cancelled, terminated or timed out.
   * @throws BlockedRunError when a workflow task of the run fails (its code threw, or is nondeterministic).
   */
  async result(options: ResultOptions = {}): Promise<R> {
    let unsubscribe: () => void = () => {};
    const blocked = new Promise<never>((_, reject) => {
      unsubscribe = this.#store.onWorkflowTaskFailure((r: WorkflowTaskFailureReport) => {
        if (r.workflowId === this.workflowId) reject(new BlockedRunError(r, r.failure));
      });
    });
    blocked.catch(() => {});
    try {
      const info = await this.raw.describe();
      if (info.status === 'running' && info.blocked) {
        throw new BlockedRunError(info, {
          cause: info.blocked.cause,
          failure: { message: info.blocked.message, source: 'ApplicationFailure' },
        });
      }
      return await Promise.race([this.raw.result(options), blocked]);
    } finally {
      unsubscribe();
    }
  }

  /** Sends a signal. */
  signal(signal: MessageRef, ...args: unknown[]): Promise<void> {
    return this.raw.signal(signal, ...args);
  }

  /** Asks the run a question (answered from its state; nothing is recorded). */
  query<T = unknown>(query: MessageRef, ...args: unknown[]): Promise<T> {
    return this.raw.query<T>(query, ...args);
  }

  /** Sends an update and waits until it is accepted and completed (or rejected). */
  executeUpdate<T = unknown>(
    update: MessageRef,
    options: { args?: unknown[]; updateId?: string } = {},
  ): Promise<T> {
    return this.raw.executeUpdate<T>(update, options);
  }

  /** Shorthand for {@link executeUpdate} with positional arguments. */
  update<T = unknown>(update: MessageRef, ...args: unknown[]): Promise<T> {
    return this.raw.update<T>(update, ...args);
  }

  /** Requests cancellation of the run. */
  cancel(reason?: string): Promise<void> {
    return this.raw.cancel(reason);
  }

  /** Ends the run at once, without running workflow code. */
  terminate(reason?: string): Promise<void> {
    return this.raw.terminate(reason);
  }

  /** The run's visible state. */
  describe(): Promise<RunInfo> {
    return this.raw.describe();
  }

  /** The run's events. */
  fetchEvents(): Promise<HistoryEvent[]> {
    return this.raw.fetchHistory();
  }

  /**
   * The run's history as a history file (header and events), ready for `writeHistoryFile` to save
   * as a replay fixture.
   * @example
   * await writeHistoryFile('fixtures/histories/order/approved.json', await handle.fetchHistory());
   */
  async fetchHistory(): Promise<History> {
    const info = await this.raw.describe();
    const events = await this.#store.readHistory(this.workflowId, info.runId);
    if (events.length === 0) throw new WorkflowNotFoundError(this.workflowId, info.runId);
    return historyFromEvents(events, {
      runId: info.runId,
      ...(info.buildId !== undefined ? { buildId: info.buildId } : {}),
    });
  }
}
