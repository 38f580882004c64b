/**
 * The failures workflow code throws and catches, and their conversion to and from the
 * {@link FailureInfo} stored in history. Identity is a brand (a registered symbol per class), so
 * `instanceof` and the `is*` checks hold across module copies and the sandbox boundary.
 *
 * Sandbox-safe: no Node imports.
 */
import type { FailureInfo } from '../../protocol/failure.ts';

const BRAND_PREFIX = 'reprise.failure.';

function brand(target: object, name: string): void {
  Object.defineProperty(target, Symbol.for(BRAND_PREFIX + name), { value: true });
}

function hasBrand(value: unknown, name: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[Symbol.for(BRAND_PREFIX + name)] === true
  );
}

/**
 * Base of every failure that workflow code can throw or catch on purpose. A workflow that throws one
 * of these fails (it is recorded); any other error is treated as a bug and fails only the workflow
 * task, which is retried with the fixed code.
 */
export class RepriseFailure extends Error {
  /** Brand checked by `instanceof`; subclasses declare their own. */
  static readonly brand: string = 'RepriseFailure';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    // Brand every class of the chain that declares one (user subclasses inherit their parent's).
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'brand')) brand(this, (c as typeof RepriseFailure).brand);
    }
  }
}

// `instanceof` checks the brand of the class on its right, so it holds for failures created by
// another copy of this module. A user subclass without its own brand uses the prototype chain.
Object.defineProperty(RepriseFailure, Symbol.hasInstance, {
  value: function hasInstance(this: typeof RepriseFailure, value: unknown): boolean {
    if (!Object.hasOwn(this, 'brand')) return Function.prototype[Symbol.hasInstance].call(this, value);
    return hasBrand(value, this.brand);
  },
});

/** Options of {@link ApplicationFailure.create}. */
export interface ApplicationFailureOptions {
  message?: string;
  /** A type name that retry policies can match in `nonRetryableErrorTypes`. */
  type?: string;
  /** When true, the failure is never retried whatever the retry policy says. */
  nonRetryable?: boolean;
  details?: unknown[];
  cause?: Error;
}

/**
 * A failure raised by workflow or activity code on purpose. Thrown from a workflow, it fails the
 * run; thrown from an activity, it is retried unless `nonRetryable` or its `type` is listed in the
 * retry policy's `nonRetryableErrorTypes`.
 * @example throw ApplicationFailure.nonRetryable('card declined', 'CardDeclined', { orderId });
 */
export class ApplicationFailure extends RepriseFailure {
  static override readonly brand: string = 'ApplicationFailure';
  readonly type: string | undefined;
  readonly nonRetryable: boolean;
  readonly details: unknown[];

  constructor(message: string, type?: string, nonRetryable = false, details: unknown[] = [], cause?: Error) {
    super(message, { cause });
    this.type = type;
    this.nonRetryable = nonRetryable;
    this.details = details;
  }

  /** Creates a failure from options; retryable unless `nonRetryable` is set. */
  static create(options: ApplicationFailureOptions): ApplicationFailure {
    return new ApplicationFailure(
      options.message ?? '',
      options.type,
      options.nonRetryable ?? false,
      options.details ?? [],
      options.cause,
    );
  }

  /** A failure the retry policy may retry. */
  static retryable(message: string, type?: string, ...details: unknown[]): ApplicationFailure {
    return new ApplicationFailure(message, type ?? 'Error', false, details);
  }

  /** A failure that is never retried. */
  static nonRetryable(message: string, type?: string, ...details: unknown[]): ApplicationFailure {
    return new ApplicationFailure(message, type ?? 'Error', true, details);
  }
}

/** Why an activity stopped retrying, when known. */
export type RetryState = 'nonRetryableFailure' | 'maximumAttemptsReached' | 'timeout' | 'cancelRequested';

/** An activity failed for good (after its retries), timed out, or was cancelled; see `cause`. */
export class ActivityFailure extends RepriseFailure {
  static override readonly brand: string = 'ActivityFailure';
  readonly activityType: string | undefined;
  readonly activityId: string | undefined;
  readonly retryState: RetryState | undefined;
  constructor(
    message: string,
    activityType: string | undefined,
    activityId: string | undefined,
    retryState: RetryState | undefined,
    cause?: Error,
  ) {
    super(message, { cause });
    this.activityType = activityType;
    this.activityId = activityId;
    this.retryState = retryState;
  }
}

/** A child workflow failed, timed out, was cancelled or terminated; see `cause`. */
export class ChildWorkflowFailure extends RepriseFailure {
  static override readonly brand: string = 'ChildWorkflowFailure';
  readonly workflowType: string | undefined;
  readonly execution: { workflowId: string; runId?: string } | undefined;
  constructor(
    message: string,
    workflowType: string | undefined,
    execution: { workflowId: string; runId?: string } | undefined,
    cause?: Error,
  ) {
    super(message, { cause });
    this.workflowType = workflowType;
    this.execution = execution;
  }
}

/** The operation was cancelled (its cancellation scope, or the whole workflow). */
export class CancelledFailure extends RepriseFailure {
  static override readonly brand: string = 'CancelledFailure';
  readonly details: unknown[];
  constructor(message = 'cancelled', details: unknown[] = [], cause?: Error) {
    super(message, { cause });
    this.details = details;
  }
}

/** Which timeout was hit. */
export type TimeoutType = NonNullable<FailureInfo['timeoutType']>;

/** An activity, child or run exceeded one of its timeouts. */
export class TimeoutFailure extends RepriseFailure {
  static override readonly brand: string = 'TimeoutFailure';
  readonly timeoutType: TimeoutType | undefined;
  readonly lastHeartbeatDetails: unknown[];
  constructor(message: string, timeoutType: TimeoutType | undefined, lastHeartbeatDetails: unknown[] = []) {
    super(message);
    this.timeoutType = timeoutType;
    this.lastHeartbeatDetails = lastHeartbeatDetails;
  }
}

/** The workflow (a child, usually) was terminated from outside. */
export class TerminatedFailure extends RepriseFailure {
  static override readonly brand: string = 'TerminatedFailure';
}

/** The engine itself reported a failure (e.g. a child id already in use). */
export class ServerFailure extends RepriseFailure {
  static override readonly brand: string = 'ServerFailure';
  readonly nonRetryable: boolean;
  constructor(message: string, nonRetryable = false, cause?: Error) {
    super(message, { cause });
    this.nonRetryable = nonRetryable;
  }
}

/**
 * True when `err` means "cancelled": a {@link CancelledFailure}, or an activity or child failure
 * caused by one. Use it to tell cancellation from real failures in `catch` blocks.
 */
export function isCancellation(err: unknown): boolean {
  if (hasBrand(err, CancelledFailure.brand)) return true;
  if (hasBrand(err, ActivityFailure.brand) || hasBrand(err, ChildWorkflowFailure.brand)) {
    return isCancellation((err as Error).cause);
  }
  return false;
}

/** True for any failure class of this module (a workflow that throws one fails on purpose). */
export function isFailure(err: unknown): err is RepriseFailure {
  return hasBrand(err, RepriseFailure.brand);
}

/** Rebuilds the failure a history entry describes, `cause` chain included. */
export function failureToError(info: FailureInfo): RepriseFailure {
  const cause = info.cause === undefined ? undefined : failureToError(info.cause);
  let err: RepriseFailure;
  switch (info.source) {
    case 'ApplicationFailure':
      err = new ApplicationFailure(info.message, info.type, info.nonRetryable ?? false, info.details, cause);
      break;
    case 'ActivityFailure':
      err = new ActivityFailure(info.message, info.activityType, undefined, undefined, cause);
      break;
    case 'ChildWorkflowFailure':
      err = new ChildWorkflowFailure(info.message, info.workflowType, undefined, cause);
      break;
    case 'TimeoutFailure':
      err = new TimeoutFailure(info.message, info.timeoutType, info.details);
      break;
    case 'CancelledFailure':
      err = new CancelledFailure(info.message, info.details, cause);
      break;
    case 'TerminatedFailure':
      err = new TerminatedFailure(info.message, { cause });
      break;
    case 'ServerFailure':
      err = new ServerFailure(info.message, info.nonRetryable ?? false, cause);
      break;
  }
  if (info.stack !== undefined) err.stack = info.stack;
  return err;
}

/**
 * Describes a thrown value for history. Failures keep their kind and fields; any other error becomes
 * an application failure whose type is its class name.
 */
export function errorToFailure(err: unknown, depth = 0): FailureInfo {
  if (typeof err !== 'object' || err === null) {
    return { message: String(err), source: 'ApplicationFailure', type: 'Error' };
  }
  const e = err as Error & Record<string, unknown>;
  const info: FailureInfo = {
    message: typeof e.message === 'string' ? e.message : String(err),
    source: 'ApplicationFailure',
  };
  if (typeof e.stack === 'string') info.stack = e.stack;
  if (hasBrand(err, ApplicationFailure.brand)) {
    const a = err as ApplicationFailure;
    if (a.type !== undefined) info.type = a.type;
    if (a.nonRetryable) info.nonRetryable = true;
    if (a.details.length > 0) info.details = a.details;
  } else if (hasBrand(err, ActivityFailure.brand)) {
    info.source = 'ActivityFailure';
    const t = (err as ActivityFailure).activityType;
    if (t !== undefined) info.activityType = t;
  } else if (hasBrand(err, ChildWorkflowFailure.brand)) {
    info.source = 'ChildWorkflowFailure';
    const t = (err as ChildWorkflowFailure).workflowType;
    if (t !== undefined) info.workflowType = t;
  } else if (hasBrand(err, TimeoutFailure.brand)) {
    info.source = 'TimeoutFailure';
    const t = err as TimeoutFailure;
    if (t.timeoutType !== undefined) info.timeoutType = t.timeoutType;
    if (t.lastHeartbeatDetails.length > 0) info.details = t.lastHeartbeatDetails;
  } else if (hasBrand(err, CancelledFailure.brand)) {
    info.source = 'CancelledFailure';
    const d = (err as CancelledFailure).details;
    if (d.length > 0) info.details = d;
  } else if (hasBrand(err, TerminatedFailure.brand)) {
    info.source = 'TerminatedFailure';
  } else if (hasBrand(err, ServerFailure.brand)) {
    info.source = 'ServerFailure';
    if ((err as ServerFailure).nonRetryable) info.nonRetryable = true;
  } else {
    info.type = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
  }
  if (e.cause !== undefined && depth < 8) info.cause = errorToFailure(e.cause, depth + 1);
  return info;
}
