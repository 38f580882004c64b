/**
 * The worker: claims workflow tasks (run in sandboxes, with a cache of live runs) and activity tasks
 * (run on the host) from one task queue, fires due timers, and hands everything back on shutdown.
 *
 * Host-only.
 */
import type { ActivityTask, HistoryStore, WorkflowTask } from '@reprise/history-store';
import { type ActivityImplementations, runActivityTask } from '../activity/runner.ts';
import { completeActivityEagerly, type SlotReserve, workflowClaimer } from './eager.ts';
import { registerEagerStarter } from './eager-start.ts';
import { JsonLogger, type Logger, withFields } from './logger.ts';
import {
  type FaultPointHook,
  type ResolvedWorkerOptions,
  resolveOptions,
  type WorkerOptions,
} from './options.ts';
import { pollLoop, Waker } from './poller.ts';
import { createWorkflowTaskProcessor } from './setup.ts';
import { WorkflowShortcuts } from './shortcuts.ts';
import { Slots } from './slots.ts';
import { TimerLoop } from './timers.ts';
import type { CompletionRoute, WorkflowTaskProcessor } from './workflow-tasks.ts';

/** Counters a worker keeps (for tests, logs and the CLI's progress line). */
export interface WorkerStats {
  workflowTasksCompleted: number;
  workflowTasksFailed: number;
  activitiesCompleted: number;
  activitiesFailed: number;
  activityRetries: number;
  cachedRuns: number;
  /** Runs evicted from the cache because they went to sleep on a far timer (they replay on waking). */
  sleepingRunsEvicted: number;
  /** Tasks received by eager dispatch (with a completion, no claim): activities and workflow tasks. */
  eagerActivities: number;
  eagerWorkflowTasks: number;
  /** First workflow tasks received from a client in this process with the start (eager start). */
  eagerStarts: number;
  /** Workflow tasks completed in the transaction that recorded the activity outcome before them (fold). */
  foldedWorkflowTasks: number;
}

/** Lifecycle of a worker. */
export type WorkerState = 'created' | 'running' | 'stopping' | 'stopped';

/**
 * Runs workflows and activities from one task queue.
 * @example
 * ```ts
 * const worker = await Worker.create({
 *   workflowsPath: new URL('./workflows.ts', import.meta.url).pathname,
 *   activities,
 *   taskQueue: 'orders',
 *   store,
 * });
 * process.on('SIGINT', () => void worker.shutdown());
 * await worker.run(); // resolves after shutdown, with every task finished or handed back
 * ```
 */
export class Worker {
  readonly options: ResolvedWorkerOptions;
  readonly store: HistoryStore;
  readonly logger: Logger;
  readonly #activities: ActivityImplementations;
  readonly #faultPoint: FaultPointHook | undefined;
  readonly #workflows: WorkflowTaskProcessor | undefined;
  readonly #stop = new AbortController();
  readonly #abandonActivities = new AbortController();
  readonly #wfSlots: Slots;
  readonly #actSlots: Slots;
  readonly #wfWaker: Waker;
  readonly #actWaker: Waker;
  readonly #timers: TimerLoop;
  /** Workflow slots for eager dispatch (none for an activity-only worker). */
  readonly #wfReserve: SlotReserve | undefined;
  #state: WorkerState = 'created';
  #running: Promise<void> | undefined;
  #activityStats = { completed: 0, failed: 0, retries: 0 };
  readonly #eager = { activities: 0, workflowTasks: 0, starts: 0, folded: 0 };
  /** Eager start and the fold (none for an activity-only worker). */
  readonly #shortcuts: WorkflowShortcuts | undefined;
  #unregisterEagerStart: (() => void) | undefined;
  /** Workflow tasks being processed now (not slots merely held by a claim in flight). */
  #tasksInFlight = 0;

  private constructor(
    o: WorkerOptions,
    resolved: ResolvedWorkerOptions,
    workflows: WorkflowTaskProcessor | undefined,
    logger: Logger,
  ) {
    this.options = resolved;
    this.store = o.store;
    this.logger = logger;
    this.#activities = o.activities ?? {};
    this.#faultPoint = o.faultPoint;
    this.#workflows = workflows;
    this.#wfSlots = new Slots(resolved.maxConcurrentWorkflowTasks);
    this.#actSlots = new Slots(resolved.maxConcurrentActivities);
    const q = resolved.taskQueue;
    this.#wfWaker = new Waker((ms, signal) => o.store.waitForWork(q, ms, signal), resolved.pollIntervalMs);
    this.#actWaker = new Waker((ms, signal) => o.store.waitForWork(q, ms, signal), resolved.pollIntervalMs);
    const wfReserve = workflows ? this.#reserveOf(this.#wfSlots) : undefined;
    this.#wfReserve = wfReserve;
    this.#shortcuts =
      workflows && wfReserve
        ? new WorkflowShortcuts({
            store: o.store,
            options: resolved,
            workflows,
            slots: wfReserve,
            inFlight: () => this.#tasksInFlight,
            runWorkflowTask: (task, route) => this.#runWorkflowTask(task, route),
            counters: this.#eager,
          })
        : undefined;
    this.#timers = new TimerLoop(o.store, logger, resolved.timerRecheckMs);
  }

  /**
   * Checks the options, compiles the workflows and prepares the sandbox. Nothing is claimed until
   * {@link run}. @throws WorkerOptionsError, or the compiler's error for bad workflow code.
   */
  static async create(options: WorkerOptions): Promise<Worker> {
    const resolved = resolveOptions(options);
    const logger = withFields(options.logger ?? new JsonLogger(), {
      taskQueue: resolved.taskQueue,
      worker: resolved.identity,
    });
    const workflows =
      options.enableWorkflows === false || !options.workflowsPath
        ? undefined
        : await createWorkflowTaskProcessor({
            workflowsPath: options.workflowsPath,
            store: options.store,
            options: resolved,
            logger,
            ...(options.isolation ? { isolation: options.isolation } : {}),
            ...(options.faultPoint ? { faultPoint: options.faultPoint } : {}),
          });
    const worker = new Worker(options, resolved, workflows, logger);
    if (workflows && Object.keys(worker.#activities).length > 0)
      workflows.eagerActivities = worker.#reserveOf(worker.#actSlots);
    return worker;
  }

  get state(): WorkerState {
    return this.#state;
  }

  /** Build id of the compiled workflows (undefined for an activity-only worker). */
  get buildId(): string | undefined {
    return this.#workflows?.buildId;
  }

  get stats(): WorkerStats {
    const wf = this.#workflows?.stats;
    return {
      workflowTasksCompleted: wf?.completed ?? 0,
      workflowTasksFailed: wf?.failed ?? 0,
      activitiesCompleted: this.#activityStats.completed,
      activitiesFailed: this.#activityStats.failed,
      activityRetries: this.#activityStats.retries,
      cachedRuns: wf?.cachedRuns ?? 0,
      sleepingRunsEvicted: wf?.sleepingEvicted ?? 0,
      eagerActivities: this.#eager.activities,
      eagerWorkflowTasks: this.#eager.workflowTasks,
      eagerStarts: this.#eager.starts,
      foldedWorkflowTasks: this.#eager.folded,
    };
  }

  /** Claims and runs tasks until {@link shutdown}; resolves once everything held is finished or handed back. */
  run(): Promise<void> {
    if (this.#running) return this.#running;
    if (this.#state !== 'created')
      return Promise.reject(new Error(`worker is ${this.#state}; create a new one`));
    this.#state = 'running';
    this.logger.log('info', 'worker started', {
      buildId: this.buildId,
      activities: Object.keys(this.#activities).length,
    });
    const shortcuts = this.#shortcuts;
    if (shortcuts)
      this.#unregisterEagerStart = registerEagerStarter(this.store, this.options.taskQueue, {
        reserve: () => shortcuts.reserveEagerStart(),
      });
    this.#running = this.#runLoops();
    return this.#running;
  }

  /**
   * Stops claiming, lets workflow tasks in flight finish, gives running activities `shutdownGraceMs`
   * to finish and then abandons them (their leases expire and another worker retries them), and
   * resolves when {@link run} does. Nothing is lost: every held task is either completed or left for
   * the store to hand to another worker.
   */
  async shutdown(): Promise<void> {
    if (this.#state === 'created') {
      this.#state = 'stopped';
      await this.#workflows?.dispose();
      return;
    }
    if (this.#state === 'running') {
      this.#state = 'stopping';
      this.#unregisterEagerStart?.();
      this.logger.log('info', 'worker shutting down', { activitiesRunning: this.#actSlots.used });
      this.#stop.abort();
    }
    await this.#running;
  }

  async #runLoops(): Promise<void> {
    const stop = this.#stop.signal;
    const loops: Promise<void>[] = [this.#timers.run(stop)];
    const q = this.options.taskQueue;
    const owner = this.options.identity;
    if (this.#workflows) {
      const wf = this.#workflows;
      loops.push(
        pollLoop<WorkflowTask>({
          kind: 'workflow',
          slots: this.#wfSlots,
          // A quarter of the slots at most: a claim holds its slots until it returns, and eager dispatch
          // (a run's next task taken with its activity's completion) needs free ones meanwhile.
          maxBatch: Math.max(1, Math.ceil(this.options.maxConcurrentWorkflowTasks / 4)),
          claim: (max) =>
            this.store.claimWorkflowTasks({
              taskQueue: q,
              owner,
              leaseMs: this.options.workflowTaskLeaseMs,
              max,
              knownHistory: wf.knownHistory(),
            }),
          handle: (task) => this.#runWorkflowTask(task),
          waker: this.#wfWaker,
          logger: this.logger,
          stop,
        }),
      );
    }
    if (Object.keys(this.#activities).length > 0) {
      loops.push(
        pollLoop<ActivityTask>({
          kind: 'activity',
          slots: this.#actSlots,
          maxBatch: Math.min(this.options.maxConcurrentActivities, 50),
          claim: (max) =>
            this.store.claimActivityTasks({
              taskQueue: q,
              owner,
              leaseMs: this.options.activityLeaseMs,
              max,
            }),
          handle: (task) => this.#runActivity(task),
          waker: this.#actWaker,
          logger: this.logger,
          stop,
        }),
      );
    }
    try {
      await Promise.all(loops);
    } finally {
      this.#unregisterEagerStart?.();
      await this.#drain();
    }
  }

  async #runWorkflowTask(task: WorkflowTask, route?: CompletionRoute): Promise<void> {
    const wf = this.#workflows;
    if (!wf) return;
    this.#tasksInFlight++;
    let effects: Awaited<ReturnType<WorkflowTaskProcessor['process']>>;
    try {
      effects = await wf.process(task, route);
    } finally {
      this.#tasksInFlight--;
    }
    if (effects.timers) this.#timers.poke();
    if (effects.activities) this.#actWaker.poke();
    for (const t of effects.activityTasks) {
      this.#eager.activities++;
      // Its slot was reserved before the completion was sent.
      void this.#runActivity(t).finally(() => this.#actSlots.release());
    }
  }

  async #runActivity(task: ActivityTask): Promise<void> {
    let next: WorkflowTask | undefined;
    let foldedTask = false;
    const res = await runActivityTask(task, {
      store: {
        clock: this.store.clock,
        heartbeatActivityTask: (t, details) => this.store.heartbeatActivityTask(t, details),
        completeActivityTask: async (t, outcome) => {
          const folded = await this.#shortcuts?.completeActivityFolded(t, outcome);
          if (folded) {
            // The next workflow task, if the outcome scheduled one here, is this worker's already.
            foldedTask = folded.workflowTask !== undefined;
            return folded;
          }
          const r = await completeActivityEagerly(
            this.store,
            t,
            outcome,
            this.#wfReserve,
            workflowClaimer(this.options),
            this.#workflows?.knownEvents(t.runId),
          );
          next = r.workflowTask;
          return r;
        },
      },
      activities: this.#activities,
      leaseMs: this.options.activityLeaseMs,
      logger: this.logger,
      shutdownSignal: this.#abandonActivities.signal,
      ...(this.#faultPoint ? { beforeReport: () => this.#faultPoint?.('activity:beforeReport', task) } : {}),
    });
    if (next) {
      // Eager dispatch: the run's next workflow task came back with the completion, in the
      // workflow slot reserved for it; run it now, from the cached run, with no claim.
      this.#eager.workflowTasks++;
      const t = next;
      void this.#runWorkflowTask(t).finally(() => this.#wfSlots.release());
    }
    if (!res.reported) return;
    if (res.retryAt !== undefined) {
      this.#activityStats.retries++;
      this.#actWaker.pokeAt(res.retryAt - this.store.clock.now());
    } else if (res.outcome.status === 'completed') this.#activityStats.completed++;
    else this.#activityStats.failed++;
    // A recorded outcome schedules a workflow task on this queue.
    if (!next && !foldedTask && res.retryAt === undefined) this.#wfWaker.poke();
  }

  /** Slots eager dispatch may fill: none once the worker stops claiming. */
  #reserveOf(slots: Slots): SlotReserve {
    return {
      reserve: (n) => (this.#state === 'running' ? slots.takeUpTo(n) : 0),
      release: (n) => slots.release(n),
    };
  }

  async #drain(): Promise<void> {
    const grace = setTimeout(() => this.#abandonActivities.abort(), this.options.shutdownGraceMs);
    grace.unref();
    await Promise.all([this.#wfSlots.whenIdle(), this.#actSlots.whenIdle()]);
    clearTimeout(grace);
    await this.#workflows?.dispose();
    this.#state = 'stopped';
    this.logger.log('info', 'worker stopped', { ...this.stats });
  }
}
