/**
 * Activity tasks: leases sized by the activity's own timeouts, heartbeats, outcomes, and retries.
 * A retried attempt records nothing; only the final attempt writes ActivityTaskStarted (with its
 * attempt and the previous failure) and its outcome, in one delivery to the run.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../events/events.ts';
import type { FailureInfo } from '../events/failure.ts';
import { deliverEvents, PREVIOUS_EVENT } from './append.ts';
import { checkLease } from './lease.ts';
import type { ActivityData, StoreTx, TaskRecord } from './records.ts';
import { decideRetry, type RetryDecision } from './retry.ts';
import type { ActivityCompletionResult, ActivityOutcome, ActivityTask } from './types.ts';

/** When the current attempt's lease ends: the first of heartbeat, startToClose and scheduleToClose. */
export function activityLeaseExpiry(data: ActivityData, now: number, leaseMs: number): number {
  const limits = [
    now + (data.heartbeatTimeoutMs ?? (data.startToCloseTimeoutMs === undefined ? leaseMs : Infinity)),
  ];
  if (data.attemptDeadline !== undefined) limits.push(data.attemptDeadline);
  if (data.scheduleToCloseDeadline !== undefined) limits.push(data.scheduleToCloseDeadline);
  return Math.min(...limits);
}

/** Leases an activity row being claimed (by a claim or eager dispatch) and hands it out. */
export async function leaseActivity(
  tx: StoreTx,
  row: TaskRecord,
  owner: string,
  leaseMs: number,
): Promise<ActivityTask> {
  const now = tx.now;
  const data = row.data as ActivityData;
  data.leaseMs = leaseMs;
  if (data.startToCloseTimeoutMs !== undefined) data.attemptDeadline = now + data.startToCloseTimeoutMs;
  else delete data.attemptDeadline;
  // scheduleToStart bounds the wait for the first start only (it is not retryable).
  delete data.scheduleToStartDeadline;
  const expiresAt = activityLeaseExpiry(data, now, leaseMs);
  row.lease = { owner, token: randomUUID(), expiresAt };
  delete row.visibleAt;
  row.deadlineAt = expiresAt;
  await tx.updateTask(row);
  tx.topics.leased(row.taskId);
  return toActivityTask(row);
}

/** The worker's view of a leased activity row. */
export function toActivityTask(row: TaskRecord): ActivityTask {
  const data = row.data as ActivityData;
  const task: ActivityTask = {
    workflowId: row.workflowId,
    runId: row.runId,
    taskId: row.taskId,
    taskQueue: row.taskQueue,
    workflowType: data.workflowType,
    lease: row.lease!,
    scheduledEventId: row.refEventId,
    activityId: data.activityId,
    activityType: data.activityType,
    input: data.input,
    attempt: row.attempt,
    scheduledTime: data.scheduledTime,
    cancelRequested: data.cancelRequested,
  };
  if (data.attemptDeadline !== undefined) task.attemptDeadline = data.attemptDeadline;
  if (data.heartbeatTimeoutMs !== undefined) task.heartbeatTimeoutMs = data.heartbeatTimeoutMs;
  if (data.heartbeatDetails !== undefined) task.heartbeatDetails = data.heartbeatDetails;
  if (data.lastFailure !== undefined) task.lastFailure = data.lastFailure;
  return task;
}

/** Extends the lease, stores the details, and reports whether cancellation was requested. */
export async function heartbeatActivity(
  tx: StoreTx,
  task: ActivityTask,
  details: unknown,
): Promise<{ cancelRequested: boolean }> {
  const row = checkLease(await tx.getTask(task.taskId, true), task.lease, tx.now, 'activity heartbeat');
  const data = row.data as ActivityData;
  if (details !== undefined) data.heartbeatDetails = details;
  const expiresAt = activityLeaseExpiry(data, tx.now, data.leaseMs ?? 30_000);
  row.lease = { ...row.lease!, expiresAt };
  row.deadlineAt = expiresAt;
  await tx.updateTask(row);
  // The caller's task object carries the lease it fences with; keep its expiry current.
  task.lease.expiresAt = expiresAt;
  return { cancelRequested: data.cancelRequested };
}

/** Records an attempt's outcome, or schedules the retry its failure calls for. */
export async function completeActivity(
  tx: StoreTx,
  task: ActivityTask,
  outcome: ActivityOutcome,
  random?: () => number,
): Promise<ActivityCompletionResult> {
  const row = checkLease(await tx.getTask(task.taskId, true), task.lease, tx.now, 'activity completion');
  switch (outcome.status) {
    case 'completed':
      await finish(tx, row, true, (startedEventId) => ({
        eventType: 'ActivityTaskCompleted',
        scheduledEventId: row.refEventId,
        startedEventId: startedEventId ?? PREVIOUS_EVENT,
        result: outcome.result,
      }));
      return { recorded: true };
    case 'cancelled':
      await finish(tx, row, true, (startedEventId) => ({
        eventType: 'ActivityTaskCanceled',
        scheduledEventId: row.refEventId,
        ...(startedEventId !== undefined && { startedEventId }),
        ...(outcome.details !== undefined && { details: outcome.details }),
      }));
      return { recorded: true };
    case 'failed':
      return failAttempt(tx, row, outcome.failure, random);
  }
}

/**
 * An attempt failed (an error, or its lease expired): retry per policy or record the final failure.
 * `timeoutType` marks a timed-out attempt, recorded as ActivityTaskTimedOut when it is final.
 */
export async function failAttempt(
  tx: StoreTx,
  row: TaskRecord,
  failure: FailureInfo,
  random?: () => number,
): Promise<ActivityCompletionResult> {
  const data = row.data as ActivityData;
  const decision: RetryDecision = data.cancelRequested
    ? { retry: false, retryState: 'cancelRequested' }
    : decideRetry({
        policy: data.retryPolicy,
        attempt: row.attempt,
        failure,
        now: tx.now,
        ...(data.scheduleToCloseDeadline !== undefined && {
          scheduleToCloseDeadline: data.scheduleToCloseDeadline,
        }),
        ...(random && { random }),
      });
  if (decision.retry) {
    row.attempt++;
    data.lastFailure = failure;
    delete data.attemptDeadline;
    delete row.lease;
    row.visibleAt = decision.retryAt;
    const deadlines = [data.scheduleToCloseDeadline].filter((d): d is number => d !== undefined);
    if (deadlines.length > 0) row.deadlineAt = Math.min(...deadlines);
    else delete row.deadlineAt;
    await tx.updateTask(row);
    tx.topics.notifyTask(row.taskId, row.taskQueue);
    return { recorded: false, retryAt: decision.retryAt, nextAttempt: row.attempt };
  }
  const started = row.lease !== undefined;
  await finish(tx, row, started, (startedEventId) =>
    failure.source === 'TimeoutFailure' && failure.timeoutType !== undefined && failure.timeoutType !== 'run'
      ? {
          eventType: 'ActivityTaskTimedOut',
          scheduledEventId: row.refEventId,
          ...(startedEventId !== undefined && { startedEventId }),
          timeoutType: failure.timeoutType,
          failure,
        }
      : {
          eventType: 'ActivityTaskFailed',
          scheduledEventId: row.refEventId,
          startedEventId: startedEventId ?? row.refEventId,
          failure,
          retryState: decision.retryState,
        },
  );
  return { recorded: true };
}

/** Deletes the row and delivers ActivityTaskStarted (when the attempt started) plus the outcome. */
async function finish(
  tx: StoreTx,
  row: TaskRecord,
  started: boolean,
  outcome: (startedEventId: number | undefined) => NewEvent,
): Promise<void> {
  await tx.deleteTask(row.taskId);
  const run = await tx.getRun(row.workflowId, row.runId, true);
  if (run?.status !== 'running') return;
  const data = row.data as ActivityData;
  const events: NewEvent[] = [];
  if (started) {
    events.push({
      eventType: 'ActivityTaskStarted',
      scheduledEventId: row.refEventId,
      attempt: row.attempt,
      identity: row.lease?.owner ?? '',
      ...(data.lastFailure !== undefined && { lastFailure: data.lastFailure }),
    });
  }
  // The Started event's id is known only when the delivery is appended (it may be buffered first).
  events.push(outcome(started ? PREVIOUS_EVENT : undefined));
  await deliverEvents(tx, run, events);
}
