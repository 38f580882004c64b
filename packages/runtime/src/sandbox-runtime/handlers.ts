/**
 * Delivery of signals, updates and queries to the handlers workflow code registered.
 * Signals that arrive before their handler exists are buffered and delivered in arrival order when
 * it is set. Queries run read-only at the end of an activation. Updates run their validator (which
 * may reject them) and then their handler.
 *
 * Sandbox-safe: no Node imports.
 */
import type { Job } from '../protocol/activation.ts';
import { ApplicationFailure, errorToFailure, isFailure } from './api/failures.ts';
import type { Run } from './run.ts';

type UpdateJob = Extract<Job, { kind: 'update' }>;
type QueryJob = Extract<Job, { kind: 'query' }>;

/** Runs a handler in the root scope; errors escaping it are handled like the workflow's own. */
function invoke(run: Run, handler: (...args: never[]) => unknown, args: unknown[]): void {
  const outer = run.currentScope;
  run.currentScope = run.rootScope;
  try {
    const result = (handler as (...a: unknown[]) => unknown)(...args);
    if (isThenable(result)) result.then(undefined, (err: unknown) => run.handleError(err));
  } catch (err) {
    run.handleError(err);
  } finally {
    run.currentScope = outer;
  }
}

/** Delivers a signal, or buffers it until a handler for its name is set. */
export function deliverSignal(run: Run, name: string, args: unknown[]): boolean {
  if (run.completed) return false;
  const handler = run.signalHandlers.get(name);
  if (handler === undefined) {
    run.bufferedSignals.push({ name, args });
    return false;
  }
  invoke(run, handler, args);
  return true;
}

/** Delivers the buffered signals of `name`, oldest first (called when its handler is set). */
export function flushBufferedSignals(run: Run, name: string): void {
  for (let i = 0; i < run.bufferedSignals.length; ) {
    const signal = run.bufferedSignals[i] as { name: string; args: unknown[] };
    const handler = run.signalHandlers.get(name);
    if (signal.name !== name || handler === undefined) {
      i++;
      continue;
    }
    run.bufferedSignals.splice(i, 1);
    invoke(run, handler, signal.args);
  }
}

/** Validates and starts an update, or buffers it until its handler is set. */
export function startUpdate(run: Run, job: UpdateJob): boolean {
  const entry = run.updateHandlers.get(job.name);
  if (entry === undefined) {
    run.bufferedUpdates.push(job);
    return false;
  }
  if (job.runValidator && entry.validator !== undefined) {
    run.readOnlyReason = `the validator of update ${JSON.stringify(job.name)}`;
    try {
      (entry.validator as (...a: unknown[]) => void)(...job.args);
    } catch (err) {
      run.readOnlyReason = undefined;
      run.emit({ kind: 'rejectUpdate', updateId: job.updateId, failure: errorToFailure(err) });
      return false;
    }
    run.readOnlyReason = undefined;
  }
  run.emit({ kind: 'acceptUpdate', updateId: job.updateId });
  const outer = run.currentScope;
  run.currentScope = run.rootScope;
  let result: Promise<unknown>;
  try {
    result = Promise.resolve((entry.handler as (...a: unknown[]) => unknown)(...job.args));
  } catch (err) {
    result = Promise.reject(err);
  } finally {
    run.currentScope = outer;
  }
  result.then(
    (value) => run.emit({ kind: 'completeUpdate', updateId: job.updateId, result: value }),
    (err: unknown) => {
      // A failure answers the caller; any other error is a bug that fails the workflow task.
      if (isFailure(err))
        run.emit({ kind: 'completeUpdate', updateId: job.updateId, failure: errorToFailure(err) });
      else run.handleError(err);
    },
  );
  return true;
}

/** Starts the buffered updates of `name` (called when its handler is set). */
export function flushBufferedUpdates(run: Run, name: string): void {
  const list = run.bufferedUpdates;
  const mine = list.filter((job) => job.name === name);
  if (mine.length === 0) return;
  run.bufferedUpdates = list.filter((job) => job.name !== name);
  for (const job of mine) startUpdate(run, job);
}

/** Rejects updates that are still without a handler at the end of the activation. */
export function rejectUnhandledUpdates(run: Run): void {
  const list = run.bufferedUpdates;
  if (list.length === 0) return;
  run.bufferedUpdates = [];
  const known = [...run.updateHandlers.keys()];
  for (const job of list) {
    const failure = ApplicationFailure.nonRetryable(
      `no handler for update ${JSON.stringify(job.name)}; registered updates: ${known.length > 0 ? known.join(', ') : '(none)'}`,
      'UpdateHandlerNotFound',
    );
    run.emit({ kind: 'rejectUpdate', updateId: job.updateId, failure: errorToFailure(failure) });
  }
}

/** Answers queries read-only: a handler that tries to change the run gets an error as its answer. */
export function answerQueries(run: Run, queries: QueryJob[]): void {
  for (const query of queries) {
    const handler = run.queryHandlers.get(query.name);
    if (handler === undefined) {
      const known = [...run.queryHandlers.keys()];
      run.queryResults.push({
        queryId: query.queryId,
        failure: errorToFailure(
          ApplicationFailure.nonRetryable(
            `no handler for query ${JSON.stringify(query.name)}; registered queries: ${known.length > 0 ? known.join(', ') : '(none)'}`,
            'QueryNotFound',
          ),
        ),
      });
      continue;
    }
    run.readOnlyReason = `the handler of query ${JSON.stringify(query.name)}`;
    try {
      const result = (handler as (...a: unknown[]) => unknown)(...query.args);
      if (isThenable(result)) {
        throw new TypeError(
          `query handler ${JSON.stringify(query.name)} returned a promise; query handlers must be synchronous`,
        );
      }
      run.queryResults.push({ queryId: query.queryId, result });
    } catch (err) {
      run.queryResults.push({ queryId: query.queryId, failure: errorToFailure(err) });
    } finally {
      run.readOnlyReason = undefined;
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
