import { StoreError } from '../errors.ts';
import type { FailureInfo } from '../events/failure.ts';

/**
 * The task's lease expired or was taken over by another worker: the holder's work is discarded and
 * nothing was written. Drop the task (and evict a cached run); do not retry the same call.
 */
export class StaleLeaseError extends StoreError {
  constructor(what: string) {
    super(
      'STALE_LEASE',
      `${what}: the lease is no longer held (it expired or another worker took the task over); nothing was written. Drop the task and claim again.`,
    );
  }
}

/**
 * The run moved on since the task was claimed (its next event id differs, or events that must be
 * handled arrived before a closing completion): nothing from the completion was written. Evict the
 * cached run; the run's next workflow task carries the new history.
 */
export class RunConflictError extends StoreError {
  constructor(message: string) {
    super('RUN_CONFLICT', message);
  }
}

/** No run matches the workflow id (and run id, when one was given). */
export class RunNotFoundError extends StoreError {
  constructor(workflowId: string, runId?: string) {
    super(
      'RUN_NOT_FOUND',
      `workflow '${workflowId}'${runId ? ` run '${runId}'` : ''} not found: check the id (\`reprise workflow list\` shows runs).`,
    );
  }
}

/** The run is closed, so it cannot take signals, cancellation, termination or updates. */
export class RunClosedError extends StoreError {
  constructor(workflowId: string, runId: string, status: string) {
    super('RUN_CLOSED', `workflow '${workflowId}' run '${runId}' is already ${status}.`);
  }
}

/** A start was refused by the workflow id reuse policy (or a run with that id is still running). */
export class WorkflowAlreadyStartedError extends StoreError {
  /** The run that holds the id. */
  readonly runId: string;
  constructor(workflowId: string, runId: string, why: string) {
    super(
      'WORKFLOW_ALREADY_STARTED',
      `workflow '${workflowId}' cannot start: ${why} (run '${runId}'). Use another workflow id or another reuse policy.`,
    );
    this.runId = runId;
  }
}

/** A completion, request or option is malformed; nothing was written. The message names the field. */
export class InvalidRequestError extends StoreError {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
  }
}

/** A query or update failed in the workflow (its handler threw or the update was rejected). */
export class WorkflowRequestFailedError extends StoreError {
  /** The failure as the workflow reported it. */
  readonly failure: FailureInfo;
  constructor(kind: 'query' | 'update', name: string, failure: FailureInfo) {
    super(
      kind === 'query' ? 'QUERY_FAILED' : 'UPDATE_FAILED',
      `${kind} '${name}' failed: ${failure.message}`,
    );
    this.failure = failure;
  }
}
