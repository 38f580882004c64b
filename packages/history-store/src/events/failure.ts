import {
  array,
  boolean,
  type Infer,
  lazy,
  literal,
  nonEmptyString,
  object,
  optional,
  type Schema,
  string,
  unknownValue,
} from './schema.ts';

/** Where a failure came from; mirrors the failure kinds workflow code can catch. */
export const failureSources = [
  'ApplicationFailure',
  'ActivityFailure',
  'ChildWorkflowFailure',
  'TimeoutFailure',
  'CancelledFailure',
  'TerminatedFailure',
  'ServerFailure',
] as const;

/** How a timeout was hit (activities, workflow tasks and runs). */
export const timeoutTypes = [
  'startToClose',
  'scheduleToClose',
  'scheduleToStart',
  'heartbeat',
  'run',
] as const;

/** The serialisable description of an error, as it is stored in history and crosses the sandbox. */
export interface FailureInfo {
  /** Human-readable message. */
  message: string;
  /** Failure kind. */
  source: (typeof failureSources)[number];
  /** Application error type (the `type` of an `ApplicationFailure`, or the error class name). */
  type?: string;
  /** When true, the failure is never retried whatever the retry policy says. */
  nonRetryable?: boolean;
  /** Stack trace of the original error, if one was captured. */
  stack?: string;
  /** Extra values attached by the thrower. */
  details?: unknown[];
  /** For timeouts: which timeout. */
  timeoutType?: (typeof timeoutTypes)[number];
  /** For activity and child failures: the type that failed. */
  activityType?: string;
  /** For child workflow failures: the child's workflow type. */
  workflowType?: string;
  /** The failure that caused this one. */
  cause?: FailureInfo;
}

/** Validator for {@link FailureInfo}. */
export const failureInfo: Schema<FailureInfo> = object({
  message: string,
  source: literal(...failureSources),
  type: optional(nonEmptyString),
  nonRetryable: optional(boolean),
  stack: optional(string),
  details: optional(array(unknownValue)),
  timeoutType: optional(literal(...timeoutTypes)),
  activityType: optional(string),
  workflowType: optional(string),
  cause: optional(lazy(() => failureInfo)),
}) as Schema<FailureInfo>;

/** Retry policy as recorded in history (durations in milliseconds). */
export const retryPolicy = object({
  initialIntervalMs: optional(unknownValue as Schema<number>),
  backoffCoefficient: optional(unknownValue as Schema<number>),
  maximumIntervalMs: optional(unknownValue as Schema<number>),
  maximumAttempts: optional(unknownValue as Schema<number>),
  nonRetryableErrorTypes: optional(array(string)),
});
/** Retry policy as recorded in history (durations in milliseconds). */
export type RetryPolicy = Infer<typeof retryPolicy>;
