/**
 * The client: starts workflows and reaches running ones. It talks to the history store directly (no
 * server in between), so any process with the database URL can be a client.
 */
import { hostname } from 'node:os';
import type {
  HistoryStore,
  ListRunsFilter,
  RunInfo,
  StartWorkflowRequest,
  StartWorkflowResult,
  WorkflowIdReusePolicy,
} from '@reprise/history-store';
import { type Duration, parseDuration } from '../protocol/duration.ts';
import { reserveEagerStart } from '../worker/eager-start.ts';
import { translateStoreError } from './errors.ts';
import { armResult, type MessageRef, nameOf, WorkflowHandle } from './handle.ts';

/** A workflow type: its name, or the workflow function itself (its name is used). */
// biome-ignore lint/suspicious/noExplicitAny: any workflow signature.
export type WorkflowRef = string | ((...args: any[]) => unknown);

/** Options of {@link Client.start}. */
export interface StartOptions {
  workflowId: string;
  taskQueue: string;
  args?: unknown[];
  idReusePolicy?: WorkflowIdReusePolicy;
  workflowRunTimeout?: Duration;
  workflowExecutionTimeout?: Duration;
}

/** Options of {@link Client.signalWithStart}. */
export interface SignalWithStartOptions extends StartOptions {
  signal: MessageRef;
  signalArgs?: unknown[];
}

/** Options of the {@link Client} constructor. */
export interface ClientOptions {
  store: HistoryStore;
  /** Recorded in events this client causes (default `client@<host>:<pid>`). */
  identity?: string;
  /**
   * Eager start (default true): when a running worker in this process serves the run's task queue on
   * the same store object and has a free workflow slot, the start transaction leases the run's first
   * workflow task to it and the client hands the task over directly, with no claim.
   */
  eagerStart?: boolean;
}

/**
 * Starts workflows and returns handles on them.
 * @example
 * ```ts
 * const client = new Client({ store });
 * const handle = await client.start('order', { workflowId: 'order-1', taskQueue: 'orders', args: [order] });
 * await handle.signal('approve', { by: 'ana' });
 * console.log(await handle.result());
 * ```
 */
export class Client {
  readonly store: HistoryStore;
  readonly identity: string;
  readonly #eagerStart: boolean;

  constructor(options: ClientOptions) {
    this.store = options.store;
    this.identity = options.identity ?? `client@${hostname()}:${process.pid}`;
    this.#eagerStart = options.eagerStart ?? true;
  }

  /** Starts a run. @throws WorkflowAlreadyStartedError when the id is taken (see `idReusePolicy`). */
  async start<R = unknown>(workflow: WorkflowRef, options: StartOptions): Promise<WorkflowHandle<R>> {
    const req = this.#request(workflow, options);
    const res = await this.#startRaw(req);
    return new WorkflowHandle<R>(this.store, this.identity, options.workflowId, res.runId);
  }

  /** Starts a run and waits for its result. */
  async execute<R = unknown>(workflow: WorkflowRef, options: StartOptions): Promise<R> {
    // Watching before the start means the wait reads nothing until the run closes.
    const unwatch = new AbortController();
    const watch = this.store.watchClose?.(options.workflowId, unwatch.signal);
    let handle: WorkflowHandle<R>;
    try {
      handle = await this.start<R>(workflow, options);
    } catch (err) {
      unwatch.abort();
      throw err;
    }
    if (watch) armResult(handle, watch);
    return handle.result();
  }

  /**
   * Signals the workflow id's running run, or starts a run and delivers the signal as its first
   * event, in one transaction.
   */
  async signalWithStart<R = unknown>(
    workflow: WorkflowRef,
    options: SignalWithStartOptions,
  ): Promise<WorkflowHandle<R>> {
    const req = this.#request(workflow, options);
    req.signal = { name: nameOf(options.signal), input: options.signalArgs ?? [] };
    const res = await this.#startRaw(req);
    return new WorkflowHandle<R>(this.store, this.identity, options.workflowId, res.runId);
  }

  /** A handle on the latest run of `workflowId`, or on one run. Makes no call until used. */
  getHandle<R = unknown>(workflowId: string, runId?: string): WorkflowHandle<R> {
    return new WorkflowHandle<R>(this.store, this.identity, workflowId, runId);
  }

  /** Runs matching `filter`, newest start first, fetched page by page. */
  async *list(filter: ListRunsFilter = {}): AsyncIterable<RunInfo> {
    let cursor = filter.cursor;
    for (;;) {
      const page = await this.store.listRuns(cursor === undefined ? filter : { ...filter, cursor });
      yield* page.runs;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  #request(workflow: WorkflowRef, o: StartOptions): StartWorkflowRequest {
    const workflowType = typeof workflow === 'string' ? workflow : workflow.name;
    if (!workflowType)
      throw new TypeError('start: the workflow type is empty; pass its name or a named workflow function');
    if (!o.workflowId) throw new TypeError(`start ${workflowType}: workflowId is required`);
    if (!o.taskQueue) throw new TypeError(`start ${workflowType}: taskQueue is required`);
    const req: StartWorkflowRequest = {
      workflowId: o.workflowId,
      workflowType,
      taskQueue: o.taskQueue,
      input: o.args ?? [],
      identity: this.identity,
    };
    if (o.idReusePolicy) req.idReusePolicy = o.idReusePolicy;
    if (o.workflowRunTimeout !== undefined)
      req.workflowRunTimeoutMs = parseDuration(o.workflowRunTimeout, 'workflowRunTimeout');
    if (o.workflowExecutionTimeout !== undefined)
      req.workflowExecutionTimeoutMs = parseDuration(o.workflowExecutionTimeout, 'workflowExecutionTimeout');
    return req;
  }

  async #startRaw(req: StartWorkflowRequest) {
    const eager = this.#eagerStart ? reserveEagerStart(this.store, req.taskQueue) : undefined;
    const store = this.store;
    if (eager?.startFolded && store.startWorkflowAndRun) {
      // The first workflow task runs, and completes, inside the start transaction.
      try {
        return await eager.startFolded((run) => store.startWorkflowAndRun!(req, eager.claim, run));
      } catch (err) {
        throw translateStoreError(err, { workflowId: req.workflowId, workflowType: req.workflowType });
      }
    }
    if (eager) req.eagerWorkflowTask = eager.claim;
    let res: StartWorkflowResult;
    try {
      res = await this.store.startWorkflow(req);
    } catch (err) {
      eager?.release();
      throw translateStoreError(err, { workflowId: req.workflowId, workflowType: req.workflowType });
    }
    if (eager) {
      if (res.workflowTask) eager.run(res.workflowTask);
      else eager.release();
    }
    return res;
  }
}
