/**
 * Faults beyond a crash: two workers racing for the same tasks, a paused worker whose lease expired
 * waking up, and Postgres connections killed mid-transaction. Each ends with the same invariants as
 * the crash tests.
 *
 * Not covered here: restarting Postgres while runs are in flight. The test database is a shared
 * cluster on this machine; restarting it from a test would break every other test using it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PgDriver } from '../../packages/history-store/src/postgres/index.ts';
import { openStore } from '../../packages/history-store/src/postgres/open.ts';
import { silentLogger, Worker } from '../../packages/runtime/src/index.ts';
import { DATABASE_URL, requirePostgres } from '../store/support.ts';
import * as activities from './fixtures/crash-activities.ts';
import {
  checkInvariants,
  cleanup,
  finishRuns,
  freshPlace,
  killAll,
  Reports,
  spawnWorker,
  startRuns,
  stop,
  TASK_QUEUE,
  WORKFLOWS,
} from './harness.ts';

afterEach(killAll);

const startedBy = (h: Map<string, { eventType: string; identity?: string }[]>, who: string) =>
  [...h.values()].flat().filter((e) => e.eventType === 'WorkflowTaskStarted' && e.identity === who).length;

describe('faults on Postgres', () => {
  it('two worker processes race for the same tasks: each task is done once', async () => {
    await requirePostgres();
    const place = freshPlace('postgres');
    try {
      const ids = await startRuns(place, 8);
      const reports = new Reports();
      const [a, b] = await Promise.all([spawnWorker('A', place, reports), spawnWorker('B', place, reports)]);
      await Promise.all([finishRuns(a, ids.slice(0, 4)), finishRuns(b, ids.slice(4))]);
      await Promise.all([stop(a), stop(b)]);
      const { problems, histories } = await checkInvariants(place, ids);
      expect(problems).toEqual([]);
      expect(startedBy(histories, 'worker-A') + startedBy(histories, 'worker-B')).toBeGreaterThan(0);
    } finally {
      await cleanup(place);
    }
  }, 90_000);

  it('a paused worker whose lease expired wakes up: its completion is rejected', async () => {
    await requirePostgres();
    const place = freshPlace('postgres');
    try {
      const ids = await startRuns(place, 1);
      const reports = new Reports();
      const a = await spawnWorker('A', place, reports, {
        slow: { activityType: 'step', workflowId: 'r-1', attempt: 1, ms: 1500 },
      });
      await a.next(
        (m): m is Extract<typeof m, { type: 'activity' }> => m.type === 'activity' && m.phase === 'start',
        'activity start',
      );
      a.kill('SIGSTOP');
      const b = await spawnWorker('B', place, reports);
      await finishRuns(b, ids);
      a.kill('SIGCONT');
      await a.next(
        (m): m is Extract<typeof m, { type: 'log' }> =>
          m.type === 'log' && /lease lost|leaseLost/.test(JSON.stringify(m)),
        'lease-lost log',
        15_000,
      );
      await Promise.all([stop(a), stop(b)]);
      const { problems, histories } = await checkInvariants(place, ids);
      expect(problems).toEqual([]);
      const first = histories.get('r-1')!.find((e) => e.eventType === 'ActivityTaskStarted');
      expect(first).toMatchObject({ identity: 'worker-B', attempt: 2 });
    } finally {
      await cleanup(place);
    }
  }, 90_000);

  it('connections killed mid-transaction (pg_terminate_backend): runs still complete exactly once', async () => {
    await requirePostgres();
    const app = `reprise_fault_${process.pid}`;
    const place = freshPlace('postgres', app);
    const killer = new PgDriver({ connectionString: DATABASE_URL, max: 1 });
    let killed = 0;
    let killing = true;
    try {
      const ids = await startRuns(place, 6);
      const reports = new Reports();
      const [a, b] = await Promise.all([spawnWorker('A', place, reports), spawnWorker('B', place, reports)]);
      const loop = (async () => {
        while (killing) {
          await killer.withClient(async (c) => {
            const { rows } = await c.query(
              'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
              [app],
            );
            killed += Number(rows[0]?.n ?? 0);
          });
          await new Promise((r) => setTimeout(r, 150));
        }
      })();
      const stopKilling = setTimeout(() => {
        killing = false;
      }, 4000);
      await Promise.all([finishRuns(a, ids.slice(0, 3)), finishRuns(b, ids.slice(3))]);
      killing = false;
      clearTimeout(stopKilling);
      await loop;
      await Promise.all([stop(a), stop(b)]);
      expect(killed).toBeGreaterThan(0);
      const { problems } = await checkInvariants(place, ids);
      expect(problems).toEqual([]);
    } finally {
      killing = false;
      await killer.close();
      await cleanup(place);
    }
  }, 90_000);
});

describe('faults on PGlite', () => {
  it('two workers in one process race for the same tasks on one embedded store', async () => {
    const place = freshPlace('pglite');
    try {
      const ids = await startRuns(place, 6);
      const store = await openStore(place);
      const workers = await Promise.all(
        ['A', 'B'].map((n) =>
          Worker.create({
            store,
            workflowsPath: WORKFLOWS,
            activities,
            taskQueue: TASK_QUEUE,
            identity: `worker-${n}`,
            isolation: 'inline',
            pollIntervalMs: 50,
            logger: silentLogger,
          }),
        ),
      );
      const running = workers.map((w) => w.run());
      for (const id of ids) await store.signalWorkflow({ workflowId: id }, { name: 'go', input: [2] });
      for (const id of ids) {
        const info = await store.describeRun(id);
        if (info) await store.waitForClose({ workflowId: id, runId: info.runId });
      }
      await Promise.all(workers.map((w) => w.shutdown()));
      await Promise.all(running);
      await store.close();
      const { problems } = await checkInvariants(place, ids);
      expect(problems).toEqual([]);
    } finally {
      await cleanup(place);
    }
  }, 90_000);
});
