import type { ActivityOutcome, ActivityTask, HistoryStore } from '@reprise/history-store';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../worker/logger.ts';
import { activityContext } from './context.ts';
import { type ActivityImplementations, runActivityTask } from './runner.ts';

/** A store fake that keeps to the contract the runner uses: heartbeats, completions, a clock. */
function fakeStore(opts: { cancelAfterHeartbeats?: number; staleOnComplete?: boolean } = {}) {
  const heartbeats: unknown[] = [];
  const completions: ActivityOutcome[] = [];
  const store: Pick<HistoryStore, 'heartbeatActivityTask' | 'completeActivityTask' | 'clock'> = {
    clock: { now: () => Date.now() },
    async heartbeatActivityTask(_task, details) {
      heartbeats.push(details);
      return {
        cancelRequested:
          opts.cancelAfterHeartbeats !== undefined && heartbeats.length >= opts.cancelAfterHeartbeats,
      };
    },
    async completeActivityTask(_task, outcome) {
      if (opts.staleOnComplete) throw Object.assign(new Error('stale'), { code: 'STALE_LEASE' });
      completions.push(outcome);
      return outcome.status === 'failed' && !outcome.failure.nonRetryable
        ? { recorded: false, retryAt: Date.now() + 1000, nextAttempt: 2 }
        : { recorded: true };
    },
  };
  return { store, heartbeats, completions };
}

function task(type: string, extra: Partial<ActivityTask> = {}): ActivityTask {
  return {
    workflowId: 'wf',
    runId: 'run',
    taskId: 't1',
    taskQueue: 'q',
    workflowType: 'wfType',
    lease: { owner: 'me', token: 'tok', expiresAt: Date.now() + 10_000 },
    scheduledEventId: 5,
    activityId: '1',
    activityType: type,
    input: [2, 3],
    attempt: 1,
    scheduledTime: Date.now(),
    cancelRequested: false,
    ...extra,
  };
}

async function run(activities: ActivityImplementations, t: ActivityTask, store = fakeStore()) {
  const res = await runActivityTask(t, {
    store: store.store,
    activities,
    leaseMs: 10_000,
    logger: silentLogger,
  });
  return { res, ...store };
}

describe('runActivityTask', () => {
  it('runs the activity with its arguments and reports the result', async () => {
    const { completions } = await run({ add: async (a: number, b: number) => a + b }, task('add'));
    expect(completions).toEqual([{ status: 'completed', result: 5 }]);
  });

  it('exposes info (attempt, heartbeat details of the previous attempt) through the context', async () => {
    const seen: unknown[] = [];
    await run(
      {
        probe: async () => {
          const { info } = activityContext();
          seen.push(info.attempt, info.heartbeatDetails, info.activityType, info.workflowId);
        },
      },
      task('probe', { attempt: 3, heartbeatDetails: { page: 7 } }),
    );
    expect(seen).toEqual([3, { page: 7 }, 'probe', 'wf']);
  });

  it('maps an ApplicationFailure-shaped error, keeping type, details and nonRetryable', async () => {
    class ApplicationFailure extends Error {
      override name = 'ApplicationFailure';
      type = 'CardDeclined';
      nonRetryable = true;
      details = [{ orderId: 'o1' }];
    }
    const { completions, res } = await run(
      {
        charge: async () => {
          throw new ApplicationFailure('declined');
        },
      },
      task('charge'),
    );
    expect(res).toMatchObject({ reported: true });
    const failure = (completions[0] as Extract<ActivityOutcome, { status: 'failed' }>).failure;
    expect(failure).toMatchObject({
      message: 'declined',
      type: 'CardDeclined',
      nonRetryable: true,
      details: [{ orderId: 'o1' }],
    });
  });

  it('uses the error class name as the type of ordinary errors and returns the store retry time', async () => {
    class GatewayTimeout extends Error {
      override name = 'GatewayTimeout';
    }
    const { completions, res } = await run(
      {
        charge: async () => {
          throw new GatewayTimeout('slow gateway');
        },
      },
      task('charge'),
    );
    expect((completions[0] as Extract<ActivityOutcome, { status: 'failed' }>).failure.type).toBe(
      'GatewayTimeout',
    );
    expect(res.reported && res.retryAt).toBeGreaterThan(0);
  });

  it('fails an unregistered activity type with a message naming the registered ones', async () => {
    const { completions } = await run({ a: async () => 1, b: async () => 2 }, task('zzz'));
    const failure = (completions[0] as Extract<ActivityOutcome, { status: 'failed' }>).failure;
    expect(failure.type).toBe('ActivityNotRegistered');
    expect(failure.message).toContain('registered: a, b');
  });

  it('delivers cancellation from a heartbeat reply through the abort signal', async () => {
    const store = fakeStore({ cancelAfterHeartbeats: 1 });
    const { completions } = await run(
      {
        loop: async () => {
          const ctx = activityContext();
          for (let i = 0; ; i++) {
            ctx.heartbeat(i);
            await ctx.sleep(20);
          }
        },
      },
      task('loop'),
      store,
    );
    expect(completions[0]).toMatchObject({ status: 'cancelled' });
  });

  it('throttles heartbeats and keeps the latest details', async () => {
    const store = fakeStore();
    await runActivityTask(task('beat', { heartbeatTimeoutMs: 1000 }), {
      store: store.store,
      activities: {
        beat: async () => {
          const ctx = activityContext();
          for (let i = 1; i <= 50; i++) {
            ctx.heartbeat(i);
            await ctx.sleep(2);
          }
          await ctx.sleep(900);
        },
      },
      leaseMs: 10_000,
      logger: silentLogger,
    });
    // 50 calls over ~100 ms with an 800 ms throttle: the first goes out at once, the last one later.
    expect(store.heartbeats.length).toBeLessThanOrEqual(3);
    expect(store.heartbeats[0]).toBe(1);
    expect(store.heartbeats.at(-1)).toBe(50);
  });

  it('fails the attempt with a heartbeat timeout when the activity stops heartbeating', async () => {
    const { completions } = await run(
      { stuck: () => new Promise(() => {}) },
      task('stuck', { heartbeatTimeoutMs: 50 }),
    );
    expect(completions[0]).toMatchObject({
      status: 'failed',
      failure: { source: 'TimeoutFailure', timeoutType: 'heartbeat' },
    });
  });

  it('fails the attempt at its start-to-close deadline even if the code ignores the abort', async () => {
    const { completions } = await run(
      { stuck: () => new Promise(() => {}) },
      task('stuck', { attemptDeadline: Date.now() + 50 }),
    );
    expect(completions[0]).toMatchObject({ status: 'failed', failure: { timeoutType: 'startToClose' } });
  });

  it('reports nothing and says so when the lease was lost', async () => {
    const { res } = await run({ ok: async () => 1 }, task('ok'), fakeStore({ staleOnComplete: true }));
    expect(res).toEqual({ reported: false, reason: 'leaseLost' });
  });

  it('abandons (does not fail) an attempt when the worker shuts down', async () => {
    const store = fakeStore();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const res = await runActivityTask(task('stuck'), {
      store: store.store,
      activities: { stuck: () => new Promise(() => {}) },
      leaseMs: 10_000,
      logger: silentLogger,
      shutdownSignal: ac.signal,
    });
    expect(res).toEqual({ reported: false, reason: 'workerShutdown' });
    expect(store.completions).toEqual([]);
  });

  it('reports a task whose cancellation was requested before it started as cancelled without running it', async () => {
    let ran = false;
    const { completions } = await run(
      {
        x: async () => {
          ran = true;
        },
      },
      task('x', { cancelRequested: true }),
    );
    expect(ran).toBe(false);
    expect(completions).toEqual([{ status: 'cancelled' }]);
  });
});
