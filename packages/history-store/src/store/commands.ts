/**
 * What each event of a workflow task completion does beyond being appended: tasks to create or
 * cancel, children to start, other runs to signal or cancel. Events the completion causes on its own
 * run (ChildWorkflowExecutionStarted, ExternalWorkflowExecutionSignaled, ...) are pushed to `post` and
 * appended right after the completion's events.
 */
import type { EventOf, HistoryEvent, NewEvent } from '../events/events.ts';
import { deliverEvents } from './append.ts';
import { requestCancelRun } from './close.ts';
import { createRun } from './create.ts';
import type { ActivityData, RunRecord, StoreTx } from './records.ts';
import { settleRequest } from './requests.ts';

/** Collects events for the completing run while its command events are applied. */
export interface CompletionContext {
  tx: StoreTx;
  run: RunRecord;
  post: NewEvent[];
  /** Activity task rows the completion created, for eager dispatch to the completing worker. */
  scheduled: { taskId: string; taskQueue: string }[];
}

/** Applies one appended completion event. */
export async function applyCommandEvent(ctx: CompletionContext, ev: HistoryEvent): Promise<void> {
  const { tx, run } = ctx;
  switch (ev.eventType) {
    case 'ActivityTaskScheduled':
      await scheduleActivity(ctx, ev);
      return;
    case 'TimerStarted':
      await tx.insertTask({
        kind: 'timer',
        workflowId: run.workflowId,
        runId: run.runId,
        taskQueue: run.taskQueue,
        deadlineAt: ev.eventTime + ev.startToFireTimeoutMs,
        attempt: 1,
        refEventId: ev.eventId,
        data: { timerId: ev.timerId },
      });
      return;
    case 'TimerCanceled': {
      const timer = await tx.findTask(run, 'timer', ev.startedEventId);
      if (timer) await tx.deleteTask(timer.taskId);
      return;
    }
    case 'ActivityTaskCancelRequested':
      await cancelActivity(ctx, ev);
      return;
    case 'StartChildWorkflowExecutionInitiated':
      await startChild(ctx, ev);
      return;
    case 'SignalExternalWorkflowExecutionInitiated':
      await signalExternal(ctx, ev);
      return;
    case 'RequestCancelExternalWorkflowExecutionInitiated':
      await cancelExternal(ctx, ev);
      return;
    case 'WorkflowExecutionUpdateAccepted':
      await settleRequest(tx, run, ev.updateId, { accepted: true });
      return;
    case 'WorkflowExecutionUpdateCompleted':
      await settleRequest(
        tx,
        run,
        ev.updateId,
        ev.failure !== undefined ? { failure: ev.failure } : { result: ev.result },
      );
      return;
    default:
      return;
  }
}

/** The id the next event pushed to `post` will take. */
function nextPostId(ctx: CompletionContext): number {
  return ctx.run.nextEventId + ctx.post.length;
}

async function scheduleActivity(ctx: CompletionContext, ev: EventOf<'ActivityTaskScheduled'>): Promise<void> {
  const { tx, run } = ctx;
  const data: ActivityData = {
    workflowType: run.workflowType,
    activityId: ev.activityId,
    activityType: ev.activityType,
    input: ev.input,
    scheduledTime: ev.eventTime,
    cancelRequested: false,
  };
  if (ev.startToCloseTimeoutMs !== undefined) data.startToCloseTimeoutMs = ev.startToCloseTimeoutMs;
  if (ev.heartbeatTimeoutMs !== undefined) data.heartbeatTimeoutMs = ev.heartbeatTimeoutMs;
  if (ev.scheduleToStartTimeoutMs !== undefined) {
    data.scheduleToStartDeadline = ev.eventTime + ev.scheduleToStartTimeoutMs;
  }
  if (ev.scheduleToCloseTimeoutMs !== undefined) {
    data.scheduleToCloseDeadline = ev.eventTime + ev.scheduleToCloseTimeoutMs;
  }
  if (ev.retryPolicy !== undefined) data.retryPolicy = ev.retryPolicy;
  const deadlines = [data.scheduleToStartDeadline, data.scheduleToCloseDeadline].filter(
    (d): d is number => d !== undefined,
  );
  const taskId = await tx.insertTask({
    kind: 'activity',
    workflowId: run.workflowId,
    runId: run.runId,
    taskQueue: ev.taskQueue,
    visibleAt: ev.eventTime,
    ...(deadlines.length > 0 && { deadlineAt: Math.min(...deadlines) }),
    attempt: 1,
    refEventId: ev.eventId,
    data,
  });
  ctx.scheduled.push({ taskId, taskQueue: ev.taskQueue });
  tx.topics.notifyTask(taskId, ev.taskQueue);
}

async function cancelActivity(
  ctx: CompletionContext,
  ev: EventOf<'ActivityTaskCancelRequested'>,
): Promise<void> {
  const task = await ctx.tx.findTask(ctx.run, 'activity', ev.scheduledEventId);
  if (!task) return; // Already finished: its result is (or will be) in history.
  if (task.lease) {
    // Running: the worker learns of it on its next heartbeat and reports the cancellation.
    (task.data as ActivityData).cancelRequested = true;
    await ctx.tx.updateTask(task);
    return;
  }
  await ctx.tx.deleteTask(task.taskId);
  ctx.post.push({ eventType: 'ActivityTaskCanceled', scheduledEventId: ev.scheduledEventId });
}

async function startChild(
  ctx: CompletionContext,
  ev: EventOf<'StartChildWorkflowExecutionInitiated'>,
): Promise<void> {
  const { tx, run } = ctx;
  const existing = await tx.getRun(ev.workflowId, undefined, true);
  if (existing?.status === 'running') {
    ctx.post.push({
      eventType: 'StartChildWorkflowExecutionFailed',
      initiatedEventId: ev.eventId,
      workflowId: ev.workflowId,
      workflowType: ev.workflowType,
      cause: 'WorkflowAlreadyExists',
    });
    return;
  }
  const startedEventId = nextPostId(ctx);
  const child = await createRun(tx, {
    workflowId: ev.workflowId,
    workflowType: ev.workflowType,
    taskQueue: ev.taskQueue,
    input: ev.input,
    ...(ev.workflowRunTimeoutMs !== undefined && { workflowRunTimeoutMs: ev.workflowRunTimeoutMs }),
    ...(ev.workflowExecutionTimeoutMs !== undefined && {
      workflowExecutionTimeoutMs: ev.workflowExecutionTimeoutMs,
    }),
    parent: {
      workflowId: run.workflowId,
      runId: run.runId,
      initiatedEventId: ev.eventId,
      startedEventId,
      parentClosePolicy: ev.parentClosePolicy,
    },
  });
  ctx.post.push({
    eventType: 'ChildWorkflowExecutionStarted',
    initiatedEventId: ev.eventId,
    workflowId: ev.workflowId,
    runId: child.runId,
    workflowType: ev.workflowType,
  });
}

async function externalTarget(
  ctx: CompletionContext,
  target: { workflowId: string; runId?: string; childWorkflowOnly: boolean },
): Promise<RunRecord | 'self' | undefined> {
  const { run } = ctx;
  if (target.workflowId === run.workflowId && (target.runId === undefined || target.runId === run.runId)) {
    return target.childWorkflowOnly ? undefined : 'self';
  }
  const found = await ctx.tx.getRun(target.workflowId, target.runId, true);
  if (found?.status !== 'running') return undefined;
  if (
    target.childWorkflowOnly &&
    (found.parent?.workflowId !== run.workflowId || found.parent.runId !== run.runId)
  ) {
    return undefined;
  }
  return found;
}

async function signalExternal(
  ctx: CompletionContext,
  ev: EventOf<'SignalExternalWorkflowExecutionInitiated'>,
): Promise<void> {
  const target = await externalTarget(ctx, ev);
  if (!target) {
    ctx.post.push({
      eventType: 'SignalExternalWorkflowExecutionFailed',
      initiatedEventId: ev.eventId,
      workflowId: ev.workflowId,
      cause: 'ExternalWorkflowExecutionNotFound',
    });
    return;
  }
  const signaled: NewEvent = {
    eventType: 'WorkflowExecutionSignaled',
    signalName: ev.signalName,
    input: ev.input,
    identity: `${ctx.run.workflowId}/${ctx.run.runId}`,
  };
  if (target === 'self') ctx.post.push(signaled);
  else await deliverEvents(ctx.tx, target, [signaled]);
  ctx.post.push({
    eventType: 'ExternalWorkflowExecutionSignaled',
    initiatedEventId: ev.eventId,
    workflowId: ev.workflowId,
    ...(ev.runId !== undefined && { runId: ev.runId }),
  });
}

async function cancelExternal(
  ctx: CompletionContext,
  ev: EventOf<'RequestCancelExternalWorkflowExecutionInitiated'>,
): Promise<void> {
  const target = await externalTarget(ctx, ev);
  if (!target) {
    ctx.post.push({
      eventType: 'RequestCancelExternalWorkflowExecutionFailed',
      initiatedEventId: ev.eventId,
      workflowId: ev.workflowId,
      cause: 'ExternalWorkflowExecutionNotFound',
    });
    return;
  }
  const identity = `${ctx.run.workflowId}/${ctx.run.runId}`;
  if (target === 'self') {
    if (!ctx.run.cancelRequested) {
      ctx.run.cancelRequested = true;
      ctx.post.push({ eventType: 'WorkflowExecutionCancelRequested', identity });
    }
  } else {
    await requestCancelRun(ctx.tx, target, undefined, identity);
  }
  ctx.post.push({
    eventType: 'ExternalWorkflowExecutionCancelRequested',
    initiatedEventId: ev.eventId,
    workflowId: ev.workflowId,
    ...(ev.runId !== undefined && { runId: ev.runId }),
  });
}
