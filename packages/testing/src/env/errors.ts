/** Errors of the test environment. */
import type { WorkflowTaskFailure } from '@reprise/history-store';
import { FailureError, RepriseError } from '@reprise/runtime';

/** Bad options, or a call on an environment that was torn down. */
export class TestEnvironmentError extends RepriseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TEST_ENVIRONMENT', message, options);
  }
}

/**
 * A run's workflow task failed (an error thrown by workflow code that is not an
 * `ApplicationFailure`, a nondeterminism, a sandbox limit): in production the run stays open and
 * blocked until fixed code replays it; in a test, awaiting its result fails at once with this error
 * instead of hanging until the test times out. `cause` is the failure the worker reported.
 */
export class BlockedRunError extends RepriseError {
  readonly workflowId: string;
  readonly runId: string;
  /** The store's cause: `UnhandledError`, `Nondeterminism`, `DeterminismViolation`, `WorkflowTaskTimeout`, ... */
  readonly taskFailureCause: string;
  declare readonly cause: FailureError;
  constructor(ref: { workflowId: string; runId: string }, failure: WorkflowTaskFailure) {
    super(
      'RUN_BLOCKED',
      `workflow ${ref.workflowId} (run ${ref.runId}) is blocked: its workflow task failed (${failure.cause}): ${failure.failure.message}`,
      { cause: new FailureError(failure.failure) },
    );
    this.workflowId = ref.workflowId;
    this.runId = ref.runId;
    this.taskFailureCause = failure.cause;
  }
}
