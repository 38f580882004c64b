import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from './context.ts';
import { claimOne, cmd, completion, start, types } from './helpers.ts';

/** Starting, describing, listing, signalling, cancelling and terminating runs. */
export function runCases(ctx: () => ConformanceContext): void {
  describe('runs', () => {
    it('starts a run with WorkflowExecutionStarted and a scheduled workflow task', async () => {
      const { store, clock } = ctx();
      const { runId, started } = await start(store, 'w1', { runId: 'r1', identity: 'client' });
      expect({ runId, started }).toEqual({ runId: 'r1', started: true });
      const history = await store.readHistory('w1');
      expect(history.map((e) => [e.eventId, e.eventType, e.eventTime])).toEqual([
        [1, 'WorkflowExecutionStarted', clock.now()],
        [2, 'WorkflowTaskScheduled', clock.now()],
      ]);
      const first = history[0]!;
      if (first.eventType !== 'WorkflowExecutionStarted') throw new Error('unreachable');
      expect(first.randomnessSeed).toHaveLength(4);
      expect(first).toMatchObject({
        workflowType: 'order',
        taskQueue: 'wf',
        input: [1],
        firstExecutionRunId: 'r1',
      });
      expect(await store.describeRun('w1')).toMatchObject({
        workflowId: 'w1',
        runId: 'r1',
        status: 'running',
        historyLength: 2,
        startTime: clock.now(),
      });
      expect(await store.describeRun('nope')).toBeUndefined();
    });

    it('rejects a second start of a running workflow id', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      await expect(start(store, 'w1')).rejects.toMatchObject({ code: 'WORKFLOW_ALREADY_STARTED' });
    });

    const reuse = [
      { policy: 'allowDuplicate', close: 'complete', ok: true },
      { policy: 'allowDuplicate', close: 'fail', ok: true },
      { policy: 'allowDuplicateFailedOnly', close: 'complete', ok: false },
      { policy: 'allowDuplicateFailedOnly', close: 'fail', ok: true },
      { policy: 'allowDuplicateFailedOnly', close: 'terminate', ok: true },
      { policy: 'rejectDuplicate', close: 'fail', ok: false },
    ] as const;
    for (const c of reuse) {
      it(`id reuse: ${c.policy} after ${c.close} → ${c.ok ? 'starts' : 'rejects'}`, async () => {
        const { store } = ctx();
        await start(store, 'w1');
        if (c.close === 'terminate') await store.terminateWorkflow({ workflowId: 'w1' });
        else {
          const t = await claimOne(store);
          await store.completeWorkflowTask(
            t,
            completion(t, c.close === 'complete' ? cmd.complete(t, 'ok') : cmd.fail(t, 'boom')),
          );
        }
        const again = start(store, 'w1', { idReusePolicy: c.policy });
        if (c.ok) expect((await again).started).toBe(true);
        else await expect(again).rejects.toMatchObject({ code: 'WORKFLOW_ALREADY_STARTED' });
      });
    }

    it('signal-with-start starts a run with the signal, or signals the running one', async () => {
      const { store } = ctx();
      const signal = { name: 'approve', input: ['yes'] };
      const a = await start(store, 'w1', { signal });
      expect(a.started).toBe(true);
      expect(await types(store, 'w1')).toEqual([
        'WorkflowExecutionStarted',
        'WorkflowTaskScheduled',
        'WorkflowExecutionSignaled',
      ]);
      const b = await start(store, 'w1', { signal });
      expect(b).toEqual({ runId: a.runId, started: false });
      expect((await types(store, 'w1')).filter((t) => t === 'WorkflowExecutionSignaled')).toHaveLength(2);
    });

    it('lists runs by type, status, queue, id, time and blocked, newest first, in pages', async () => {
      const { store, clock } = ctx();
      for (let i = 0; i < 5; i++) {
        await store.startWorkflow({
          workflowId: `w${i}`,
          workflowType: i % 2 ? 'odd' : 'even',
          taskQueue: 'wf',
          input: [],
        });
        clock.advance(1000);
      }
      await store.terminateWorkflow({ workflowId: 'w0' });
      const ids = async (f: Parameters<typeof store.listRuns>[0]) =>
        (await store.listRuns(f)).runs.map((r) => r.workflowId);
      expect(await ids({})).toEqual(['w4', 'w3', 'w2', 'w1', 'w0']);
      expect(await ids({ workflowType: 'odd' })).toEqual(['w3', 'w1']);
      expect(await ids({ status: 'terminated' })).toEqual(['w0']);
      expect(await ids({ status: ['running', 'terminated'], workflowType: 'even' })).toEqual([
        'w4',
        'w2',
        'w0',
      ]);
      expect(await ids({ workflowId: 'w2' })).toEqual(['w2']);
      expect(await ids({ taskQueue: 'other' })).toEqual([]);
      const t0 = clock.now() - 5000;
      expect(await ids({ startedAfter: t0 + 1000, startedBefore: t0 + 3000 })).toEqual(['w2', 'w1']);
      const p1 = await store.listRuns({ limit: 2 });
      expect(p1.runs.map((r) => r.workflowId)).toEqual(['w4', 'w3']);
      const p2 = await store.listRuns({ limit: 2, cursor: p1.nextCursor! });
      expect(p2.runs.map((r) => r.workflowId)).toEqual(['w2', 'w1']);
      const p3 = await store.listRuns({ limit: 2, cursor: p2.nextCursor! });
      expect(p3.runs.map((r) => r.workflowId)).toEqual(['w0']);
      expect(p3.nextCursor).toBeUndefined();
      expect(await ids({ blockedOnly: true })).toEqual([]);
    });

    it('reads history from an event id, of the latest or a given run', async () => {
      const { store } = ctx();
      const r1 = await start(store, 'w1');
      await store.terminateWorkflow({ workflowId: 'w1' });
      const r2 = await start(store, 'w1');
      expect((await store.readHistory('w1', undefined, 2)).map((e) => e.eventId)).toEqual([2]);
      expect(await types(store, 'w1', r1.runId)).toContain('WorkflowExecutionTerminated');
      expect((await store.describeRun('w1'))?.runId).toBe(r2.runId);
      await expect(store.readHistory('missing')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    });

    it('signals: unknown run, closed run, deduplicated request ids', async () => {
      const { store } = ctx();
      await expect(store.signalWorkflow({ workflowId: 'x' }, { name: 's', input: [] })).rejects.toMatchObject(
        {
          code: 'RUN_NOT_FOUND',
        },
      );
      await start(store, 'w1');
      const sig = { name: 's', input: [1], requestId: 'req-1' };
      await store.signalWorkflow({ workflowId: 'w1' }, sig);
      await store.signalWorkflow({ workflowId: 'w1' }, sig);
      expect((await types(store, 'w1')).filter((t) => t === 'WorkflowExecutionSignaled')).toHaveLength(1);
      await store.terminateWorkflow({ workflowId: 'w1' });
      await expect(
        store.signalWorkflow({ workflowId: 'w1' }, { name: 's', input: [] }),
      ).rejects.toMatchObject({
        code: 'RUN_CLOSED',
      });
    });

    it('a cancel request is recorded once and wakes the workflow', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t));
      await store.requestCancelWorkflow({ workflowId: 'w1' }, 'user');
      await store.requestCancelWorkflow({ workflowId: 'w1' }, 'user');
      expect((await types(store, 'w1')).slice(-2)).toEqual([
        'WorkflowExecutionCancelRequested',
        'WorkflowTaskScheduled',
      ]);
    });

    it('terminate closes at once, fences the leased task and resolves waitForClose', async () => {
      const { store } = ctx();
      const { runId } = await start(store, 'w1');
      const t = await claimOne(store);
      const closed = store.waitForClose({ workflowId: 'w1', runId });
      await store.terminateWorkflow({ workflowId: 'w1' }, 'stop');
      expect(await closed).toMatchObject({ eventType: 'WorkflowExecutionTerminated', reason: 'stop' });
      await expect(store.completeWorkflowTask(t, completion(t))).rejects.toMatchObject({
        code: 'STALE_LEASE',
      });
      expect(await store.describeRun('w1')).toMatchObject({ status: 'terminated', historyLength: 3 });
      await expect(store.terminateWorkflow({ workflowId: 'w1' })).rejects.toMatchObject({
        code: 'RUN_CLOSED',
      });
      expect(await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'x', leaseMs: 1000 })).toEqual([]);
    });

    it('run timeout closes the run as timed out', async () => {
      const { store, clock } = ctx();
      await start(store, 'w1', { workflowRunTimeoutMs: 60_000 });
      expect(await store.nextDueTime()).toBe(clock.now() + 60_000);
      expect(await store.processDueTimers()).toBe(0);
      clock.advance(60_000);
      expect(await store.processDueTimers()).toBe(1);
      expect(await store.describeRun('w1')).toMatchObject({ status: 'timedOut' });
      expect((await types(store, 'w1')).at(-1)).toBe('WorkflowExecutionTimedOut');
    });
  });
}
