/**
 * Durable waiting: `sleep` and `condition`. Both are recorded as timers in history, so a run that
 * sleeps for a week costs nothing while it waits and resumes on any worker.
 *
 * Sandbox-safe: no Node imports.
 */
import { type Duration, parseDuration } from '../../protocol/duration.ts';
import { mutableRun } from '../current.ts';

/**
 * Waits for `duration` of workflow time (a durable timer). Rejects with a `CancelledFailure` if its
 * cancellation scope is cancelled first (the timer is then cancelled too).
 * @example await sleep('1 hour');
 */
export function sleep(duration: Duration): Promise<void> {
  const run = mutableRun('sleep');
  const ms = parseDuration(duration, 'sleep duration');
  const scope = run.currentScope;
  if (scope.consideredCancelled) return Promise.reject(scope.cancellationReason);
  const op = run.operation<void>(scope);
  const detach = scope.onCancel((reason) => {
    run.cancelTimer(seq);
    op.reject(reason);
  });
  const seq = run.startTimer(ms, () => {
    detach();
    op.resolve();
  });
  return op.promise;
}

/**
 * Waits until `fn()` returns true. The predicate is checked now and after every change the run
 * sees (each job of each activation), so it must only read workflow state.
 *
 * With a `timeout`, resolves `true` when the predicate became true and `false` when the timeout
 * passed first (a durable timer, cancelled when the predicate wins). Without one, resolves when the
 * predicate is true. Rejects with a `CancelledFailure` if its cancellation scope is cancelled.
 * @example
 * const approved = await condition(() => approvedBy !== undefined, '7 days');
 */
export function condition(fn: () => boolean, timeout: Duration): Promise<boolean>;
export function condition(fn: () => boolean): Promise<void>;
export function condition(fn: () => boolean, timeout?: Duration): Promise<unknown> {
  const run = mutableRun('condition');
  const ms = timeout === undefined ? undefined : parseDuration(timeout, 'condition timeout');
  const scope = run.currentScope;
  if (scope.consideredCancelled) return Promise.reject(scope.cancellationReason);
  // Already true: no timer, nothing recorded.
  if (fn()) return Promise.resolve(ms === undefined ? undefined : true);
  const op = run.operation<boolean | undefined>(scope);
  let timerSeq: number | undefined;
  let key = 0;
  const detach = scope.onCancel((reason) => {
    run.conditions.delete(key);
    if (timerSeq !== undefined) run.cancelTimer(timerSeq);
    op.reject(reason);
  });
  key = run.addCondition({
    fn,
    resolve: () => {
      detach();
      if (timerSeq !== undefined) run.cancelTimer(timerSeq);
      op.resolve(ms === undefined ? undefined : true);
    },
    reject: (err) => {
      detach();
      if (timerSeq !== undefined) run.cancelTimer(timerSeq);
      op.reject(err);
    },
  });
  if (ms !== undefined) {
    timerSeq = run.startTimer(ms, () => {
      detach();
      run.conditions.delete(key);
      op.resolve(false);
    });
  }
  return op.promise;
}
