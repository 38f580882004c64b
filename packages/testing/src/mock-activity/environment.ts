/**
 * One activity function run outside any worker, with a real `ActivityContext`: unit tests for
 * activities that heartbeat, resume from heartbeat details, or react to cancellation.
 */
import {
  ActivityCancelledError,
  type ActivityCancelledError as ActivityCancelledErrorType,
  ActivityContext,
  type ActivityFunction,
  type ActivityInfo,
} from '@reprise/runtime';

/** What {@link MockActivityEnvironment} emits. */
export interface MockActivityEvents {
  /** The activity called `heartbeat(details)`. */
  heartbeat: (details: unknown) => void;
}

/** Defaults of the info an activity sees in a {@link MockActivityEnvironment}. */
export const defaultMockActivityInfo: Readonly<ActivityInfo> = Object.freeze({
  workflowId: 'test-workflow',
  runId: 'test-run',
  workflowType: 'testWorkflow',
  taskQueue: 'test',
  activityId: '1',
  activityType: 'testActivity',
  attempt: 1,
  scheduledTime: 0,
});

/**
 * Runs activities as a worker would, minus the worker: `activityContext()` works inside, every
 * heartbeat is recorded (and emitted), and the test cancels when it likes. Info fields
 * (`attempt`, `heartbeatDetails`, deadlines) are what the activity reads; the environment does not
 * enforce the timeouts they describe.
 * @example
 * ```ts
 * const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: 40 });
 * env.on('heartbeat', (d) => { if (d === 42) env.cancel('enough'); });
 * await expect(env.run(download, 'https://example.com/file')).rejects.toThrow(/enough/);
 * expect(env.heartbeats).toEqual([41, 42]);
 * ```
 */
export class MockActivityEnvironment {
  /** The info every run sees (defaults merged with the constructor's overrides). */
  readonly info: ActivityInfo;
  /** The context every run sees. */
  readonly context: ActivityContext;
  /** Every heartbeat's details, in order. */
  readonly heartbeats: unknown[] = [];
  readonly #controller = new AbortController();
  readonly #listeners = new Set<(details: unknown) => void>();

  constructor(info: Partial<ActivityInfo> = {}) {
    this.info = { ...defaultMockActivityInfo, scheduledTime: Date.now(), ...info };
    this.context = new ActivityContext(this.info, this.#controller.signal, {
      heartbeat: (details) => {
        this.heartbeats.push(details);
        for (const l of [...this.#listeners]) l(details);
      },
    });
  }

  /** Subscribes to an event; returns this for chaining. */
  on<E extends keyof MockActivityEvents>(event: E, listener: MockActivityEvents[E]): this {
    checkEvent(event);
    this.#listeners.add(listener);
    return this;
  }

  /** Unsubscribes a listener added with {@link on}. */
  off<E extends keyof MockActivityEvents>(event: E, listener: MockActivityEvents[E]): this {
    checkEvent(event);
    this.#listeners.delete(listener);
    return this;
  }

  /** Runs `fn(...args)` with this environment's context as the current activity context. */
  async run<F extends ActivityFunction>(fn: F, ...args: Parameters<F>): Promise<Awaited<ReturnType<F>>> {
    if (typeof fn !== 'function')
      throw new TypeError(`MockActivityEnvironment.run: expected an activity function, got ${typeof fn}`);
    return (await this.context.run(() => fn(...args))) as Awaited<ReturnType<F>>;
  }

  /**
   * Cancels the activity as the worker would: its `cancellationSignal` aborts with an
   * `ActivityCancelledError` carrying `reason` (the message) and `kind` (why the worker stopped it).
   */
  cancel(reason = 'cancelled by the test', kind: ActivityCancelledErrorType['reason'] = 'cancelled'): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(new ActivityCancelledError(kind, reason));
  }

  /** True once {@link cancel} was called. */
  get cancelled(): boolean {
    return this.#controller.signal.aborted;
  }
}

function checkEvent(event: string): void {
  if (event !== 'heartbeat')
    throw new TypeError(`MockActivityEnvironment: unknown event '${event}' (the only event is 'heartbeat')`);
}
