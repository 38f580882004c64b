/**
 * The fold (worker/fold.ts): an activity's outcome and the workflow task it schedules in one store
 * transaction. Histories must be exactly those of the unfolded path; a task that has to call the store
 * detaches from the transaction; a retried transaction abandons the first attempt's processing and
 * the run replays.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  type HistoryEvent,
  type HistoryStore,
} from '../../packages/history-store/src/index.ts';
import { Client, silentLogger, Worker } from '../../packages/runtime/src/index.ts';

const WORKFLOWS = join(import.meta.dirname, 'fixtures/fold-workflows.ts');
const activities = { double: async (n: number) => n * 2 };

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.shutdown()));
  workers = [];
});

async function startWorker(store: HistoryStore, foldBelowInFlight?: number) {
  const worker = await Worker.create({
    workflowsPath: WORKFLOWS,
    activities,
    taskQueue: 'fold',
    store,
    isolation: 'inline',
    pollIntervalMs: 50,
    logger: silentLogger,
    ...(foldBelowInFlight !== undefined && { foldBelowInFlight }),
  });
  workers.push(worker);
  void worker.run();
  return worker;
}

/** Event types and the fields that must not depend on how the events were committed. */
const shape = (h: HistoryEvent[]) =>
  h.map((e) => ({
    id: e.eventId,
    type: e.eventType,
    ...('scheduledEventId' in e && { scheduledEventId: e.scheduledEventId }),
    ...('startedEventId' in e && { startedEventId: e.startedEventId }),
  }));

describe('fold', () => {
  it('records exactly the history of the unfolded path, with one commit per step', async () => {
    const folded = createMemoryStore();
    const plain = createMemoryStore();
    const fw = await startWorker(folded);
    await startWorker(plain, 0);
    const a = new Client({ store: folded });
    const b = new Client({ store: plain });
    expect(await a.execute('chainWorkflow', { workflowId: 'c1', taskQueue: 'fold', args: [1] })).toBe(8);
    expect(await b.execute('chainWorkflow', { workflowId: 'c1', taskQueue: 'fold', args: [1] })).toBe(8);
    // The worker counts a fold once the store call returns, which can be just after the result.
    while (fw.stats.foldedWorkflowTasks < 4) await new Promise((r) => setTimeout(r, 5));
    // The first task folds into the start, each later one into its activity's outcome.
    expect(fw.stats.foldedWorkflowTasks).toBe(4);
    expect(fw.stats.eagerStarts).toBe(1);
    expect(workers[1]!.stats.foldedWorkflowTasks).toBe(0);
    const h = await a.getHandle('c1').fetchHistory();
    expect(shape(h)).toEqual(shape(await b.getHandle('c1').fetchHistory()));
    expect(h.map((e) => e.eventId)).toEqual(h.map((_, i) => i + 1));
  });

  it('a folded task that fails detaches: the outcome commits, then the task failure is reported', async () => {
    const store = createMemoryStore();
    const worker = await startWorker(store);
    const client = new Client({ store });
    await client.start('brokenAfterActivityWorkflow', { workflowId: 'b1', taskQueue: 'fold', args: [2] });
    for (;;) {
      if ((await client.getHandle('b1').describe()).blocked) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const h = await client.getHandle('b1').fetchHistory();
    expect(h.map((e) => e.eventType).slice(-3)).toEqual([
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
      'WorkflowTaskScheduled',
    ]);
    expect(worker.stats.workflowTasksFailed).toBeGreaterThanOrEqual(1);
    // Only the first task (folded into the start) completed in a fold; the broken one detached.
    expect(worker.stats.foldedWorkflowTasks).toBe(1);
  });

  it('a retried transaction abandons the first attempt; the task reruns from history and the run completes', async () => {
    const inner = createMemoryStore();
    let retried = 0;
    // Replays what a backend retry does: the callback runs for an attempt whose transaction then
    // rolls back, and again for the attempt that commits.
    const fold: HistoryStore['completeActivityTaskAndRun'] = (task, outcome, claim, run) =>
      inner.completeActivityTaskAndRun!(task, outcome, claim, async (wt) => {
        if (retried === 0) {
          retried++;
          await run(structuredClone(wt));
        }
        return run(wt);
      });
    const store = new Proxy(inner, {
      get: (target, prop) => {
        if (prop === 'completeActivityTaskAndRun') return fold;
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const worker = await startWorker(store);
    const client = new Client({ store });
    expect(await client.execute('chainWorkflow', { workflowId: 'r1', taskQueue: 'fold', args: [3] })).toBe(
      24,
    );
    expect(retried).toBe(1);
    // The abandoned attempt folded nothing; the start and the two later steps folded as usual.
    while (worker.stats.foldedWorkflowTasks < 3) await new Promise((r) => setTimeout(r, 5));
    expect(worker.stats.foldedWorkflowTasks).toBe(3);
    const h = await client.getHandle('r1').fetchHistory();
    expect(h.map((e) => e.eventId)).toEqual(h.map((_, i) => i + 1));
    expect(h.filter((e) => e.eventType === 'ActivityTaskCompleted')).toHaveLength(3);
  });
});
