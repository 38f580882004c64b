import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../events/events.ts';
import type { HistoryStore, WorkflowTask } from '../store/types.ts';
import type { ConformanceContext } from './context.ts';
import { claimOne, cmd, completedId, completion, start, types } from './helpers.ts';

function childCmd(
  t: WorkflowTask,
  workflowId: string,
  policy: 'terminate' | 'requestCancel' | 'abandon',
): NewEvent {
  return {
    eventType: 'StartChildWorkflowExecutionInitiated',
    workflowTaskCompletedEventId: completedId(t),
    workflowId,
    workflowType: 'child',
    taskQueue: 'wf',
    input: ['c'],
    parentClosePolicy: policy,
  };
}

async function claimRun(store: HistoryStore, workflowId: string): Promise<WorkflowTask> {
  const tasks = await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'w', leaseMs: 10_000, max: 20 });
  const mine = tasks.find((t) => t.workflowId === workflowId);
  if (!mine) throw new Error(`no workflow task for ${workflowId}`);
  // Hand the others back untouched by letting them fail fast with an explicit retry time.
  for (const other of tasks) {
    if (other !== mine)
      await store.failWorkflowTask(other, {
        cause: 'Test',
        failure: { message: 'not now', source: 'ServerFailure' },
        retryAt: store.clock.now(),
      });
  }
  return mine;
}

/** Durable timers, child workflows, external signals and cancels, continue-as-new. */
export function timerAndChildCases(ctx: () => ConformanceContext): void {
  describe('timers', () => {
    it('a timer fires at its time through processDueTimers and wakes the workflow', async () => {
      const { store, clock } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t, cmd.timer(t, 't1', 7 * 86_400_000)));
      expect(await store.nextDueTime()).toBe(clock.now() + 7 * 86_400_000);
      clock.advance(7 * 86_400_000 - 1);
      expect(await store.processDueTimers()).toBe(0);
      clock.advance(1);
      expect(await store.processDueTimers()).toBe(1);
      const h = await store.readHistory('w1');
      expect(h.slice(-2).map((e) => e.eventType)).toEqual(['TimerFired', 'WorkflowTaskScheduled']);
      expect(h.at(-2)).toMatchObject({ timerId: 't1', startedEventId: 5 });
      expect(await store.nextDueTime()).toBeUndefined();
    });

    it('a cancelled timer never fires', async () => {
      const { store, clock } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t, cmd.timer(t, 't1', 1000)));
      await store.signalWorkflow({ workflowId: 'w1' }, { name: 's', input: [] });
      const t2 = await claimOne(store);
      await store.completeWorkflowTask(
        t2,
        completion(t2, {
          eventType: 'TimerCanceled',
          timerId: 't1',
          startedEventId: 5,
          workflowTaskCompletedEventId: completedId(t2),
        }),
      );
      clock.advance(2000);
      expect(await store.processDueTimers()).toBe(0);
      expect(await store.nextDueTime()).toBeUndefined();
    });

    it('many due timers are processed in one call, up to max', async () => {
      const { store, clock } = ctx();
      for (let i = 0; i < 5; i++) {
        await start(store, `w${i}`);
        const t = await claimOne(store);
        await store.completeWorkflowTask(t, completion(t, cmd.timer(t, 't', 10)));
      }
      clock.advance(10);
      expect(await store.processDueTimers(3)).toBe(3);
      expect(await store.processDueTimers()).toBe(2);
    });
  });

  describe('children and other runs', () => {
    it('starts a child in the same transaction and reports its result to the parent', async () => {
      const { store } = ctx();
      const parent = await start(store, 'p');
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t, childCmd(t, 'c', 'terminate')));
      expect((await types(store, 'p')).slice(-2)).toEqual([
        'ChildWorkflowExecutionStarted',
        'WorkflowTaskScheduled',
      ]);
      const child = await store.describeRun('c');
      expect(child).toMatchObject({
        status: 'running',
        workflowType: 'child',
        parent: { workflowId: 'p', runId: parent.runId },
      });
      const startedEvent = (await store.readHistory('c'))[0];
      expect(startedEvent).toMatchObject({ parent: { workflowId: 'p' }, parentInitiatedEventId: 5 });
      const ct = await claimRun(store, 'c');
      await store.completeWorkflowTask(ct, completion(ct, cmd.complete(ct, 'child-done')));
      const h = await store.readHistory('p');
      const done = h.find((e) => e.eventType === 'ChildWorkflowExecutionCompleted');
      expect(done).toMatchObject({
        initiatedEventId: 5,
        startedEventId: 6,
        workflowId: 'c',
        result: 'child-done',
      });
    });

    it('a child id that is already running fails the start', async () => {
      const { store } = ctx();
      await start(store, 'c');
      await start(store, 'p');
      const t = await claimRun(store, 'p');
      await store.completeWorkflowTask(t, completion(t, childCmd(t, 'c', 'abandon')));
      expect((await store.readHistory('p')).at(-2)).toMatchObject({
        eventType: 'StartChildWorkflowExecutionFailed',
        cause: 'WorkflowAlreadyExists',
      });
    });

    const policies = [
      { policy: 'terminate', status: 'terminated', last: 'WorkflowExecutionTerminated' },
      { policy: 'requestCancel', status: 'running', last: 'WorkflowExecutionCancelRequested' },
      { policy: 'abandon', status: 'running', last: 'WorkflowTaskScheduled' },
    ] as const;
    for (const c of policies) {
      it(`parent close policy ${c.policy}`, async () => {
        const { store } = ctx();
        await start(store, 'p');
        const t = await claimOne(store);
        await store.completeWorkflowTask(t, completion(t, childCmd(t, 'c', c.policy)));
        const t2 = await claimRun(store, 'p');
        await store.completeWorkflowTask(t2, completion(t2, cmd.complete(t2, 1)));
        expect((await store.describeRun('c'))?.status).toBe(c.status);
        const h = await types(store, 'c');
        expect(h.at(-1)).toBe(c.last);
        expect(h.includes('WorkflowExecutionCancelRequested')).toBe(c.policy === 'requestCancel');
      });
    }

    it('signals and cancels another run, and reports a missing target', async () => {
      const { store } = ctx();
      await start(store, 'target');
      await start(store, 'src');
      const t = await claimRun(store, 'src');
      const base = { workflowTaskCompletedEventId: completedId(t), childWorkflowOnly: false };
      await store.completeWorkflowTask(
        t,
        completion(
          t,
          {
            eventType: 'SignalExternalWorkflowExecutionInitiated',
            ...base,
            workflowId: 'target',
            signalName: 'go',
            input: [1],
          },
          {
            eventType: 'SignalExternalWorkflowExecutionInitiated',
            ...base,
            workflowId: 'ghost',
            signalName: 'go',
            input: [],
          },
          { eventType: 'RequestCancelExternalWorkflowExecutionInitiated', ...base, workflowId: 'target' },
        ),
      );
      expect((await types(store, 'src')).slice(-4)).toEqual([
        'ExternalWorkflowExecutionSignaled',
        'SignalExternalWorkflowExecutionFailed',
        'ExternalWorkflowExecutionCancelRequested',
        'WorkflowTaskScheduled',
      ]);
      expect((await types(store, 'target')).slice(-2)).toEqual([
        'WorkflowExecutionSignaled',
        'WorkflowExecutionCancelRequested',
      ]);
    });

    it('continue-as-new closes the run and starts the next one with the same id', async () => {
      const { store } = ctx();
      const first = await start(store, 'w1');
      const t = await claimOne(store);
      await store.completeWorkflowTask(
        t,
        completion(t, {
          eventType: 'WorkflowExecutionContinuedAsNew',
          workflowTaskCompletedEventId: completedId(t),
          newRunId: 'run-2',
          workflowType: 'order',
          taskQueue: 'wf',
          input: [2],
        }),
      );
      expect((await store.describeRun('w1', first.runId))?.status).toBe('continuedAsNew');
      expect(await store.describeRun('w1')).toMatchObject({ runId: 'run-2', status: 'running' });
      expect((await store.readHistory('w1'))[0]).toMatchObject({
        input: [2],
        continuedFromRunId: first.runId,
        firstExecutionRunId: first.runId,
      });
      const next = await claimOne(store);
      expect(next.runId).toBe('run-2');
    });
  });
}
