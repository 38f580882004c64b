/**
 * Turns whatever an activity threw into the {@link FailureInfo} stored in history. An
 * `ApplicationFailure` (from `@reprise/runtime/workflow`, or any error shaped like one) keeps its
 * type, details and `nonRetryable` flag; other errors take their class name as the type, so retry
 * policies can list them in `nonRetryableErrorTypes`.
 *
 * Host-only.
 */
import type { FailureInfo } from '../protocol/failure.ts';

const MAX_MESSAGE = 4_000;
const MAX_STACK = 8_000;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  type?: unknown;
  nonRetryable?: unknown;
  details?: unknown;
  cause?: unknown;
}

/** Converts a thrown value to a failure, following `cause` chains a few levels deep. */
export function toFailureInfo(err: unknown, depth = 0): FailureInfo {
  if (typeof err !== 'object' || err === null) {
    return { message: String(err).slice(0, MAX_MESSAGE), source: 'ApplicationFailure', type: 'Error' };
  }
  const e = err as ErrorLike;
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
  const isAppFailure = name === 'ApplicationFailure';
  const type = isAppFailure && typeof e.type === 'string' && e.type !== '' ? e.type : name;
  const info: FailureInfo = {
    message: (typeof e.message === 'string' ? e.message : String(err)).slice(0, MAX_MESSAGE),
    source: 'ApplicationFailure',
    type,
  };
  if (e.nonRetryable === true) info.nonRetryable = true;
  if (typeof e.stack === 'string') info.stack = e.stack.slice(0, MAX_STACK);
  if (Array.isArray(e.details) && e.details.length > 0) info.details = e.details;
  if (e.cause !== undefined && depth < 4) info.cause = toFailureInfo(e.cause, depth + 1);
  return info;
}

/** The failure recorded when an attempt ran past one of its timeouts. */
export function timeoutFailure(
  timeoutType: 'startToClose' | 'heartbeat',
  activityType: string,
  ms: number | undefined,
): FailureInfo {
  const what = timeoutType === 'heartbeat' ? 'heartbeat timeout' : 'start-to-close timeout';
  return {
    message: `activity ${activityType} exceeded its ${what}${ms === undefined ? '' : ` of ${ms} ms`}`,
    source: 'TimeoutFailure',
    type: 'TimeoutFailure',
    timeoutType,
    activityType,
  };
}
