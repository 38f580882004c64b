import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from './context.ts';
import { claimOne, cmd, completion, start, types } from './helpers.ts';

/** Claims, completions, buffering, leases and fencing, failures. */
export function workflowTaskCases(ctx: () => ConformanceContext): void {
  describe('workflow tasks', () => {
    it('a claim hands out the history and appends nothing; the completion appends', async () => {
      const { store, clock } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      expect(t).toMatchObject({
        workflowId: 'w1',
        workflowType: 'order',
        scheduledEventId: 2,
        startedEventId: 3,
        historyFrom: 1,
        startedTime: clock.now(),
        failedAttempts: 0,
        queries: [],
        updates: [],
      });
      expect(t.history.map((e) => e.eventId)).toEqual([1, 2]);
      expect(t.lease).toMatchObject({ owner: 'worker-1', expiresAt: clock.now() + 10_000 });
      expect(await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'w2', leaseMs: 1000 })).toEqual([]);
      expect((await store.describeRun('w1'))?.historyLength).toBe(2);
      await store.completeWorkflowTask(t, completion(t, cmd.timer(t, 't1', 1000)));
      expect(await types(store, 'w1')).toEqual([
        'WorkflowExecutionStarted',
        'WorkflowTaskScheduled',
        'WorkflowTaskStarted',
        'WorkflowTaskCompleted',
        'TimerStarted',
      ]);
      expect((await store.describeRun('w1'))?.buildId).toBe('build-1');
    });

    it('claims up to max tasks, and only from the asked queue', async () => {
      const { store } = ctx();
      for (let i = 0; i < 3; i++) await start(store, `w${i}`);
      await store.startWorkflow({ workflowId: 'o', workflowType: 'x', taskQueue: 'other', input: [] });
      const got = await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'a', leaseMs: 1000, max: 10 });
      expect(got.map((t) => t.workflowId).sort()).toEqual(['w0', 'w1', 'w2']);
    });

    it('knownHistory trims the history to what the worker lacks', async () => {
      const { store } = ctx();
      const { runId } = await start(store, 'w1');
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t));
      await store.signalWorkflow({ workflowId: 'w1' }, { name: 's', input: [] });
      const [t2] = await store.claimWorkflowTasks({
        taskQueue: 'wf',
        owner: 'a',
        leaseMs: 1000,
        knownHistory: new Map([[runId, 4]]),
      });
      expect(t2?.historyFrom).toBe(5);
      expect(t2?.history.map((e) => e.eventType)).toEqual([
        'WorkflowExecutionSignaled',
        'WorkflowTaskScheduled',
      ]);
    });

    it('buffers events while the task is leased and appends them after its completion', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      await store.signalWorkflow({ workflowId: 'w1' }, { name: 's', input: [] });
      expect((await store.describeRun('w1'))?.historyLength).toBe(2);
      await store.completeWorkflowTask(t, completion(t));
      expect((await types(store, 'w1')).slice(2)).toEqual([
        'WorkflowTaskStarted',
        'WorkflowTaskCompleted',
        'WorkflowExecutionSignaled',
        'WorkflowTaskScheduled',
      ]);
      const t2 = await claimOne(store);
      expect(t2.startedEventId).toBe(7);
    });

    it('an expired lease is taken over; the old holder is fenced and buffered events are kept', async () => {
      const { store, clock } = ctx();
      await start(store, 'w1');
      const old = await claimOne(store, 'wf', 1000);
      await store.signalWorkflow({ workflowId: 'w1' }, { name: 's', input: [] });
      clock.advance(1001);
      const fresh = await claimOne(store);
      expect(fresh.history.map((e) => e.eventType)).toEqual([
        'WorkflowExecutionStarted',
        'WorkflowTaskScheduled',
        'WorkflowExecutionSignaled',
      ]);
      expect(fresh.startedEventId).toBe(4);
      await expect(store.completeWorkflowTask(old, completion(old))).rejects.toMatchObject({
        code: 'STALE_LEASE',
      });
      expect((await store.describeRun('w1'))?.historyLength).toBe(3);
      await store.completeWorkflowTask(fresh, completion(fresh));
      expect((await store.describeRun('w1'))?.historyLength).toBe(5);
    });

    it('a completion after the lease expired is rejected even before a takeover', async () => {
      const { store, clock } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store, 'wf', 1000);
      clock.advance(1001);
      await expect(store.completeWorkflowTask(t, completion(t))).rejects.toMatchObject({
        code: 'STALE_LEASE',
      });
      expect((await store.describeRun('w1'))?.historyLength).toBe(2);
    });

    it('rejects a completion whose expected next event id is wrong, writing nothing', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      const moved = { ...t, startedEventId: t.startedEventId + 1 };
      await expect(store.completeWorkflowTask(moved, completion(moved))).rejects.toMatchObject({
        code: 'RUN_CONFLICT',
      });
      expect((await store.describeRun('w1'))?.historyLength).toBe(2);
      await store.completeWorkflowTask(t, completion(t));
    });

    const malformed = [
      { name: 'no WorkflowTaskStarted', events: (c: ReturnType<typeof completion>) => c.events.slice(1) },
      {
        name: 'an invalid command event',
        events: (c: ReturnType<typeof completion>) => [
          ...c.events,
          {
            eventType: 'TimerStarted',
            workflowTaskCompletedEventId: 4,
            timerId: '',
            startToFireTimeoutMs: 1,
          },
        ],
      },
      {
        name: 'a closing event that is not last',
        events: (c: ReturnType<typeof completion>) => [
          ...c.events,
          { eventType: 'WorkflowExecutionCompleted', workflowTaskCompletedEventId: 4, result: 1 },
          {
            eventType: 'TimerStarted',
            workflowTaskCompletedEventId: 4,
            timerId: 't',
            startToFireTimeoutMs: 1,
          },
        ],
      },
    ];
    for (const m of malformed) {
      it(`rejects a malformed completion (${m.name}) with a clear error and writes nothing`, async () => {
        const { store } = ctx();
        await start(store, 'w1');
        const t = await claimOne(store);
        const c = completion(t);
        await expect(
          store.completeWorkflowTask(t, { ...c, events: m.events(c) as typeof c.events }),
        ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
        expect((await store.describeRun('w1'))?.historyLength).toBe(2);
        await store.completeWorkflowTask(t, completion(t));
      });
    }

    it('a failed task appends nothing, blocks the run, and is retried after a backoff', async () => {
      const { store, clock } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      const failure = { message: 'diverged at event 5', source: 'ApplicationFailure' as const };
      await store.failWorkflowTask(t, { cause: 'Nondeterminism', failure, buildId: 'b2' });
      expect((await store.describeRun('w1'))?.historyLength).toBe(2);
      expect((await store.describeRun('w1'))?.blocked).toEqual({
        cause: 'Nondeterminism',
        message: 'diverged at event 5',
        since: clock.now(),
        attempts: 1,
        buildId: 'b2',
      });
      expect((await store.listRuns({ blockedOnly: true })).runs.map((r) => r.workflowId)).toEqual(['w1']);
      expect(await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'x', leaseMs: 1000 })).toEqual([]);
      await expect(store.failWorkflowTask(t, { cause: 'x', failure })).rejects.toMatchObject({
        code: 'STALE_LEASE',
      });
      clock.advance(1000);
      const again = await claimOne(store);
      expect(again).toMatchObject({ failedAttempts: 1, startedEventId: 3, scheduledEventId: 2 });
      await store.failWorkflowTask(again, { cause: 'Nondeterminism', failure, retryAt: clock.now() + 5 });
      expect((await store.describeRun('w1'))?.blocked?.attempts).toBe(2);
      clock.advance(5);
      const third = await claimOne(store);
      await store.completeWorkflowTask(third, completion(third));
      const info = await store.describeRun('w1');
      expect(info?.blocked).toBeUndefined();
      expect(info?.historyLength).toBe(4);
    });

    it('a completion that closes the run while a signal is buffered is refused and rescheduled', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      await store.signalWorkflow({ workflowId: 'w1' }, { name: 'late', input: [] });
      await expect(
        store.completeWorkflowTask(t, completion(t, cmd.complete(t, 'done'))),
      ).rejects.toMatchObject({
        code: 'RUN_CONFLICT',
      });
      expect(await types(store, 'w1')).toEqual([
        'WorkflowExecutionStarted',
        'WorkflowTaskScheduled',
        'WorkflowExecutionSignaled',
      ]);
      const t2 = await claimOne(store);
      await store.completeWorkflowTask(t2, completion(t2, cmd.complete(t2, 'done')));
      expect((await store.describeRun('w1'))?.status).toBe('completed');
    });

    it('waitForClose resolves with the closing event', async () => {
      const { store } = ctx();
      const { runId } = await start(store, 'w1');
      const closed = store.waitForClose({ workflowId: 'w1', runId });
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t, cmd.complete(t, { total: 3 })));
      expect(await closed).toMatchObject({
        eventType: 'WorkflowExecutionCompleted',
        result: { total: 3 },
        eventId: 5,
      });
    });

    it('watchClose, begun before the start, resolves with the closing event of the run started after it', async () => {
      const { store } = ctx();
      if (!store.watchClose) throw new Error('this store does not implement watchClose');
      const watch = store.watchClose('w1');
      const { runId } = await start(store, 'w1');
      expect(() => watch.wait({ workflowId: 'w2', runId })).toThrow(/watch is for w1/);
      const closed = watch.wait({ workflowId: 'w1', runId });
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t, cmd.complete(t, { total: 3 })));
      expect(await closed).toMatchObject({ eventType: 'WorkflowExecutionCompleted', result: { total: 3 } });
    });

    it('watchClose is not fooled by the close of an earlier run of the same id', async () => {
      const { store } = ctx();
      if (!store.watchClose) throw new Error('this store does not implement watchClose');
      const first = await start(store, 'w1');
      const watch = store.watchClose('w1');
      await store.terminateWorkflow({ workflowId: 'w1', runId: first.runId }, 'replaced');
      const second = await start(store, 'w1');
      expect(second.runId).not.toBe(first.runId);
      let settled = false;
      const closed = watch.wait({ workflowId: 'w1', runId: second.runId }).finally(() => {
        settled = true;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(settled).toBe(false);
      const t = await claimOne(store);
      expect(t.runId).toBe(second.runId);
      await store.completeWorkflowTask(t, completion(t, cmd.complete(t, 'second')));
      expect(await closed).toMatchObject({ eventType: 'WorkflowExecutionCompleted', result: 'second' });
    });

    it('waitForWork wakes on a new task, and times out otherwise', async () => {
      const { store } = ctx();
      const t0 = Date.now();
      await store.waitForWork('wf', 50);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
      const woke = store.waitForWork('wf', 10_000);
      await start(store, 'w1');
      const t1 = Date.now();
      await woke;
      expect(Date.now() - t1).toBeLessThan(5000);
    });
  });
}
