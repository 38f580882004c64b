/** Work that falls due with time: timer firings, activity timeouts and expired leases, run timeouts. */
import type { FailureInfo } from '../events/failure.ts';
import { failAttempt } from './activity.ts';
import { deliverEvents } from './append.ts';
import type { StoreBackend } from './backend.ts';
import type { Batcher } from './batcher.ts';
import { timeOutRun } from './close.ts';
import type { ActivityData, StoreTx, TaskRecord, TimerData } from './records.ts';

/** Due rows handled per transaction. */
const DUE_BATCH = 200;

/**
 * Fires up to `max` due rows, up to {@link DUE_BATCH} per transaction: the rows are taken with SKIP
 * LOCKED (so many workers share the work), their runs are locked in one statement, and each row is
 * handled by the shared logic. If a batch fails, its rows are retried one per transaction so a single
 * bad row cannot hold back the others.
 */
export async function processDueTimers(
  b: StoreBackend,
  ops: Batcher,
  max: number,
  random?: () => number,
): Promise<number> {
  let done = 0;
  let per = DUE_BATCH;
  while (done < max) {
    const limit = Math.min(per, max - done);
    let n: number;
    try {
      n = await ops.run({
        alone: true,
        run: async (tx) => {
          const rows = await b.lockDue(tx, tx.now, limit);
          await tx.prefetch?.({ runs: rows });
          for (const row of rows) await processDueTask(tx, row, random);
          return rows.length;
        },
      });
    } catch (err) {
      if (per === 1) throw err;
      per = 1;
      continue;
    }
    if (n === 0) break;
    done += n;
    if (n < limit) break;
  }
  return done;
}

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
