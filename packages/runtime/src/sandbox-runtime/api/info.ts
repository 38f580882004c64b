/**
 * Facts about the run (`workflowInfo`), deterministic ids (`uuid4`), `continueAsNew`, and the
 * workflow logger (`log`).
 *
 * Sandbox-safe: no Node imports.
 */
import type { WorkflowInfoInit } from '../../protocol/activation.ts';
import type { Command } from '../../protocol/completion.ts';
import { type Duration, parseDuration } from '../../protocol/duration.ts';
import { activeRun, mutableRun } from '../current.ts';
import { uuid4From } from '../random.ts';
import { ContinueAsNewRequest } from '../run.ts';

/** What {@link workflowInfo} returns. */
export interface WorkflowInfo extends WorkflowInfoInit {
  /** Events in history when the current workflow task started. */
  historyLength: number;
  /** True when history is large enough that the workflow should `continueAsNew`. */
  continueAsNewSuggested: boolean;
  /** Facts that differ between the first execution and a replay: never branch on them. */
  unsafe: {
    /** True while the code replays events already in history. */
    isReplaying: boolean;
    /** Workflow time of the current workflow task (same as `Date.now()`). */
    now: number;
  };
}

/** Facts about the running workflow, as of the current workflow task. */
export function workflowInfo(): WorkflowInfo {
  const run = activeRun('workflowInfo');
  if (run.info === undefined) throw new Error('workflowInfo() was called before the workflow started');
  return {
    ...run.info,
    historyLength: run.historyLength,
    continueAsNewSuggested: run.continueAsNewSuggested,
    unsafe: { isReplaying: run.isReplaying, now: run.timestamp },
  };
}

/**
 * A random version-4 UUID from the run's seeded PRNG: the same on every replay of the run.
 * @example const idempotencyKey = uuid4();
 */
export function uuid4(): string {
  return uuid4From(mutableRun('uuid4').rng);
}

/** Options of {@link makeContinueAsNewFunc}. */
export interface ContinueAsNewOptions {
  /** Default: the current workflow type. */
  workflowType?: string;
  /** Default: the current task queue. */
  taskQueue?: string;
  workflowRunTimeout?: Duration;
}

/**
 * Returns a function that ends this run and starts a new one of the same workflow id with fresh
 * history and the given arguments. The returned promise never resolves: it rejects with an internal
 * signal that unwinds the workflow (do not catch it).
 */
export function makeContinueAsNewFunc<F extends (...args: never[]) => Promise<unknown>>(
  options: ContinueAsNewOptions = {},
): (...args: Parameters<F>) => Promise<never> {
  return (...args) => {
    const run = mutableRun('continueAsNew');
    const info = run.info;
    if (info === undefined) throw new Error('continueAsNew() was called before the workflow started');
    const command: Extract<Command, { kind: 'continueAsNew' }> = {
      kind: 'continueAsNew',
      workflowType: options.workflowType ?? info.workflowType,
      args,
    };
    if (options.taskQueue !== undefined) command.taskQueue = options.taskQueue;
    if (options.workflowRunTimeout !== undefined) {
      command.workflowRunTimeoutMs = parseDuration(
        options.workflowRunTimeout,
        'continueAsNew workflowRunTimeout',
      );
    }
    if (run.captureLocations) command.stack = new Error().stack ?? '';
    return Promise.reject(new ContinueAsNewRequest(command));
  };
}

/**
 * Ends this run and continues as a new run of the same workflow with `args` (fresh history).
 * @example if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof counter>(state);
 */
export function continueAsNew<F extends (...args: never[]) => Promise<unknown>>(
  ...args: Parameters<F>
): Promise<never> {
  return makeContinueAsNewFunc<F>()(...args);
}

type Level = 'debug' | 'info' | 'warn' | 'error';

function write(level: Level, message: string, attributes?: Record<string, unknown>): void {
  activeRun('log').logRecord(level, message, attributes);
}

/**
 * The workflow logger. Records go to the worker's log with the run's ids; nothing is written while
 * the code replays, so each line appears once however often the run is replayed.
 * @example log.info('payment charged', { orderId, chargeId });
 */
export const log: {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
} = {
  debug: (message, attributes) => write('debug', message, attributes),
  info: (message, attributes) => write('info', message, attributes),
  warn: (message, attributes) => write('warn', message, attributes),
  error: (message, attributes) => write('error', message, attributes),
};
