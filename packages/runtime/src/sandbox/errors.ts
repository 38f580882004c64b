/**
 * Typed failures of the sandbox host. Each names the run, what happened and what the caller does
 * next; `retryable` says whether running the same workflow task again can succeed.
 */
import { RepriseError } from '../errors.ts';

/** An activation ran past its CPU deadline (a loop, sync or in microtasks). The run's instance is discarded. */
export class WorkflowTaskTimeoutError extends RepriseError {
  readonly runId: string;
  readonly timeoutMs: number;
  constructor(runId: string, timeoutMs: number) {
    super(
      'WORKFLOW_TASK_TIMEOUT',
      `run ${runId}: the workflow task ran for more than ${timeoutMs} ms of CPU and was stopped; look for a loop that never awaits (sync or in promise callbacks). The run's sandbox state was discarded: replay it in a new run.`,
      { retryable: true },
    );
    this.runId = runId;
    this.timeoutMs = timeoutMs;
  }
}

/** The isolate ran out of its memory limit during this run's activation; every run in it was lost. */
export class SandboxMemoryError extends RepriseError {
  readonly runId: string;
  readonly memoryLimitMb: number;
  /** Other runs that lived in the discarded isolate; their owners must replay them. */
  readonly lostRunIds: readonly string[];
  constructor(runId: string, memoryLimitMb: number, lostRunIds: readonly string[]) {
    super(
      'SANDBOX_MEMORY_LIMIT',
      `run ${runId}: the workflow sandbox exceeded its ${memoryLimitMb} MB memory limit and was discarded (${lostRunIds.length} other run(s) lost and must be replayed). Keep large data out of workflow state (pass references, do the work in activities) or raise memoryLimitMb.`,
    );
    this.runId = runId;
    this.memoryLimitMb = memoryLimitMb;
    this.lostRunIds = lostRunIds;
  }
}

/** A run kept killing its sandbox process; it is failed instead of crash-looping. */
export class SandboxCrashedError extends RepriseError {
  readonly runId: string;
  readonly attempts: number;
  readonly exit: string;
  constructor(runId: string, attempts: number, exit: string) {
    super(
      'SANDBOX_CRASHED',
      `run ${runId}: the sandbox process died ${attempts} time(s) while running this run (last: ${exit}); it will not be retried here. The workflow code likely exhausts memory in a way V8 cannot recover from (e.g. a huge array allocation).`,
    );
    this.runId = runId;
    this.attempts = attempts;
    this.exit = exit;
  }
}

/** Why a run's sandbox state is gone. */
export type RunLostReason = 'memory' | 'crash' | 'discarded' | 'disposed';

/** The run's in-sandbox state is gone through no fault of its own: create a new run and replay it. */
export class SandboxRunLostError extends RepriseError {
  readonly runId: string;
  readonly reason: RunLostReason;
  constructor(runId: string, reason: RunLostReason, detail: string) {
    super(
      'SANDBOX_RUN_LOST',
      `run ${runId}: its sandbox state is gone (${detail}); create a new run and replay its history.`,
      {
        retryable: reason !== 'disposed',
      },
    );
    this.runId = runId;
    this.reason = reason;
  }
}

/** The bundle broke the sandbox contract (a malformed completion, an object that cannot be copied). */
export class SandboxProtocolError extends RepriseError {
  readonly runId: string | undefined;
  constructor(runId: string | undefined, detail: string) {
    super(
      'SANDBOX_PROTOCOL',
      `${runId === undefined ? 'bundle' : `run ${runId}`}: the workflow bundle broke the sandbox contract: ${detail}. Rebuild the bundle with compileWorkflows(); hand-written bundles must follow protocol/bundle.ts.`,
    );
    this.runId = runId;
  }
}

/** The bundle could not be loaded into a sandbox (a syntax error, a throwing top level, no `__reprise`). */
export class WorkflowBundleError extends RepriseError {
  readonly buildId: string;
  constructor(buildId: string, detail: string) {
    super('WORKFLOW_BUNDLE', `bundle ${buildId} could not be loaded into the sandbox: ${detail}`);
    this.buildId = buildId;
  }
}

/** A value the host tried to copy into the sandbox is not plain data (an Error, a getter, a function). */
export class SandboxCopyError extends RepriseError {
  readonly runId: string;
  constructor(runId: string, detail: string) {
    super(
      'SANDBOX_COPY',
      `run ${runId}: the activation could not be copied into the sandbox (${detail}); activations carry plain data only: no functions, getters or Error objects (use FailureInfo for failures).`,
    );
    this.runId = runId;
  }
}
