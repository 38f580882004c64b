import { ActivityCancelledError, activityContext } from '@reprise/runtime';
import { describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from './environment.ts';

/** Counts from the last heartbeat on, heartbeating each step, stopping when cancelled. */
async function countTo(n: number): Promise<number> {
  const ctx = activityContext();
  let i = (ctx.info.heartbeatDetails as number | undefined) ?? 0;
  while (i < n) {
    i++;
    ctx.heartbeat(i);
    await ctx.sleep(1);
  }
  return i;
}

describe('MockActivityEnvironment', () => {
  it('runs an activity with a real context and records its heartbeats', async () => {
    const env = new MockActivityEnvironment();
    const seen: unknown[] = [];
    env.on('heartbeat', (d) => seen.push(d));
    expect(await env.run(countTo, 3)).toBe(3);
    expect(env.heartbeats).toEqual([1, 2, 3]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('hands info overrides to the activity: a retry resumes from its heartbeat details', async () => {
    const env = new MockActivityEnvironment({ attempt: 3, heartbeatDetails: 7, activityType: 'countTo' });
    const info = await env.run(async () => activityContext().info);
    expect(info).toMatchObject({ attempt: 3, heartbeatDetails: 7, activityType: 'countTo' });
    expect(await env.run(countTo, 9)).toBe(9);
    expect(env.heartbeats).toEqual([8, 9]);
  });

  it('cancels from a heartbeat listener; the activity sees ActivityCancelledError', async () => {
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d) => {
      if (d === 2) env.cancel('enough counting');
    });
    const err = await env.run(countTo, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActivityCancelledError);
    expect((err as ActivityCancelledError).reason).toBe('cancelled');
    expect((err as Error).message).toBe('enough counting');
    expect(env.cancelled).toBe(true);
    expect(env.heartbeats).toEqual([1, 2]);
  });

  it('lets an activity that ignores the signal finish, and one that awaits `cancelled` stop', async () => {
    const env = new MockActivityEnvironment();
    const stubborn = env.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return 'finished anyway';
    });
    const polite = env.run(() => Promise.race([activityContext().cancelled, new Promise(() => {})]));
    const stopped = expect(polite).rejects.toMatchObject({ reason: 'timedOut', message: 'stop' });
    env.cancel('stop', 'timedOut');
    await stopped;
    expect(await stubborn).toBe('finished anyway');
  });

  it('removes listeners and rejects unknown events', async () => {
    const env = new MockActivityEnvironment();
    const seen: unknown[] = [];
    const l = (d: unknown) => seen.push(d);
    env.on('heartbeat', l).off('heartbeat', l);
    await env.run(countTo, 1);
    expect(seen).toEqual([]);
    expect(() => env.on('progress' as 'heartbeat', l)).toThrow(/only event is 'heartbeat'/);
  });
});
