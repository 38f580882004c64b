/**
 * Errors the client throws. Each carries a string `code` (see {@link RepriseError}) so callers can
 * tell them apart across module copies; the failure of a run travels as `cause`.
 */

import { RepriseError } from '../errors.ts';
import type { FailureInfo } from '../protocol/failure.ts';

/**
 * A failure recorded in history, rebuilt as an `Error`: `source` says what kind (an application
 * error, an activity failure, a timeout, a cancellation), `type` the application's error type, and
 * `cause` the failure that led to it.
 */
export class FailureError extends Error {
  readonly failure: FailureInfo;
  readonly source: FailureInfo['source'];
  readonly type: string | undefined;
  readonly nonRetryable: boolean;
  readonly details: unknown[];
  constructor(failure: FailureInfo) {
    super(failure.message, failure.cause ? { cause: new FailureError(failure.cause) } : undefined);
    this.name = failure.source;
    this.failure = failure;
    this.source = failure.source;
    this.type = failure.type;
    this.nonRetryable = failure.nonRetryable === true;
    this.details = failure.details ?? [];
    if (failure.stack) this.stack = failure.stack;
  }
}

/** The run closed without a result: failed, cancelled, terminated or timed out. `cause` says how. */
export class WorkflowFailedError extends RepriseError {
  readonly workflowId: string;
  readonly runId: string;
  /** How the run closed. */
  readonly status: 'failed' | 'canceled' | 'terminated' | 'timedOut';
  declare readonly cause: FailureError;
  constructor(
    ref: { workflowId: string; runId: string },
    status: WorkflowFailedError['status'],
    failure: FailureInfo,
  ) {
    super('WORKFLOW_FAILED', `workflow ${ref.workflowId} (run ${ref.runId}) ${status}: ${failure.message}`, {
      cause: new FailureError(failure),
    });
    this.workflowId = ref.workflowId;
    this.runId = ref.runId;
    this.status = status;
  }
}

/** No run with that workflow id (and run id) exists in the store. */
export class WorkflowNotFoundError extends RepriseError {
  readonly workflowId: string;
  readonly runId: string | undefined;
  constructor(workflowId: string, runId?: string, cause?: unknown) {
    super(
      'WORKFLOW_NOT_FOUND',
      `workflow ${workflowId}${runId ? ` (run ${runId})` : ''} not found; check the id, and that the client uses the same database and schema as the workers`,
      { cause },
    );
    this.workflowId = workflowId;
    this.runId = runId;
  }
}

/** A run with that workflow id is running (or the reuse policy forbids starting it again). */
export class WorkflowAlreadyStartedError extends RepriseError {
  readonly workflowId: string;
  readonly workflowType: string;
  constructor(workflowId: string, workflowType: string, cause?: unknown) {
    super(
      'WORKFLOW_ALREADY_STARTED',
      `workflow ${workflowId} (${workflowType}) is already started; use getHandle('${workflowId}') to reach it, or pick another workflow id`,
      { cause },
    );
    this.workflowId = workflowId;
    this.workflowType = workflowType;
  }
}

const NOT_FOUND = new Set(['WORKFLOW_NOT_FOUND', 'RUN_NOT_FOUND', 'NOT_FOUND']);
const ALREADY = new Set([
  'WORKFLOW_ALREADY_STARTED',
  'WORKFLOW_ALREADY_EXISTS',
  'ALREADY_STARTED',
  'ALREADY_EXISTS',
]);

/** Maps the store's typed errors to the client's, by code; anything else is rethrown as it is. */
export function translateStoreError(
  err: unknown,
  target: { workflowId: string; runId?: string | undefined; workflowType?: string },
): unknown {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return err;
  if (NOT_FOUND.has(code)) return new WorkflowNotFoundError(target.workflowId, target.runId, err);
  if (ALREADY.has(code))
    return new WorkflowAlreadyStartedError(target.workflowId, target.workflowType ?? '?', err);
  return err;
}
