/**
 * Crash recovery with real processes, on PGlite and on Postgres: a worker is killed with SIGKILL in
 * the middle of an activity, in the middle of a workflow task (completion computed, not written), and
 * between the two (completion written, its activity not started). A second worker finishes the runs;
 * the invariants must hold.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { requirePostgres } from '../store/support.ts';
import {
  checkInvariants,
  cleanup,
  finishRuns,
  freshPlace,
  killAll,
  type Place,
  Reports,
  spawnWorker,
  startRuns,
  stop,
} from './harness.ts';

type Fault =
  | { kind: 'mid-activity' }
  | { kind: 'mid-workflow-task'; point: 'workflowTask:beforeComplete'; nth: number }
  | { kind: 'between'; point: 'workflowTask:afterComplete'; nth: number };

const FAULTS: Fault[] = [
  { kind: 'mid-activity' },
  { kind: 'mid-workflow-task', point: 'workflowTask:beforeComplete', nth: 3 },
  { kind: 'between', point: 'workflowTask:afterComplete', nth: 2 },
];

async function crashAndRecover(place: Place, fault: Fault): Promise<void> {
  const ids = await startRuns(place, 3);
  const reports = new Reports();
  const a = await spawnWorker(
    'A',
    place,
    reports,
    fault.kind === 'mid-activity'
      ? { slow: { activityType: 'step', workflowId: 'r-1', attempt: 1, ms: 60_000 } }
      : { crash: { point: fault.point, nth: fault.nth } },
  );
  if (fault.kind === 'mid-activity') {
    await a.next(
      (m): m is Extract<typeof m, { type: 'activity' }> =>
        m.type === 'activity' && m.workflowId === 'r-1' && m.phase === 'start',
      'activity start',
    );
    a.kill('SIGKILL');
  }
  const exit = await a.exited;
  expect(exit.signal).toBe('SIGKILL');

  const b = await spawnWorker('B', place, reports);
  await finishRuns(b, ids);
  await stop(b);

  const { problems, histories } = await checkInvariants(place, ids);
  expect(problems).toEqual([]);
  if (fault.kind === 'mid-activity') {
    // The killed attempt shows as the failure of the attempt before the recorded one.
    const started = histories.get('r-1')!.find((e) => e.eventType === 'ActivityTaskStarted');
    expect(started).toMatchObject({
      attempt: 2,
      identity: 'worker-B',
      lastFailure: { timeoutType: 'startToClose' },
    });
  }
  // Worker B did the work A could not finish.
  const byB = [...histories.values()]
    .flat()
    .filter((e) => e.eventType === 'WorkflowTaskStarted' && e.identity === 'worker-B');
  expect(byB.length).toBeGreaterThan(0);
}

afterEach(killAll);

describe.each(['pglite', 'postgres'] as const)('crash recovery on %s', (backend) => {
  for (const fault of FAULTS) {
    it(`worker killed with SIGKILL ${fault.kind}: runs complete, nothing lost or duplicated`, async () => {
      if (backend === 'postgres') await requirePostgres();
      const place = freshPlace(backend);
      try {
        await crashAndRecover(place, fault);
      } finally {
        killAll();
        await cleanup(place);
      }
    }, 90_000);
  }
});
