/**
 * Errors of replay other than nondeterminism.
 */
import { RepriseError } from '../errors.ts';
import type { FailureInfo } from '../protocol/index.ts';

/**
 * A workflow task failed while replaying (the code threw outside workflow semantics, broke a
 * determinism rule, or hit a sandbox limit). The history cannot be replayed by this code.
 */
export class WorkflowTaskFailedError extends RepriseError {
  /** The failure the sandbox reported. */
  readonly failure: FailureInfo & { code: string };
  /** Id of the WorkflowTaskStarted event of the task that failed. */
  readonly workflowTaskStartedEventId: number;
  constructor(runLabel: string, startedEventId: number, failure: FailureInfo & { code: string }) {
    super(
      'WORKFLOW_TASK_FAILED',
      `${runLabel}: the workflow task started at event ${startedEventId} failed while replaying ` +
        `(${failure.code}): ${failure.message}`,
    );
    this.failure = failure;
    this.workflowTaskStartedEventId = startedEventId;
  }
}
