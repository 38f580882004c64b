import { describe, expect, it } from 'vitest';
import type { HistoryStore, WorkflowTask } from '../store/types.ts';
import type { ConformanceContext } from './context.ts';
import { claimOne, cmd, completedId, completion, start, types } from './helpers.ts';

/** Claims until a task shows up (queries and updates are queued by a waiting client call). */
async function claimSoon(store: HistoryStore): Promise<WorkflowTask> {
  for (let i = 0; i < 200; i++) {
    const [t] = await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'w', leaseMs: 10_000 });
    if (t) return t;
    await store.waitForWork('wf', 20);
  }
  throw new Error('no workflow task appeared');
}

/** Queries, updates and retention. */
export function requestCases(ctx: () => ConformanceContext): void {
  describe('queries and updates', () => {
    it('a query on an idle run gets a query-only task and leaves the history unchanged', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t));
      const answer = store.query({ workflowId: 'w1' }, 'status', ['x']);
      const q = await claimSoon(store);
      expect(q.queryOnly).toBe(true);
      expect(q.scheduledEventId).toBe(0);
      expect(q.queries).toEqual([{ queryId: expect.any(String), name: 'status', args: ['x'] }]);
      await store.completeWorkflowTask(q, {
        events: [],
        queryResults: [{ queryId: q.queries[0]!.queryId, result: 'ok' }],
        buildId: 'b',
      });
      expect(await answer).toBe('ok');
      expect((await store.describeRun('w1'))?.historyLength).toBe(4);
    });

    it('a query rides along with a pending workflow task; a failed answer rejects', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      const answer = store.query({ workflowId: 'w1' }, 'status', []);
      const t = await claimSoon(store);
      expect(t.queryOnly).toBeUndefined();
      const failure = { message: 'no handler', source: 'ApplicationFailure' as const };
      await store.completeWorkflowTask(t, {
        ...completion(t),
        queryResults: [{ queryId: t.queries[0]!.queryId, failure }],
      });
      await expect(answer).rejects.toMatchObject({ code: 'QUERY_FAILED', failure });
    });

    it('an update is accepted and completed through history', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t));
      const result = store.update({ workflowId: 'w1' }, 'u1', 'setQty', [3]);
      const u = await claimSoon(store);
      expect(u.updates).toEqual([{ updateId: 'u1', name: 'setQty', args: [3] }]);
      await store.completeWorkflowTask(
        u,
        completion(
          u,
          { eventType: 'WorkflowExecutionUpdateAccepted', updateId: 'u1', name: 'setQty', input: [3] },
          {
            eventType: 'WorkflowExecutionUpdateCompleted',
            updateId: 'u1',
            acceptedEventId: completedId(u) + 1,
            result: 'qty=3',
          },
        ),
      );
      expect(await result).toBe('qty=3');
      expect(await store.update({ workflowId: 'w1' }, 'u1', 'setQty', [3])).toBe('qty=3');
      expect(await types(store, 'w1')).toContain('WorkflowExecutionUpdateCompleted');
    });

    it('a rejected update fails and leaves no trace in history', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      const result = store.update({ workflowId: 'w1' }, 'u1', 'setQty', [-1]);
      const u = await claimSoon(store);
      const failure = { message: 'qty must be positive', source: 'ApplicationFailure' as const };
      await store.completeWorkflowTask(u, {
        ...completion(u),
        rejectedUpdates: [{ updateId: 'u1', failure }],
      });
      await expect(result).rejects.toMatchObject({ code: 'UPDATE_FAILED', failure });
      expect(await types(store, 'w1')).not.toContain('WorkflowExecutionUpdateAccepted');
    });

    it('an update on a closed run is refused', async () => {
      const { store } = ctx();
      await start(store, 'w1');
      const t = await claimOne(store);
      await store.completeWorkflowTask(t, completion(t, cmd.complete(t, 1)));
      await expect(store.update({ workflowId: 'w1' }, 'u', 'x', [])).rejects.toMatchObject({
        code: 'RUN_CLOSED',
      });
    });
  });

  describe('retention', () => {
    it('deletes closed runs older than the cut-off in batches, keeping the rest', async () => {
      const { store, clock } = ctx();
      for (let i = 0; i < 5; i++) {
        await start(store, `old${i}`);
        await store.terminateWorkflow({ workflowId: `old${i}` });
      }
      await start(store, 'open');
      clock.advance(10_000);
      const cutoff = clock.now();
      await start(store, 'new');
      await store.terminateWorkflow({ workflowId: 'new' });
      expect(await store.deleteClosedRuns({ closedBefore: cutoff, batchSize: 2 })).toBe(5);
      expect((await store.listRuns()).runs.map((r) => r.workflowId).sort()).toEqual(['new', 'open']);
      await expect(store.readHistory('old0')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
      expect(await store.deleteClosedRuns({ closedBefore: cutoff })).toBe(0);
    });
  });
}
