/**
 * The store's fast paths on memory, PGlite and Postgres: eager dispatch (a completion hands the
 * caller the work it just made) and group commit (concurrent operations sharing transactions, with
 * one failing operation isolated from its neighbours).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimOne,
  cmd,
  completion,
  ManualClock,
} from '../../packages/history-store/src/conformance/index.ts';
import { createMemoryStore } from '../../packages/history-store/src/memory/index.ts';
import {
  createPostgresStore,
  PgDriver,
  PgliteDriver,
} from '../../packages/history-store/src/postgres/index.ts';
import type { HistoryStore, WorkflowTask } from '../../packages/history-store/src/store/types.ts';
import { DATABASE_URL, dropSchema, freshSchema, requirePostgres, unclosable } from './support.ts';

let pglite: PgliteDriver;
beforeAll(async () => {
  await requirePostgres();
  pglite = await PgliteDriver.open(undefined);
});
afterAll(() => pglite.close());

const kinds: [string, (clock: ManualClock) => Promise<{ store: HistoryStore; done: () => Promise<void> }>][] =
  [
    ['memory', async (clock) => ({ store: createMemoryStore({ clock }), done: async () => undefined })],
    [
      'pglite',
      async (clock) => ({
        store: createPostgresStore({ driver: unclosable(pglite), schema: freshSchema('hot'), clock }),
        done: async () => undefined,
      }),
    ],
    [
      'postgres',
      async (clock) => {
        const schema = freshSchema('hot');
        const driver = new PgDriver({ connectionString: DATABASE_URL, max: 8 });
        return { store: createPostgresStore({ driver, schema, clock }), done: () => dropSchema(schema) };
      },
    ],
  ];

async function withStore(make: (typeof kinds)[number][1], fn: (s: HistoryStore) => Promise<void>) {
  const { store, done } = await make(new ManualClock());
  await store.init();
  try {
    await fn(store);
  } finally {
    await store.close();
    await done();
  }
}

const ids = (events: { eventId: number }[]) => events.map((e) => e.eventId);

describe.each(kinds)('store hot paths: %s', (_name, make) => {
  it("fold on start: the run, its first workflow task and that task's completion commit together", () =>
    withStore(make, async (store) => {
      const acts = { owner: 'w', leaseMs: 10_000, max: 5, taskQueues: ['acts'] };
      const claim = { owner: 'w', leaseMs: 10_000, taskQueue: 'wf' };
      const r = await store.startWorkflowAndRun!(
        { workflowId: 'fs1', workflowType: 'order', taskQueue: 'wf', input: [] },
        claim,
        async (wt) => ({ completion: completion(wt, cmd.activity(wt, 'a1')), activities: acts }),
      );
      expect(r.started).toBe(true);
      expect(r.completed?.activityTasks.map((a) => a.activityId)).toEqual(['a1']);
      expect((await store.readHistory('fs1')).map((e) => e.eventType)).toEqual([
        'WorkflowExecutionStarted',
        'WorkflowTaskScheduled',
        'WorkflowTaskStarted',
        'WorkflowTaskCompleted',
        'ActivityTaskScheduled',
      ]);
      // Declined: the run starts with its first task leased to the claimer and uncompleted.
      const d = await store.startWorkflowAndRun!(
        { workflowId: 'fs2', workflowType: 'order', taskQueue: 'wf', input: [] },
        claim,
        async () => undefined,
      );
      expect(d.completed).toBeUndefined();
      expect(d.workflowTask?.lease.owner).toBe('w');
      expect(await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'x', leaseMs: 1000 })).toEqual([]);
    }));

  it('fold: an activity outcome and the workflow task it schedules commit in one transaction', () =>
    withStore(make, async (store) => {
      const acts = { owner: 'w', leaseMs: 10_000, max: 5, taskQueues: ['acts'] };
      const claim = { owner: 'w', leaseMs: 10_000, taskQueue: 'wf' };
      await store.startWorkflow({ workflowId: 'f1', workflowType: 'order', taskQueue: 'wf', input: [] });
      const t = await claimOne(store);
      const [a1] = await store.completeWorkflowTaskAndClaim!(t, completion(t, cmd.activity(t, 'a1')), acts);
      const seen: WorkflowTask[] = [];
      const r = await store.completeActivityTaskAndRun!(
        a1!,
        { status: 'completed', result: 1 },
        claim,
        async (wt) => {
          seen.push(wt);
          return { completion: completion(wt, cmd.activity(wt, 'a2')), activities: acts };
        },
      );
      expect(seen).toHaveLength(1);
      expect(seen[0]!.history.slice(-3).map((e) => e.eventType)).toEqual([
        'ActivityTaskStarted',
        'ActivityTaskCompleted',
        'WorkflowTaskScheduled',
      ]);
      expect(r.recorded).toBe(true);
      expect(r.completed?.activityTasks.map((a) => a.activityId)).toEqual(['a2']);
      const h = await store.readHistory('f1');
      expect(ids(h)).toEqual(h.map((_, i) => i + 1));
      expect(h.slice(-6).map((e) => e.eventType)).toEqual([
        'ActivityTaskStarted',
        'ActivityTaskCompleted',
        'WorkflowTaskScheduled',
        'WorkflowTaskStarted',
        'WorkflowTaskCompleted',
        'ActivityTaskScheduled',
      ]);
      expect(await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'x', leaseMs: 1000 })).toEqual([]);

      // `run` declines: the outcome commits and the workflow task comes back leased, uncompleted.
      const a2 = r.completed!.activityTasks[0]!;
      const r2 = await store.completeActivityTaskAndRun!(
        a2,
        { status: 'completed', result: 2 },
        claim,
        async () => undefined,
      );
      expect(r2.completed).toBeUndefined();
      const wt2 = r2.workflowTask as WorkflowTask;
      expect(wt2.lease.owner).toBe('w');
      await store.completeWorkflowTask(wt2, completion(wt2, cmd.activity(wt2, 'a3')));
      const [a3] = await store.claimActivityTasks({ taskQueue: 'acts', owner: 'w', leaseMs: 10_000 });

      // `run` throws: nothing of the transaction remains; the activity is still ours to report.
      const before = ids(await store.readHistory('f1'));
      await expect(
        store.completeActivityTaskAndRun!(a3!, { status: 'completed', result: 3 }, claim, async () => {
          throw new Error('sandbox gone');
        }),
      ).rejects.toThrow('sandbox gone');
      expect(ids(await store.readHistory('f1'))).toEqual(before);
      const plain = await store.completeActivityTaskAndClaim!(a3!, { status: 'completed', result: 3 }, claim);
      const wt3 = plain.workflowTask as WorkflowTask;
      await store.completeWorkflowTask(wt3, completion(wt3, cmd.complete(wt3, 'done')));
      expect((await store.describeRun('f1'))?.status).toBe('completed');
    }));

  it('eager start: the start transaction leases the first workflow task with its history, and wakes no poller', () =>
    withStore(make, async (store) => {
      const ac = new AbortController();
      let woke = false;
      void store.waitForWork('wf', 60_000, ac.signal).then(() => {
        if (!ac.signal.aborted) woke = true;
      });
      const res = await store.startWorkflow({
        workflowId: 's1',
        workflowType: 'order',
        taskQueue: 'wf',
        input: [1],
        eagerWorkflowTask: { owner: 'eager-worker', leaseMs: 10_000, taskQueue: 'wf' },
      });
      await Promise.resolve();
      expect(woke).toBe(false);
      ac.abort();
      const t = res.workflowTask as WorkflowTask;
      expect(t.lease.owner).toBe('eager-worker');
      expect(ids(t.history)).toEqual(ids(await store.readHistory('s1')));
      expect(t.history.map((e) => e.eventType)).toEqual([
        'WorkflowExecutionStarted',
        'WorkflowTaskScheduled',
      ]);
      expect(await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'x', leaseMs: 1000 })).toEqual([]);
      await store.completeWorkflowTask(t, completion(t, cmd.complete(t, 'done')));
      expect((await store.describeRun('s1'))?.status).toBe('completed');

      // Another queue gets no task: the run waits for a claim on its own queue.
      const other = await store.startWorkflow({
        workflowId: 's2',
        workflowType: 'order',
        taskQueue: 'wf',
        input: [],
        eagerWorkflowTask: { owner: 'eager-worker', leaseMs: 10_000, taskQueue: 'elsewhere' },
      });
      expect(other.workflowTask).toBeUndefined();
      expect(await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'x', leaseMs: 1000 })).toHaveLength(1);
    }));

  it('work a transaction leases itself wakes no poller; work it leaves claimable does', () =>
    withStore(make, async (store) => {
      const watch = (queue: string) => {
        const ac = new AbortController();
        const state = { woke: false, stop: () => ac.abort() };
        void store.waitForWork(queue, 60_000, ac.signal).then(() => {
          if (!ac.signal.aborted) state.woke = true;
        });
        return state;
      };
      await store.startWorkflow({ workflowId: 'n1', workflowType: 'order', taskQueue: 'wf', input: [] });
      const t = await claimOne(store);
      const all = watch('acts');
      const acts = await store.completeWorkflowTaskAndClaim!(t, completion(t, cmd.activity(t, 'a1')), {
        owner: 'eager-worker',
        leaseMs: 10_000,
        max: 5,
        taskQueues: ['acts'],
      });
      await Promise.resolve();
      expect(acts.map((a) => a.activityId)).toEqual(['a1']);
      expect(all.woke).toBe(false);
      all.stop();

      // The run's next workflow task is handed to the activity's completer: the workflow queue stays quiet.
      const wf = watch('wf');
      const r = await store.completeActivityTaskAndClaim!(
        acts[0]!,
        { status: 'completed', result: 1 },
        { owner: 'eager-worker', leaseMs: 10_000, taskQueue: 'wf' },
      );
      await Promise.resolve();
      const next = r.workflowTask as WorkflowTask;
      expect(next.workflowId).toBe('n1');
      expect(wf.woke).toBe(false);
      wf.stop();

      // Two scheduled, one leased: the other is claimable, so the queue is woken.
      const some = watch('acts');
      await store.completeWorkflowTaskAndClaim!(
        next,
        completion(next, cmd.activity(next, 'a2'), cmd.activity(next, 'a3')),
        { owner: 'eager-worker', leaseMs: 10_000, max: 1, taskQueues: ['acts'] },
      );
      await Promise.resolve();
      expect(some.woke).toBe(true);
    }));

  it('eager dispatch: a workflow task completion leases the activities it scheduled on the caller queues', () =>
    withStore(make, async (store) => {
      await store.startWorkflow({ workflowId: 'e1', workflowType: 'order', taskQueue: 'wf', input: [] });
      const t = await claimOne(store);
      const acts = await store.completeWorkflowTaskAndClaim!(
        t,
        completion(
          t,
          cmd.activity(t, 'a1'),
          cmd.activity(t, 'a2'),
          cmd.activity(t, 'a3', { taskQueue: 'other' }),
        ),
        { owner: 'eager-worker', leaseMs: 10_000, max: 1, taskQueues: ['acts'] },
      );
      expect(acts.map((a) => a.activityId)).toEqual(['a1']);
      expect(acts[0]!.lease.owner).toBe('eager-worker');
      // Not handed out twice: a1 is leased; a2 (over max) and a3 (other queue) stay claimable.
      const rest = await store.claimActivityTasks({ taskQueue: 'acts', owner: 'x', leaseMs: 1000, max: 5 });
      expect(rest.map((a) => a.activityId)).toEqual(['a2']);
      expect(await store.claimActivityTasks({ taskQueue: 'other', owner: 'x', leaseMs: 1000 })).toHaveLength(
        1,
      );

      // Eager workflow task: completing a1 hands over the run's next workflow task with its history.
      const r = await store.completeActivityTaskAndClaim!(
        acts[0]!,
        { status: 'completed', result: 1 },
        {
          taskQueue: 'wf',
          owner: 'eager-worker',
          leaseMs: 10_000,
        },
      );
      expect(r.recorded).toBe(true);
      const wt = r.workflowTask as WorkflowTask;
      expect(wt.lease.owner).toBe('eager-worker');
      expect(ids(wt.history)).toEqual(ids(await store.readHistory('e1')));
      expect(wt.history.at(-1)?.eventType).toBe('WorkflowTaskScheduled');
      expect(await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'x', leaseMs: 1000 })).toEqual([]);
      await store.completeWorkflowTask(wt, completion(wt, cmd.complete(wt, 'done')));
      expect((await store.describeRun('e1'))?.status).toBe('completed');
    }));

  it('eager workflow task: known history trims it; another queue or a leased task gets none', () =>
    withStore(make, async (store) => {
      await store.startWorkflow({ workflowId: 'e2', workflowType: 'order', taskQueue: 'wf', input: [] });
      const t = await claimOne(store);
      const [a1, a2] = await store.completeWorkflowTaskAndClaim!(
        t,
        completion(t, cmd.activity(t, 'a1'), cmd.activity(t, 'a2')),
        { owner: 'w', leaseMs: 10_000, max: 2, taskQueues: ['acts'] },
      );
      const other = await store.completeActivityTaskAndClaim!(
        a1!,
        { status: 'completed', result: 1 },
        {
          taskQueue: 'not-wf',
          owner: 'w',
          leaseMs: 10_000,
        },
      );
      expect(other).toEqual({ recorded: true });
      const [wt] = await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'w', leaseMs: 10_000 });
      // The workflow task is leased now: a2's result is buffered and no second task is handed out.
      const r2 = await store.completeActivityTaskAndClaim!(
        a2!,
        { status: 'completed', result: 2 },
        {
          taskQueue: 'wf',
          owner: 'w',
          leaseMs: 10_000,
        },
      );
      expect(r2).toEqual({ recorded: true });
      await store.completeWorkflowTask(wt!, completion(wt!));
      const known = (await store.readHistory('e2')).length;
      const h = await store.readHistory('e2');
      expect(h.at(-1)?.eventType).toBe('WorkflowTaskScheduled');
      const [again] = await store.claimWorkflowTasks({
        taskQueue: 'wf',
        owner: 'w',
        leaseMs: 10_000,
        knownHistory: new Map([[wt!.runId, known - 3]]),
      });
      expect(again!.historyFrom).toBe(known - 2);
      expect(ids(again!.history)).toEqual([known - 2, known - 1, known]);
    }));

  it('group commit: many concurrent operations all commit; a stale one fails alone', () =>
    withStore(make, async (store) => {
      const n = 30;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          store.startWorkflow({ workflowId: `g${i}`, workflowType: 'order', taskQueue: 'wf', input: [i] }),
        ),
      );
      const tasks = await store.claimWorkflowTasks({ taskQueue: 'wf', owner: 'w', leaseMs: 10_000, max: n });
      expect(tasks).toHaveLength(n);
      const stale = { ...tasks[0]!, lease: { ...tasks[0]!.lease, token: 'not-the-token' } };
      const results = await Promise.allSettled([
        store.completeWorkflowTask(stale, completion(stale, cmd.complete(stale, 'x'))),
        ...tasks.map((t) => store.completeWorkflowTask(t, completion(t, cmd.complete(t, t.workflowId)))),
      ]);
      expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'STALE_LEASE' } });
      expect(results.slice(1).every((r) => r.status === 'fulfilled')).toBe(true);
      for (let i = 0; i < n; i++) {
        const h = await store.readHistory(`g${i}`);
        expect(ids(h)).toEqual([1, 2, 3, 4, 5]);
        expect(h.at(-1)).toMatchObject({ eventType: 'WorkflowExecutionCompleted', result: `g${i}` });
      }
    }));
});

/** Runs `fn` on a fresh Postgres store that counts its transactions. */
async function withCountingStore(
  fn: (store: HistoryStore, counter: { transactions: number }, schema: string) => Promise<void>,
): Promise<void> {
  const schema = freshSchema('close');
  const inner = new PgDriver({ connectionString: DATABASE_URL, max: 4 });
  const counter = { transactions: 0 };
  const driver = {
    kind: inner.kind,
    withClient: <T>(fn: Parameters<PgDriver['withClient']>[0]) => {
      counter.transactions++;
      return inner.withClient(fn) as Promise<T>;
    },
    listen: inner.listen.bind(inner),
    close: () => inner.close(),
  } as unknown as PgDriver;
  const store = createPostgresStore({ driver, schema, clock: new ManualClock() });
  await store.init();
  try {
    await fn(store, counter, schema);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
}

const startW1 = (store: HistoryStore) =>
  store.startWorkflow({ workflowId: 'w1', workflowType: 'order', taskQueue: 'wf', input: [] });

/** Closes w1 through `t` and checks `closed` got the closing event with no transaction of its own. */
async function closeUnread(
  store: HistoryStore,
  counter: { transactions: number },
  t: WorkflowTask,
  closed: Promise<unknown>,
): Promise<void> {
  const before = counter.transactions;
  await store.completeWorkflowTask(t, completion(t, cmd.complete(t, 'done')));
  const event = await closed;
  expect(counter.transactions).toBe(before + 1);
  expect(event).toEqual((await store.readHistory('w1')).at(-1));
}

describe('waitForClose in the closing process', () => {
  it('gets the closing event with the wake-up, with no read of its own', () =>
    withCountingStore(async (store, counter) => {
      const { runId } = await startW1(store);
      const t = await claimOne(store);
      const start = counter.transactions;
      const closed = store.waitForClose({ workflowId: 'w1', runId });
      // The waiter's first look (one transaction) has begun; whatever it sees, it reads nothing more.
      while (counter.transactions === start) await new Promise((r) => setTimeout(r, 1));
      await closeUnread(store, counter, t, closed);
    }));
});

describe('watchClose (Client.execute)', () => {
  it('a run closed in this process: the wait reads nothing at all', () =>
    withCountingStore(async (store, counter) => {
      const watch = store.watchClose!('w1');
      const { runId } = await startW1(store);
      const t = await claimOne(store);
      await closeUnread(store, counter, t, watch.wait({ workflowId: 'w1', runId }));
    }));

  it('a run closed by another process: the wait wakes on its notification and reads the close', () =>
    withCountingStore(async (store, _counter, schema) => {
      const other = createPostgresStore({
        driver: new PgDriver({ connectionString: DATABASE_URL, max: 2 }),
        schema,
        clock: new ManualClock(),
      });
      await other.init();
      try {
        const watch = store.watchClose!('w1');
        const { runId } = await startW1(other);
        const closed = watch.wait({ workflowId: 'w1', runId });
        const t = await claimOne(other);
        await other.completeWorkflowTask(t, completion(t, cmd.complete(t, 'elsewhere')));
        expect(await closed).toMatchObject({ eventType: 'WorkflowExecutionCompleted', result: 'elsewhere' });
      } finally {
        await other.close();
      }
    }));
});

describe("prepared statements lost behind the store's back", () => {
  it('a connection that no longer holds them (a pooler switched sessions) re-prepares and the operation succeeds', async () => {
    const schema = freshSchema('prep');
    const driver = new PgDriver({ connectionString: DATABASE_URL, max: 1 });
    const store = createPostgresStore({ driver, schema, clock: new ManualClock() });
    await store.init();
    try {
      await store.startWorkflow({ workflowId: 'a', workflowType: 't', taskQueue: 'wf', input: [] });
      // What a transaction-mode pooler does: the next transaction runs on a session without them.
      await driver.withClient((c) => c.query('DEALLOCATE ALL'));
      await store.startWorkflow({ workflowId: 'b', workflowType: 't', taskQueue: 'wf', input: [] });
      expect((await store.describeRun('b'))?.status).toBe('running');
      expect(await store.readHistory('a')).toHaveLength(2);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });
});
