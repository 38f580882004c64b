/** Creating runs: client starts, child workflows and continue-as-new share this. */
import { randomUUID } from 'node:crypto';
import { appendEvents, ensureWorkflowTask } from './append.ts';
import { WorkflowAlreadyStartedError } from './errors.ts';
import type { ParentLink, RunRecord, StoreTx } from './records.ts';
import type { WorkflowIdReusePolicy } from './types.ts';

/** Everything needed to create a run. */
export interface NewRun {
  workflowId: string;
  runId?: string;
  workflowType: string;
  taskQueue: string;
  input: unknown[];
  randomnessSeed?: number[];
  workflowRunTimeoutMs?: number;
  workflowExecutionTimeoutMs?: number;
  executionDeadline?: number;
  identity?: string;
  parent?: ParentLink;
  firstExecutionRunId?: string;
  continuedFromRunId?: string;
}

/** Four random unsigned 32-bit words. */
export function newSeed(): number[] {
  return Array.from({ length: 4 }, () => Math.floor(Math.random() * 0x1_0000_0000));
}

/**
 * Checks the id reuse policy against the latest run of the id. Returns the running run when there is
 * one (callers decide: reject, or signal it), throws when the policy refuses a closed one.
 */
export async function checkIdReuse(
  tx: StoreTx,
  workflowId: string,
  policy: WorkflowIdReusePolicy,
): Promise<RunRecord | undefined> {
  const latest = await tx.getRun(workflowId, undefined, true);
  if (!latest) return undefined;
  if (latest.status === 'running') return latest;
  if (policy === 'rejectDuplicate') {
    throw new WorkflowAlreadyStartedError(workflowId, latest.runId, 'the reuse policy rejects duplicates');
  }
  if (
    policy === 'allowDuplicateFailedOnly' &&
    (latest.status === 'completed' || latest.status === 'continuedAsNew')
  ) {
    throw new WorkflowAlreadyStartedError(
      workflowId,
      latest.runId,
      `the previous run ${latest.status} and the policy only allows reuse after a failure`,
    );
  }
  return undefined;
}

/** Inserts a run with `WorkflowExecutionStarted` and its first workflow task. Caller checked id reuse. */
export async function createRun(tx: StoreTx, req: NewRun): Promise<RunRecord> {
  const runId = req.runId ?? randomUUID();
  const executionDeadline =
    req.executionDeadline ??
    (req.workflowExecutionTimeoutMs !== undefined ? tx.now + req.workflowExecutionTimeoutMs : undefined);
  const run: RunRecord = {
    workflowId: req.workflowId,
    runId,
    workflowType: req.workflowType,
    taskQueue: req.taskQueue,
    status: 'running',
    nextEventId: 1,
    startTime: tx.now,
    firstExecutionRunId: req.firstExecutionRunId ?? runId,
    wfTask: 'none',
    wfTaskScheduledEventId: 0,
    failedAttempts: 0,
    bufferedCount: 0,
    pendingRequests: 0,
    cancelRequested: false,
  };
  if (req.parent) run.parent = req.parent;
  if (req.workflowRunTimeoutMs !== undefined) run.workflowRunTimeoutMs = req.workflowRunTimeoutMs;
  if (executionDeadline !== undefined) run.executionDeadline = executionDeadline;
  await tx.insertRun(run);
  await appendEvents(tx, run, [
    {
      eventType: 'WorkflowExecutionStarted',
      workflowId: req.workflowId,
      workflowType: req.workflowType,
      taskQueue: req.taskQueue,
      input: req.input,
      randomnessSeed: req.randomnessSeed ?? newSeed(),
      attempt: 1,
      firstExecutionRunId: run.firstExecutionRunId,
      ...(req.parent && {
        parent: { workflowId: req.parent.workflowId, runId: req.parent.runId },
        parentInitiatedEventId: req.parent.initiatedEventId,
      }),
      ...(req.continuedFromRunId !== undefined && { continuedFromRunId: req.continuedFromRunId }),
      ...(req.workflowRunTimeoutMs !== undefined && { workflowRunTimeoutMs: req.workflowRunTimeoutMs }),
      ...(req.workflowExecutionTimeoutMs !== undefined && {
        workflowExecutionTimeoutMs: req.workflowExecutionTimeoutMs,
      }),
      ...(req.identity !== undefined && { identity: req.identity }),
    },
  ]);
  await ensureWorkflowTask(tx, run);
  await scheduleRunDeadline(tx, run);
  // No notification: the run topic is for closes (waiters want a run's end, not its start).
  await tx.updateRun(run);
  return run;
}

async function scheduleRunDeadline(tx: StoreTx, run: RunRecord): Promise<void> {
  const runDeadline = run.workflowRunTimeoutMs !== undefined ? tx.now + run.workflowRunTimeoutMs : undefined;
  const exec = run.executionDeadline;
  if (runDeadline === undefined && exec === undefined) return;
  const byRun = runDeadline !== undefined && (exec === undefined || runDeadline <= exec);
  await tx.insertTask({
    kind: 'deadline',
    workflowId: run.workflowId,
    runId: run.runId,
    taskQueue: run.taskQueue,
    deadlineAt: byRun ? runDeadline! : exec!,
    attempt: 1,
    refEventId: 0,
    data: { timeoutType: byRun ? 'run' : 'scheduleToClose' },
  });
}
