/** Work that falls due with time: timer firings, activity timeouts and expired leases, run timeouts. */
import type { FailureInfo } from '../events/failure.ts';
import { failAttempt } from './activity.ts';
import { deliverEvents } from './append.ts';
import { timeOutRun } from './close.ts';
import type { ActivityData, StoreTx, TaskRecord, TimerData } from './records.ts';

/** Acts on one due task row the backend locked. `random` feeds retry jitter. */
export async function processDueTask(tx: StoreTx, row: TaskRecord, random?: () => number): Promise<void> {
  switch (row.kind) {
    case 'timer': {
      await tx.deleteTask(row.taskId);
      const run = await tx.getRun(row.workflowId, row.runId, true);
      if (!run) return;
      await deliverEvents(tx, run, [
        { eventType: 'TimerFired', timerId: (row.data as TimerData).timerId, startedEventId: row.refEventId },
      ]);
      return;
    }
    case 'deadline': {
      await tx.deleteTask(row.taskId);
      const run = await tx.getRun(row.workflowId, row.runId, true);
      if (run)
        await timeOutRun(tx, run, (row.data as { timeoutType: 'run' | 'scheduleToClose' }).timeoutType);
      return;
    }
    case 'activity':
      await activityDeadline(tx, row, random);
      return;
    case 'workflow':
      delete row.deadlineAt;
      await tx.updateTask(row);
      return;
  }
}

async function activityDeadline(tx: StoreTx, row: TaskRecord, random?: () => number): Promise<void> {
  const data = row.data as ActivityData;
  const now = tx.now;
  let timeoutType: FailureInfo['timeoutType'];
  if (data.scheduleToCloseDeadline !== undefined && now >= data.scheduleToCloseDeadline) {
    timeoutType = 'scheduleToClose';
  } else if (row.lease && row.lease.expiresAt <= now) {
    const byAttempt = data.attemptDeadline !== undefined && row.lease.expiresAt >= data.attemptDeadline;
    timeoutType = !byAttempt && data.heartbeatTimeoutMs !== undefined ? 'heartbeat' : 'startToClose';
  } else if (
    !row.lease &&
    data.scheduleToStartDeadline !== undefined &&
    now >= data.scheduleToStartDeadline
  ) {
    timeoutType = 'scheduleToStart';
  } else {
    // Not due after all (a heartbeat moved the lease on): just correct the deadline.
    const next = row.lease?.expiresAt ?? data.scheduleToStartDeadline ?? data.scheduleToCloseDeadline;
    if (next === undefined) delete row.deadlineAt;
    else row.deadlineAt = Math.max(next, now + 1);
    await tx.updateTask(row);
    return;
  }
  const failure: FailureInfo = {
    message: `activity ${data.activityType} (${data.activityId}) timed out: ${timeoutType}`,
    source: 'TimeoutFailure',
    timeoutType,
    activityType: data.activityType,
  };
  if (data.lastFailure) failure.cause = data.lastFailure;
  await failAttempt(tx, row, failure, random);
}
