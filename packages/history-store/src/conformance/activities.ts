import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../events/events.ts';
import type { FailureInfo, RetryPolicy } from '../events/failure.ts';
import type { ActivityTask, HistoryStore } from '../store/types.ts';
import type { ConformanceContext } from './context.ts';
import { claimOne, cmd, completion, start, types } from './helpers.ts';

async function withActivity(
  store: HistoryStore,
  extra: Partial<Extract<NewEvent, { eventType: 'ActivityTaskScheduled' }>> = {},
): Promise<number> {
  await start(store, 'w1');
  const t = await claimOne(store);
  await store.completeWorkflowTask(t, completion(t, cmd.activity(t, 'a1', extra)));
  return 5; // ActivityTaskScheduled's id
}

async function claimAct(store: HistoryStore, leaseMs = 30_000): Promise<ActivityTask> {
  const got = await store.claimActivityTasks({ taskQueue: 'acts', owner: 'act-worker', leaseMs });
  if (got.length !== 1) throw new Error(`expected one activity task, got ${got.length}`);
  return got[0]!;
}

const boom = { message: 'card declined', source: 'ApplicationFailure' as const, type: 'Declined' };

/** Activity claims, outcomes, retries, timeouts, heartbeats and cancellation. */
export function activityCases(ctx: () => ConformanceContext): void {
  describe('activities', () => {
    it('a completed activity records Started and Completed and wakes the workflow', async () => {
      const { store, clock } = ctx();
      const scheduledEventId = await withActivity(store, { startToCloseTimeoutMs: 5000 });
      const a = await claimAct(store);
      expect(a).toMatchObject({
        workflowId: 'w1',
        workflowType: 'order',
        scheduledEventId,
        activityId: 'a1',
        activityType: 'charge',
        input: ['a1'],
        attempt: 1,
        cancelRequested: false,
        attemptDeadline: clock.now() + 5000,
      });
      expect(a.lease.expiresAt).toBe(clock.now() + 5000);
      expect(await store.claimActivityTasks({ taskQueue: 'acts', owner: 'x', leaseMs: 1000 })).toEqual([]);
      expect(await store.completeActivityTask(a, { status: 'completed', result: { ok: 1 } })).toEqual({
        recorded: true,
      });
      const h = await store.readHistory('w1');
      expect(h.slice(5).map((e) => e.eventType)).toEqual([
        'ActivityTaskStarted',
        'ActivityTaskCompleted',
        'WorkflowTaskScheduled',
      ]);
      expect(h[5]).toMatchObject({ scheduledEventId, attempt: 1, identity: 'act-worker' });
      expect(h[6]).toMatchObject({ scheduledEventId, startedEventId: 6, result: { ok: 1 } });
      await expect(store.completeActivityTask(a, { status: 'completed', result: 2 })).rejects.toMatchObject({
        code: 'STALE_LEASE',
      });
    });

    it('retries record nothing until the final attempt, which carries the attempt and last failure', async () => {
      const { store, clock } = ctx();
      await withActivity(store, {
        retryPolicy: { initialIntervalMs: 1000, backoffCoefficient: 2, maximumAttempts: 5 },
      });
      const a1 = await claimAct(store);
      const r1 = await store.completeActivityTask(a1, { status: 'failed', failure: boom });
      // random() = 0.5 takes 10% off the 1 s interval.
      expect(r1).toEqual({ recorded: false, retryAt: clock.now() + 900, nextAttempt: 2 });
      clock.advance(899);
      expect(await store.claimActivityTasks({ taskQueue: 'acts', owner: 'x', leaseMs: 1000 })).toEqual([]);
      clock.advance(1);
      const a2 = await claimAct(store);
      expect(a2).toMatchObject({ attempt: 2, lastFailure: boom });
      const r2 = await store.completeActivityTask(a2, { status: 'failed', failure: boom });
      expect(r2).toMatchObject({ recorded: false, retryAt: clock.now() + 1800, nextAttempt: 3 });
      clock.advance(1800);
      const a3 = await claimAct(store);
      await store.completeActivityTask(a3, { status: 'completed', result: 'paid' });
      const h = await store.readHistory('w1');
      expect(h.slice(5).map((e) => e.eventType)).toEqual([
        'ActivityTaskStarted',
        'ActivityTaskCompleted',
        'WorkflowTaskScheduled',
      ]);
      expect(h[5]).toMatchObject({ attempt: 3, lastFailure: boom });
    });

    const final = [
      {
        name: 'maximumAttempts reached',
        policy: { maximumAttempts: 2 },
        failure: boom,
        attempts: 2,
        retryState: 'maximumAttemptsReached',
      },
      {
        name: 'a non-retryable error type',
        policy: { nonRetryableErrorTypes: ['Declined'] },
        failure: boom,
        attempts: 1,
        retryState: 'nonRetryableFailure',
      },
      {
        name: 'the nonRetryable flag',
        policy: {},
        failure: { ...boom, nonRetryable: true },
        attempts: 1,
        retryState: 'nonRetryableFailure',
      },
    ] satisfies {
      name: string;
      policy: RetryPolicy;
      failure: FailureInfo;
      attempts: number;
      retryState: string;
    }[];
    for (const c of final) {
      it(`a failure is final on ${c.name}`, async () => {
        const { store, clock } = ctx();
        await withActivity(store, { retryPolicy: { initialIntervalMs: 10, ...c.policy } });
        for (let i = 1; i <= c.attempts; i++) {
          const a = await claimAct(store);
          const r = await store.completeActivityTask(a, { status: 'failed', failure: c.failure });
          expect(r.recorded).toBe(i === c.attempts);
          clock.advance(1000);
        }
        const last = (await store.readHistory('w1')).at(-2);
        expect(last).toMatchObject({
          eventType: 'ActivityTaskFailed',
          retryState: c.retryState,
          failure: c.failure,
        });
      });
    }

    it('a retry that would pass scheduleToClose is not made', async () => {
      const { store } = ctx();
      await withActivity(store, { scheduleToCloseTimeoutMs: 1500, retryPolicy: { initialIntervalMs: 2000 } });
      const a = await claimAct(store);
      expect(await store.completeActivityTask(a, { status: 'failed', failure: boom })).toEqual({
        recorded: true,
      });
      expect((await store.readHistory('w1')).at(-2)).toMatchObject({
        eventType: 'ActivityTaskFailed',
        retryState: 'timeout',
      });
    });

    it('an expired startToClose lease is a timed-out attempt: retried, and the old holder is fenced', async () => {
      const { store, clock } = ctx();
      await withActivity(store, { startToCloseTimeoutMs: 1000, retryPolicy: { initialIntervalMs: 100 } });
      const a = await claimAct(store);
      expect(await store.nextDueTime()).toBe(clock.now() + 1000);
      clock.advance(1000);
      expect(await store.processDueTimers()).toBe(1);
      await expect(store.completeActivityTask(a, { status: 'completed', result: 1 })).rejects.toMatchObject({
        code: 'STALE_LEASE',
      });
      clock.advance(100);
      const b = await claimAct(store);
      expect(b).toMatchObject({
        attempt: 2,
        lastFailure: { source: 'TimeoutFailure', timeoutType: 'startToClose' },
      });
      await store.completeActivityTask(b, { status: 'completed', result: 2 });
      expect((await types(store, 'w1')).slice(5)).toEqual([
        'ActivityTaskStarted',
        'ActivityTaskCompleted',
        'WorkflowTaskScheduled',
      ]);
    });

    it('heartbeats extend the lease and keep details; a missed heartbeat times the attempt out', async () => {
      const { store, clock } = ctx();
      await withActivity(store, { heartbeatTimeoutMs: 1000, retryPolicy: { maximumAttempts: 1 } });
      const a = await claimAct(store);
      clock.advance(900);
      expect(await store.heartbeatActivityTask(a, { step: 1 })).toEqual({ cancelRequested: false });
      expect(a.lease.expiresAt).toBe(clock.now() + 1000);
      clock.advance(900);
      expect(await store.processDueTimers()).toBe(0);
      clock.advance(100);
      expect(await store.processDueTimers()).toBe(1);
      await expect(store.heartbeatActivityTask(a)).rejects.toMatchObject({ code: 'STALE_LEASE' });
      const h = await store.readHistory('w1');
      expect(h.slice(-3).map((e) => e.eventType)).toEqual([
        'ActivityTaskStarted',
        'ActivityTaskTimedOut',
        'WorkflowTaskScheduled',
      ]);
      expect(h.at(-2)).toMatchObject({ timeoutType: 'heartbeat', startedEventId: 6 });
    });

    it('heartbeat details reach the next attempt', async () => {
      const { store, clock } = ctx();
      await withActivity(store, { heartbeatTimeoutMs: 1000, retryPolicy: { initialIntervalMs: 10 } });
      const a = await claimAct(store);
      await store.heartbeatActivityTask(a, { step: 7 });
      clock.advance(1000);
      await store.processDueTimers();
      clock.advance(10);
      expect(await claimAct(store)).toMatchObject({ attempt: 2, heartbeatDetails: { step: 7 } });
    });

    it('scheduleToStart times out an activity nobody claimed, without a Started event', async () => {
      const { store, clock } = ctx();
      await withActivity(store, { scheduleToStartTimeoutMs: 500 });
      clock.advance(500);
      expect(await store.claimActivityTasks({ taskQueue: 'acts', owner: 'x', leaseMs: 1000 })).toEqual([]);
      expect(await store.processDueTimers()).toBe(1);
      const h = await store.readHistory('w1');
      expect(h.slice(5).map((e) => e.eventType)).toEqual(['ActivityTaskTimedOut', 'WorkflowTaskScheduled']);
      expect(h[5]).toMatchObject({ timeoutType: 'scheduleToStart' });
      expect(h[5]).not.toHaveProperty('startedEventId');
    });

    it('cancelling an activity not yet started records ActivityTaskCanceled at once', async () => {
      const { store } = ctx();
      const scheduledEventId = await withActivity(store);
      await store.signalWorkflow({ workflowId: 'w1' }, { name: 'stop', input: [] });
      const t = await claimOne(store);
      await store.completeWorkflowTask(
        t,
        completion(t, {
          eventType: 'ActivityTaskCancelRequested',
          scheduledEventId,
          workflowTaskCompletedEventId: t.startedEventId + 1,
        }),
      );
      expect((await types(store, 'w1')).slice(-3)).toEqual([
        'ActivityTaskCancelRequested',
        'ActivityTaskCanceled',
        'WorkflowTaskScheduled',
      ]);
      expect(await store.claimActivityTasks({ taskQueue: 'acts', owner: 'x', leaseMs: 1000 })).toEqual([]);
    });

    it('cancelling a running activity reaches it through heartbeats; its cancellation is recorded', async () => {
      const { store } = ctx();
      const scheduledEventId = await withActivity(store);
      const a = await claimAct(store);
      await store.signalWorkflow({ workflowId: 'w1' }, { name: 'stop', input: [] });
      const t = await claimOne(store);
      await store.completeWorkflowTask(
        t,
        completion(t, {
          eventType: 'ActivityTaskCancelRequested',
          scheduledEventId,
          workflowTaskCompletedEventId: t.startedEventId + 1,
        }),
      );
      expect(await store.heartbeatActivityTask(a)).toEqual({ cancelRequested: true });
      await store.completeActivityTask(a, { status: 'cancelled', details: ['partial'] });
      const h = await store.readHistory('w1');
      expect(h.slice(-3).map((e) => e.eventType)).toEqual([
        'ActivityTaskStarted',
        'ActivityTaskCanceled',
        'WorkflowTaskScheduled',
      ]);
      expect(h.at(-2)).toMatchObject({ details: ['partial'], startedEventId: h.at(-3)!.eventId });
    });

    it('a result that arrives while the workflow task is leased is buffered with correct ids', async () => {
      const { store } = ctx();
      await withActivity(store);
      const a = await claimAct(store);
      await store.signalWorkflow({ workflowId: 'w1' }, { name: 's', input: [] });
      const t = await claimOne(store);
      await store.completeActivityTask(a, { status: 'completed', result: 1 });
      await store.completeWorkflowTask(t, completion(t));
      const h = await store.readHistory('w1');
      expect(h.slice(7).map((e) => [e.eventId, e.eventType])).toEqual([
        [8, 'WorkflowTaskStarted'],
        [9, 'WorkflowTaskCompleted'],
        [10, 'ActivityTaskStarted'],
        [11, 'ActivityTaskCompleted'],
        [12, 'WorkflowTaskScheduled'],
      ]);
      expect(h[10]).toMatchObject({ startedEventId: 10 });
    });
  });
}
