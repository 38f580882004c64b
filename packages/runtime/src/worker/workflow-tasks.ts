/**
 * One workflow task, from claim to completion: find the run in the cache (or rebuild it from history
 * in a fresh sandbox instance), feed the new events to its state machine, run the activations in the
 * sandbox, and report the recorded events, or the failure, to the store.
 *
 * A nondeterminism error or a failing activation fails the task through `failWorkflowTask`: nothing
 * is appended, the run shows as blocked, and it is retried (by fixed code) with backoff.
 *
 * Host-only.
 */
import type {
  ActivityTask,
  HistoryEvent,
  HistoryStore,
  WorkflowTask,
  WorkflowTaskCompletion,
} from '@reprise/history-store';
import type { FailureInfo } from '../protocol/index.ts';
import { isNondeterminismError, WorkflowStateMachine } from '../state-machine/index.ts';
import { activityClaimer, completeWorkflowTaskEagerly, type SlotReserve } from './eager.ts';
import type { Logger } from './logger.ts';
import type { FaultPointHook, ResolvedWorkerOptions } from './options.ts';
import { PendingWork } from './pending-work.ts';
import { type LiveRun, RunCache, type SandboxRun } from './run-cache.ts';

/** A sandbox able to create run instances (see `createWorkflowSandbox`). */
export interface SandboxHost {
  newRun(runId: string): SandboxRun | Promise<SandboxRun>;
  dispose(): void | Promise<void>;
}

/** What a processed task created, so the worker can wake the right loop or run the work at once. */
export interface TaskEffects {
  timers: boolean;
  /** Activities were scheduled that this worker did not take eagerly: wake the activity poller. */
  activities: boolean;
  /** Activities the completion leased to this worker (eager dispatch), each in a reserved slot. */
  activityTasks: ActivityTask[];
}

/**
 * How a task's completion reaches the store. The default sends it in its own transaction; a fold
 * (see fold.ts) hands it to the open transaction that recorded the activity outcome and leased the task.
 */
export interface CompletionRoute {
  /** Records the completion; resolves with the activities leased with it (eager dispatch). */
  complete(
    task: WorkflowTask,
    completion: WorkflowTaskCompletion,
    scheduled: number,
  ): Promise<ActivityTask[]>;
  /** Called before any other store call for the task; from then on it is an ordinary leased task. */
  detach(): Promise<void>;
}

/** Options of {@link WorkflowTaskProcessor}. */
export interface WorkflowTaskProcessorOptions {
  store: HistoryStore;
  sandbox: SandboxHost;
  buildId: string;
  options: ResolvedWorkerOptions;
  logger: Logger;
  faultPoint?: FaultPointHook;
}

const NO_EFFECTS: TaskEffects = { timers: false, activities: false, activityTasks: [] };

/** Processes workflow tasks for one worker; holds its cache of live runs. */
export class WorkflowTaskProcessor {
  readonly buildId: string;
  /** Set by a worker that runs activities too, to take the activities its completions schedule. */
  eagerActivities: SlotReserve | undefined;
  readonly #o: WorkflowTaskProcessorOptions;
  readonly #cache: RunCache;
  #completed = 0;
  #failed = 0;
  #sleepingEvicted = 0;

  constructor(o: WorkflowTaskProcessorOptions) {
    this.#o = o;
    this.buildId = o.buildId;
    this.#cache = new RunCache(o.options.maxCachedRuns, (run, err) =>
      o.logger.log('warn', 'disposing a sandbox run failed', {
        workflowId: run.workflowId,
        runId: run.runId,
        error: err,
      }),
    );
  }

  get stats(): { completed: number; failed: number; cachedRuns: number; sleepingEvicted: number } {
    return {
      completed: this.#completed,
      failed: this.#failed,
      cachedRuns: this.#cache.size,
      sleepingEvicted: this.#sleepingEvicted,
    };
  }

  /** Events the cached run already has (for an eager claim's `knownHistory`), if it is cached. */
  knownEvents(runId: string): number | undefined {
    return this.#cache.knownEvents(runId);
  }

  /** Runs cached with their known history length, for the claim's `knownHistory`. */
  knownHistory(): ReadonlyMap<string, number> {
    return this.#cache.knownHistory();
  }

  /** Drops runs whose sandbox state is gone; they replay from history at their next task. */
  evict(runIds: readonly string[]): void {
    for (const id of runIds) {
      const run = this.#cache.take(id);
      if (run) this.#cache.discard(run);
    }
  }

  /**
   * Processes one claimed task. Never throws: every failure is reported to the store or logged.
   * `route` carries the completion (default: its own `completeWorkflowTask…` call).
   */
  async process(task: WorkflowTask, route: CompletionRoute = this.#direct): Promise<TaskEffects> {
    try {
      return await this.#process(task, true, route);
    } catch (err) {
      // The run's sandbox state vanished (another run broke the shared isolate or process): replay it once.
      if ((err as { code?: unknown })?.code !== 'SANDBOX_RUN_LOST') throw err;
      return this.#process(task, false, route);
    }
  }

  /** The completion in its own transaction, taking the activities it schedules when slots are free. */
  readonly #direct: CompletionRoute = {
    complete: (task, completion, scheduled) =>
      completeWorkflowTaskEagerly(
        this.#o.store,
        task,
        completion,
        scheduled,
        this.eagerActivities,
        activityClaimer(this.#o.options),
      ),
    detach: async () => undefined,
  };

  async #process(task: WorkflowTask, firstTry: boolean, route: CompletionRoute): Promise<TaskEffects> {
    const log = { workflowId: task.workflowId, runId: task.runId, workflowType: task.workflowType };
    let run: LiveRun | undefined;
    try {
      run = await this.#prepare(task, route);
      if (task.scheduledEventId === 0) {
        await route.detach();
        await this.#answerQueries(task, run);
        // A query to a sleeping run replays it; it goes back to sleep out of the cache.
        if (run.machine.isClosed) this.#cache.put(run);
        else this.#keepOrEvict(run);
        return NO_EFFECTS;
      }
      const live = {
        startedTime: task.startedTime,
        startedEventId: task.startedEventId,
        scheduledEventId: task.scheduledEventId,
        queries: task.queries,
        updates: task.updates,
      };
      for (;;) {
        const activation = run.machine.nextActivation(live);
        if (!activation) {
          // The history ends without a task to run (the run closed meanwhile): nothing to record.
          await route.detach();
          await this.#fail(task, run, 'RunClosed', {
            message: 'the run has no workflow task to run',
            source: 'ServerFailure',
          });
          return NO_EFFECTS;
        }
        const completion = await run.instance.activate(activation);
        if (!activation.isReplaying) this.#forwardLogs(completion.logs, log);
        const outcome = run.machine.complete(completion);
        if (outcome.status === 'replayed') continue;
        if (outcome.status === 'taskFailed') {
          const failure = outcome.failure;
          await route.detach();
          await this.#fail(
            task,
            run,
            failure.code === 'DETERMINISM_VIOLATION' ? 'DeterminismViolation' : 'UnhandledError',
            failure,
          );
          return NO_EFFECTS;
        }
        if (outcome.status !== 'recorded')
          throw new Error(`unexpected outcome ${outcome.status} of a live task`);
        await this.#o.faultPoint?.('workflowTask:beforeComplete', task);
        let scheduled = 0;
        let timers = false;
        for (const e of outcome.events) {
          if (e.eventType === 'TimerStarted') timers = true;
          else if (e.eventType === 'ActivityTaskScheduled') scheduled++;
        }
        const activityTasks = await route.complete(
          task,
          {
            events: outcome.events,
            queryResults: outcome.queryResults,
            rejectedUpdates: outcome.rejectedUpdates,
            buildId: this.buildId,
          },
          scheduled,
        );
        this.#completed++;
        const effects = { timers, activities: scheduled > activityTasks.length, activityTasks };
        try {
          await this.#o.faultPoint?.('workflowTask:afterComplete', task);
        } catch (err) {
          // The eager activities stay leased to us until their leases expire; free their slots.
          this.eagerActivities?.release(activityTasks.length);
          throw err;
        }
        if (outcome.closesRun) this.#cache.discard(run);
        else this.#keepOrEvict(run);
        run = undefined;
        this.#o.logger.log('debug', 'workflow task completed', { ...log, events: outcome.events.length });
        return effects;
      }
    } catch (err) {
      if (run) this.#cache.discard(run);
      if (firstTry && (err as { code?: unknown })?.code === 'SANDBOX_RUN_LOST') throw err;
      await route.detach();
      await this.#handleError(task, err, log);
      return NO_EFFECTS;
    }
  }

  /**
   * Caches the run, unless it sleeps on a timer further away than `evictSleepingRunsAfterMs` with
   * nothing else pending: then its sandbox instance is disposed (it replays when the timer fires), so
   * sleeping runs hold no sandbox memory however many there are.
   */
  #keepOrEvict(run: LiveRun): void {
    run.pending.update(run.machine.history);
    const until = run.pending.sleepingUntil();
    if (
      until !== undefined &&
      until - this.#o.store.clock.now() >= this.#o.options.evictSleepingRunsAfterMs
    ) {
      this.#sleepingEvicted++;
      this.#cache.discard(run);
    } else this.#cache.put(run);
  }

  /** Disposes the cached runs and the sandbox. */
  async dispose(): Promise<void> {
    this.#cache.clear();
    await this.#o.sandbox.dispose();
  }

  /** The cached run if its history lines up with the task, else a new one built from full history. */
  async #prepare(task: WorkflowTask, route: CompletionRoute): Promise<LiveRun> {
    const cached = this.#cache.take(task.runId);
    if (cached && task.historyFrom <= cached.machine.lastEventId + 1) {
      try {
        cached.machine.appendEvents(task.history);
        return cached;
      } catch (err) {
        // The cached state disagrees with the store (e.g. our completion was lost): rebuild.
        this.#o.logger.log('warn', 'cached run out of step with history, replaying', {
          workflowId: task.workflowId,
          runId: task.runId,
          error: err,
        });
      }
    }
    if (cached) this.#cache.discard(cached);
    if (task.historyFrom !== 1) await route.detach();
    const history: readonly HistoryEvent[] =
      task.historyFrom === 1 ? task.history : await this.#o.store.readHistory(task.workflowId, task.runId);
    const machine = new WorkflowStateMachine(task.runId, {
      buildId: this.buildId,
      identity: this.#o.options.identity,
      continueAsNewSuggestedAt: this.#o.options.continueAsNewSuggestedAt,
    });
    machine.appendEvents(history);
    const instance = await this.#o.sandbox.newRun(task.runId);
    return {
      workflowId: task.workflowId,
      runId: task.runId,
      workflowType: task.workflowType,
      machine,
      instance,
      pending: new PendingWork(),
    };
  }

  /** A query-only task: replay to the end of the history, answer, record nothing. */
  async #answerQueries(task: WorkflowTask, run: LiveRun): Promise<void> {
    for (let a = run.machine.nextActivation(); a; a = run.machine.nextActivation()) {
      const outcome = run.machine.complete(await run.instance.activate(a));
      if (outcome.status === 'taskFailed')
        throw Object.assign(new Error(outcome.failure.message), { failure: outcome.failure });
    }
    const completion = await run.instance.activate(run.machine.queryActivation(task.queries));
    const outcome = run.machine.complete(completion);
    await this.#o.store.completeWorkflowTask(task, {
      events: [],
      queryResults: outcome.queryResults,
      buildId: this.buildId,
    });
  }

  async #fail(
    task: WorkflowTask,
    run: LiveRun | undefined,
    cause: string,
    failure: FailureInfo,
  ): Promise<void> {
    if (run) this.#cache.discard(run);
    this.#failed++;
    try {
      await this.#o.store.failWorkflowTask(task, { cause, failure, buildId: this.buildId });
    } catch (err) {
      this.#o.logger.log('warn', 'could not report the failed workflow task', {
        workflowId: task.workflowId,
        runId: task.runId,
        error: err,
      });
    }
  }

  async #handleError(task: WorkflowTask, err: unknown, log: Record<string, unknown>): Promise<void> {
    const code = (err as { code?: unknown })?.code;
    if (code === 'FOLD_ABORTED') {
      // The transaction this task was folded into was retried: the task is run again from history.
      this.#o.logger.log('debug', 'folded workflow task abandoned with its transaction', log);
      return;
    }
    if (code === 'STALE_LEASE' || code === 'RUN_CONFLICT') {
      // Another worker owns the task now, or the run moved on: our result is void, nothing was written.
      this.#o.logger.log('warn', 'workflow task completion rejected', { ...log, reason: code });
      return;
    }
    if (isNondeterminismError(err)) {
      this.#o.logger.log(
        'error',
        'nondeterminism: workflow task failed, run blocked until fixed code replays it',
        {
          ...log,
          eventId: err.eventId,
          diff: err.message,
        },
      );
      await this.#fail(task, undefined, 'Nondeterminism', {
        message: err.message,
        source: 'ApplicationFailure',
        type: 'NondeterminismError',
        nonRetryable: true,
      });
      return;
    }
    const cause = causeOf(err);
    this.#o.logger.log('error', 'workflow task failed', { ...log, cause, error: err });
    await this.#fail(task, undefined, cause, {
      message: (err as Error)?.message ?? String(err),
      source: 'ApplicationFailure',
      type: (err as Error)?.name ?? 'Error',
      ...((err as Error)?.stack ? { stack: (err as Error).stack as string } : {}),
    });
  }

  #forwardLogs(
    logs: readonly {
      level: 'debug' | 'info' | 'warn' | 'error';
      message: string;
      attributes?: Record<string, unknown>;
    }[],
    fields: Record<string, unknown>,
  ): void {
    for (const l of logs)
      this.#o.logger.log(l.level, l.message, { ...fields, ...l.attributes, source: 'workflow' });
  }
}

/** The store's `cause` for an error thrown while running a task (sandbox errors carry a code). */
function causeOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (code === 'WORKFLOW_TASK_TIMEOUT' || code === 'ACTIVATION_TIMEOUT') return 'WorkflowTaskTimeout';
  if (code === 'SANDBOX_CRASHED' || code === 'SANDBOX_MEMORY_LIMIT' || code === 'SANDBOX_RUN_LOST')
    return 'SandboxCrashed';
  if (code === 'SANDBOX_PROTOCOL' || code === 'WORKFLOW_BUNDLE') return 'SandboxProtocol';
  if (code === 'INVALID_HISTORY') return 'InvalidHistory';
  return 'UnhandledError';
}
