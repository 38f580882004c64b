/** Activity retry decisions: exponential backoff with jitter, per the activity's retry policy. */
import type { FailureInfo, RetryPolicy } from '../events/failure.ts';

/** Defaults match Temporal's: 1 s initial interval, doubling, capped at 100x, unlimited attempts. */
export const defaultRetry = { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 100_000 };

/** Share of the interval taken off at random, so retries of many failed activities spread out. */
export const retryJitter = 0.2;

/** The outcome of one failed attempt. */
export type RetryDecision =
  | { retry: true; retryAt: number }
  | {
      retry: false;
      retryState: 'nonRetryableFailure' | 'maximumAttemptsReached' | 'timeout' | 'cancelRequested';
    };

/** Input of {@link decideRetry}. */
export interface RetryInput {
  policy: RetryPolicy | undefined;
  /** The attempt that just failed (1 for the first). */
  attempt: number;
  failure: FailureInfo;
  now: number;
  scheduleToCloseDeadline?: number;
  /** In [0, 1); `Math.random` by default. */
  random?: () => number;
}

/** The delay before attempt `attempt + 1`, before jitter. */
export function backoffMs(policy: RetryPolicy | undefined, attempt: number): number {
  const initial = policy?.initialIntervalMs ?? defaultRetry.initialIntervalMs;
  const coefficient = policy?.backoffCoefficient ?? defaultRetry.backoffCoefficient;
  const max = policy?.maximumIntervalMs ?? initial * 100;
  return Math.min(initial * coefficient ** (attempt - 1), max);
}

/** Whether a failed attempt is retried, and when. */
export function decideRetry(input: RetryInput): RetryDecision {
  const { policy, attempt, failure } = input;
  if (failure.nonRetryable) return { retry: false, retryState: 'nonRetryableFailure' };
  if (failure.type !== undefined && policy?.nonRetryableErrorTypes?.includes(failure.type)) {
    return { retry: false, retryState: 'nonRetryableFailure' };
  }
  if (failure.source === 'TimeoutFailure' && failure.timeoutType !== undefined) {
    if (failure.timeoutType === 'scheduleToClose' || failure.timeoutType === 'scheduleToStart') {
      return { retry: false, retryState: 'timeout' };
    }
  }
  const max = policy?.maximumAttempts ?? 0;
  if (max > 0 && attempt >= max) return { retry: false, retryState: 'maximumAttemptsReached' };
  const jitter = 1 - retryJitter * (input.random ?? Math.random)();
  const retryAt = input.now + Math.round(backoffMs(policy, attempt) * jitter);
  if (input.scheduleToCloseDeadline !== undefined && retryAt >= input.scheduleToCloseDeadline) {
    return { retry: false, retryState: 'timeout' };
  }
  return { retry: true, retryAt };
}

/** Backoff before a failed workflow task may run again: 1 s doubling to 1 minute. */
export function workflowTaskBackoffMs(failedAttempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, failedAttempts - 1), 60_000);
}
