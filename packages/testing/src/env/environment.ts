/**
 * The test workflow environment: real workers (compiler, sandbox, state machine, activity runner)
 * on an in-process store, with a clock that skips ahead whenever every run is blocked on timers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type HistoryStore } from '@reprise/history-store';
import { openStore } from '@reprise/history-store/postgres';
import { type ActivityImplementations, Client, type Logger, silentLogger, Worker } from '@reprise/runtime';
import { type Duration, parseDuration } from '@reprise/runtime/workflow';
import { TestClient } from './client.ts';
import { SkippableClock } from './clock.ts';
import { TestEnvironmentError } from './errors.ts';
import { Quiescence } from './quiescence.ts';
import { ActivityRegistry } from './registry.ts';
import { TimeSkipper, waitForIdle } from './skipper.ts';
import { TrackedStore } from './tracked-store.ts';

/** Options of {@link TestWorkflowEnvironment.create}. */
export interface TestEnvironmentOptions {
  /** The workflows entry file (compiled once, like a worker does). */
  workflowsPath: string;
  /** Activity implementations by type; replace some per test with `env.overrideActivities`. */
  activities?: ActivityImplementations;
  /** The queue the environment's workers serve and its client starts runs on (default `test`). */
  taskQueue?: string;
  /**
   * Skip time whenever every run is blocked on timers and a client waits for a result (default
   * true). Without it the clock is wall time and a 7-day sleep takes 7 days.
   */
  timeSkipping?: boolean;
  /**
   * `memory` (default): the in-memory store. `embedded`: PGlite (Postgres in WASM) in a temporary
   * data directory removed at teardown, for tests that want the production SQL; opening it takes
   * a few seconds.
   */
  store?: 'memory' | 'embedded';
  /** Where workflow code runs (default `inline`: in this process, the fastest to start). */
  isolation?: 'inline' | 'process';
  /** Worker logs (default: none). */
  logger?: Logger;
}

/**
 * Runs workflows for tests: real workers on an in-process store, time skipping, mockable activities.
 * @example
 * ```ts
 * const env = await TestWorkflowEnvironment.create({ workflowsPath, activities });
 * try {
 *   const handle = await env.client.start(orderWorkflow, { args: [order] });
 *   await handle.signal(approveSignal, 'ana');
 *   expect(await handle.result()).toMatchObject({ status: 'fulfilled' }); // 1 hour + waits: milliseconds
 * } finally {
 *   await env.teardown();
 * }
 * ```
 */
export class TestWorkflowEnvironment {
  /** Starts, signals, queries, cancels and awaits runs. */
  readonly client: TestClient;
  /** The store the workers use (for assertions on runs and histories). */
  readonly store: HistoryStore;
  readonly taskQueue: string;
  readonly timeSkipping: boolean;
  /** The embedded store's temporary data directory (removed at teardown); undefined for memory. */
  readonly dataDir: string | undefined;
  readonly #tracked: TrackedStore;
  readonly #q: Quiescence;
  readonly #clock: SkippableClock | undefined;
  readonly #skipper: TimeSkipper | undefined;
  readonly #registry: ActivityRegistry;
  readonly #workers: { worker: Worker; running: Promise<void> }[] = [];
  readonly #newActivityWorker: () => Promise<Worker>;
  readonly #cleanup: () => Promise<void>;
  #activityWorker: Promise<void> | undefined;
  #tornDown = false;

  private constructor(o: {
    tracked: TrackedStore;
    quiescence: Quiescence;
    clock: SkippableClock | undefined;
    taskQueue: string;
    registry: ActivityRegistry;
    newActivityWorker: () => Promise<Worker>;
    cleanup: () => Promise<void>;
    dataDir: string | undefined;
  }) {
    this.dataDir = o.dataDir;
    this.#tracked = o.tracked;
    this.store = o.tracked;
    this.#q = o.quiescence;
    this.#clock = o.clock;
    this.taskQueue = o.taskQueue;
    this.timeSkipping = o.clock !== undefined;
    this.#registry = o.registry;
    this.#newActivityWorker = o.newActivityWorker;
    this.#cleanup = o.cleanup;
    this.#skipper = o.clock && new TimeSkipper(o.tracked, o.quiescence, o.clock, [o.taskQueue]);
    this.client = new TestClient(
      new Client({ store: o.tracked, identity: 'test-client' }),
      o.tracked,
      o.taskQueue,
    );
  }

  /**
   * Opens the store, compiles the workflows and starts the workers.
   * @throws TestEnvironmentError for bad options; the compiler's errors for bad workflow code.
   */
  static async create(options: TestEnvironmentOptions): Promise<TestWorkflowEnvironment> {
    checkOptions(options);
    const taskQueue = options.taskQueue ?? 'test';
    const clock = options.timeSkipping === false ? undefined : new SkippableClock();
    const { store, cleanup, dataDir } = await openTestStore(options.store ?? 'memory', clock);
    const quiescence = new Quiescence();
    const tracked = new TrackedStore(store, quiescence);
    const registry = new ActivityRegistry(options.activities ?? {});
    const common = {
      store: tracked,
      taskQueue,
      identity: 'test-worker',
      isolation: options.isolation ?? 'inline',
      logger: options.logger ?? silentLogger,
      pollIntervalMs: 200,
      shutdownGraceMs: 0,
    } as const;
    const newActivityWorker = () =>
      Worker.create({ ...common, enableWorkflows: false, activities: registry.implementations });
    let env: TestWorkflowEnvironment | undefined;
    try {
      const workflows = await Worker.create({ ...common, workflowsPath: options.workflowsPath });
      env = new TestWorkflowEnvironment({
        tracked,
        quiescence,
        clock,
        taskQueue,
        registry,
        newActivityWorker,
        cleanup,
        dataDir,
      });
      env.#startWorker(workflows, 'workflow');
      if (registry.size > 0) await env.#ensureActivityWorker();
      return env;
    } catch (err) {
      if (env) await env.teardown();
      else await cleanup();
      throw err;
    }
  }

  /** The environment's current time, ms since the epoch (virtual when skipping time). */
  currentTime(): number {
    return this.#tracked.clock.now();
  }

  /**
   * Lets `duration` pass. With time skipping: waits until every run is blocked, then moves time
   * forward, firing each timer that falls due on the way in order and letting the workflows react
   * before the next; resolves once everything is blocked again. Without: a wall-clock sleep.
   */
  async sleep(duration: Duration): Promise<void> {
    this.#checkOpen('sleep');
    const ms = parseDuration(duration, 'env.sleep');
    if (this.#skipper) return this.#skipper.sleep(ms);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * Resolves once every run is blocked (on timers, signals, or nothing) and no task or client call is
   * in flight. Never moves time: use it to act "when the workflow is waiting".
   */
  waitForIdle(): Promise<void> {
    this.#checkOpen('waitForIdle');
    return waitForIdle(this.#q, this.#tracked, this.#tracked.closingSignal);
  }

  /**
   * The next time something is scheduled to happen on its own (a timer, a timeout, an activity
   * retry), or undefined when every run waits for a client.
   */
  async nextWakeTime(): Promise<number | undefined> {
    this.#checkOpen('nextWakeTime');
    const due = await this.#tracked.nextDueTime();
    const retry = this.#q.earliestRetry();
    if (due === undefined) return retry;
    return retry === undefined ? due : Math.min(due, retry);
  }

  /**
   * Replaces activity implementations by type (mocks for this test); returns a function that
   * restores the previous ones. Attempts already running keep the implementation they started with.
   * @example
   * const restore = await env.overrideActivities({ chargePayment: async () => 'ch_mock' });
   */
  async overrideActivities(overrides: ActivityImplementations): Promise<() => void> {
    this.#checkOpen('overrideActivities');
    const restore = this.#registry.override(overrides);
    await this.#ensureActivityWorker();
    return restore;
  }

  /**
   * Stops the workers (running activities are abandoned at once), ends every client wait and pending
   * `sleep` with an error, closes the store, and removes the embedded store's data directory.
   */
  async teardown(): Promise<void> {
    if (this.#tornDown) return;
    this.#tornDown = true;
    this.#tracked.abortWaits();
    await this.#skipper?.close();
    await Promise.all(this.#workers.map((w) => w.worker.shutdown()));
    await Promise.allSettled(this.#workers.map((w) => w.running));
    await this.#activityWorker?.catch(() => {});
    await this.#cleanup();
  }

  #startWorker(worker: Worker, kind: 'workflow' | 'activity'): void {
    this.#q.addPoller(`${kind}:${this.taskQueue}`);
    const running = worker.run();
    running.catch(() => {});
    this.#workers.push({ worker, running });
  }

  #ensureActivityWorker(): Promise<void> {
    this.#activityWorker ??= this.#newActivityWorker().then((w) => {
      if (this.#tornDown) return w.shutdown();
      this.#startWorker(w, 'activity');
    });
    return this.#activityWorker;
  }

  #checkOpen(what: string): void {
    if (this.#tornDown)
      throw new TestEnvironmentError(`env.${what}(): the environment was torn down; create a new one`);
  }
}

function checkOptions(o: TestEnvironmentOptions): void {
  if (!o || typeof o.workflowsPath !== 'string' || o.workflowsPath === '')
    throw new TestEnvironmentError(
      'TestWorkflowEnvironment.create: `workflowsPath` is required (the workflows entry file, e.g. new URL("./workflows.ts", import.meta.url).pathname)',
    );
  if (o.store !== undefined && o.store !== 'memory' && o.store !== 'embedded')
    throw new TestEnvironmentError(
      `TestWorkflowEnvironment.create: \`store\` must be 'memory' or 'embedded', got ${JSON.stringify(o.store)}`,
    );
  if (o.taskQueue !== undefined && (typeof o.taskQueue !== 'string' || o.taskQueue === ''))
    throw new TestEnvironmentError('TestWorkflowEnvironment.create: `taskQueue` must be a non-empty string');
}

async function openTestStore(
  kind: 'memory' | 'embedded',
  clock: SkippableClock | undefined,
): Promise<{ store: HistoryStore; cleanup: () => Promise<void>; dataDir?: string }> {
  if (kind === 'memory') {
    const store = createMemoryStore(clock ? { clock } : {});
    await store.init();
    return { store, cleanup: () => store.close() };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'reprise-test-env-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  let store: HistoryStore;
  try {
    store = await openStore({ dataDir, ...(clock ? { clock } : {}) });
  } catch (err) {
    await removeDir();
    throw err;
  }
  return {
    store,
    dataDir,
    cleanup: async () => {
      try {
        await store.close();
      } finally {
        await removeDir();
      }
    },
  };
}
