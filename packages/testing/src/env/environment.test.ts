import { join } from 'node:path';
import { WorkflowFailedError } from '@reprise/runtime';
import { ApplicationFailure } from '@reprise/runtime/workflow';
import { afterEach, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from './environment.ts';
import { BlockedRunError } from './errors.ts';
import { orderActivities, sampleOrder } from './order-activities.test-util.ts';

const ORDER = join(import.meta.dirname, '../../../../fixtures/workflows/order.ts');
const RACE = join(import.meta.dirname, '../../../../fixtures/workflows/race.ts');
const OWN = join(import.meta.dirname, 'test-workflows.ts');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let envs: TestWorkflowEnvironment[] = [];
afterEach(async () => {
  await Promise.all(envs.map((e) => e.teardown()));
  envs = [];
});

async function create(o: Parameters<typeof TestWorkflowEnvironment.create>[0]) {
  const env = await TestWorkflowEnvironment.create(o);
  envs.push(env);
  return env;
}

describe('time skipping with the order workflow', () => {
  it('finishes the approved order at once: the 1-hour cooling-off is skipped', async () => {
    const { activities, calls } = orderActivities();
    const env = await create({ workflowsPath: ORDER, activities });
    const t0 = env.currentTime();
    const wall = Date.now();
    const handle = await env.client.start('orderWorkflow', { args: [sampleOrder('o-1')] });
    await handle.signal('approve', 'ana');
    const result = await handle.result();
    expect(result).toEqual({
      status: 'fulfilled',
      orderId: 'o-1',
      chargeId: 'ch_o-1_500',
      trackingId: 'trk_o-1',
      approvedBy: 'ana',
    });
    expect(env.currentTime() - t0).toBeGreaterThanOrEqual(HOUR);
    expect(Date.now() - wall).toBeLessThan(5000);
    expect(calls).toEqual(['checkInventory', 'chargePayment', 'fulfil']);
  });

  it('times out after 7 virtual days without approval and refunds', async () => {
    const { activities, calls } = orderActivities();
    const env = await create({ workflowsPath: ORDER, activities });
    const t0 = env.currentTime();
    const wall = Date.now();
    const result = await env.client.execute('orderWorkflow', { args: [sampleOrder('o-2')] });
    expect(result).toEqual({
      status: 'rejected',
      orderId: 'o-2',
      reason: 'not approved within 7 days',
      refundId: 'rf_o-2',
    });
    expect(env.currentTime() - t0).toBeGreaterThanOrEqual(7 * DAY + HOUR);
    expect(Date.now() - wall).toBeLessThan(5000);
    expect(calls).toEqual(['checkInventory', 'chargePayment', 'refund']);
  });

  it('skips activity retry backoffs and answers queries while the run waits', async () => {
    const { activities, calls } = orderActivities();
    const env = await create({ workflowsPath: ORDER, activities });
    const handle = await env.client.start('orderWorkflow', {
      workflowId: 'retrying',
      args: [sampleOrder('o-3', { paymentFailures: 2 })],
    });
    // Idle while the charge waits for its retry backoff: waitForIdle never moves time.
    await env.waitForIdle();
    expect(await handle.query('status')).toBe('charging');
    await env.sleep('2 hours');
    expect(await handle.query('status')).toBe('awaiting-approval');
    await handle.signal('approve', 'bo');
    expect(await handle.result()).toMatchObject({ status: 'fulfilled', approvedBy: 'bo' });
    expect(calls.filter((c) => c === 'chargePayment')).toHaveLength(3);
    const history = await handle.fetchHistory();
    expect(history.header).toMatchObject({
      workflowId: 'retrying',
      workflowType: 'orderWorkflow',
      taskQueue: 'test',
    });
    const attempts = history.events.flatMap((e) =>
      e.eventType === 'ActivityTaskStarted' ? [e.attempt] : [],
    );
    expect(attempts).toContain(3);
  });

  it('cancels a waiting run', async () => {
    const env = await create({ workflowsPath: ORDER, activities: orderActivities().activities });
    const handle = await env.client.start('orderWorkflow', { args: [sampleOrder('o-4')] });
    await env.waitForIdle();
    await handle.cancel('customer changed their mind');
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).status).toBe('canceled');
  });
});

describe('timers, signals and children', () => {
  it('lets timers race signals: no signal means every reminder goes out', async () => {
    const log: string[] = [];
    const env = await create({
      workflowsPath: RACE,
      activities: { notify: async (m: string) => void log.push(m) },
    });
    const t0 = env.currentTime();
    expect(await env.client.execute('paymentReminderWorkflow', { args: ['cy'] })).toEqual({
      outcome: 'gave-up',
      reminders: 3,
    });
    expect(log).toEqual(['reminder 1 for cy', 'reminder 2 for cy', 'reminder 3 for cy']);
    expect(env.currentTime() - t0).toBeGreaterThanOrEqual(3 * DAY);
  });

  it('lets a signal sent after env.sleep win the next round', async () => {
    const log: string[] = [];
    const env = await create({
      workflowsPath: RACE,
      activities: { notify: async (m: string) => void log.push(m) },
    });
    const handle = await env.client.start('paymentReminderWorkflow', { args: ['di'] });
    await env.sleep('1 day');
    expect(log).toEqual(['reminder 1 for di']);
    await handle.signal('paid');
    expect(await handle.result()).toEqual({ outcome: 'paid', reminders: 1 });
  });

  it('decides each race by what came first, signal or timer', async () => {
    const env = await create({ workflowsPath: OWN });
    const handle = await env.client.start('raceTwiceWorkflow');
    await handle.signal('wake', 'early');
    expect(await handle.result()).toEqual(['signal:early', 'timer']);
  });

  it('runs children with timers to the end, each timer at its own time', async () => {
    const env = await create({ workflowsPath: OWN });
    const r = await env.client.execute<{ started: number; parent: number; children: number[] }>(
      'parentOfSleepersWorkflow',
    );
    expect(r.parent - r.started).toBeGreaterThanOrEqual(DAY);
    expect(r.children[0]! - r.started).toBeGreaterThanOrEqual(2 * DAY);
    expect(r.children[1]! - r.started).toBeGreaterThanOrEqual(3 * DAY);
    expect(r.children[0]! - r.started).toBeLessThan(3 * DAY);
  });

  it('moves time only by what env.sleep asks, firing timers on the way', async () => {
    const env = await create({ workflowsPath: OWN });
    const handle = await env.client.start('sleeperWorkflow', { args: ['2 days'] });
    await env.sleep('1 day');
    expect((await handle.describe()).status).toBe('running');
    await env.sleep('1 day');
    expect((await handle.describe()).status).toBe('completed');
  });
});

describe('activities and time', () => {
  it('never moves time while an activity runs', async () => {
    let env: TestWorkflowEnvironment | undefined;
    const readClockAround = async (ms: number): Promise<[number, number]> => {
      const before = env!.currentTime();
      await new Promise((r) => setTimeout(r, ms));
      return [before, env!.currentTime()];
    };
    env = await create({ workflowsPath: OWN, activities: { readClockAround } });
    const sleeper = await env.client.start('sleeperWorkflow', { args: ['1 day'] });
    const clock = await env.client.start<[number, number]>('activityClockWorkflow', { args: [150] });
    // Both results are awaited at once: the sleeper's wait would skip a day if anything let it.
    const [woke, [before, after]] = await Promise.all([sleeper.result(), clock.result()]);
    expect(after - before).toBeGreaterThanOrEqual(140);
    expect(after - before).toBeLessThan(HOUR);
    expect(woke).toBeGreaterThan(after);
  });

  it('uses activity overrides for one test and restores them', async () => {
    const { activities } = orderActivities();
    const env = await create({ workflowsPath: ORDER, activities });
    const restore = await env.overrideActivities({ fulfil: async () => 'trk_mock' });
    const handle = await env.client.start('orderWorkflow', { args: [sampleOrder('o-5')] });
    await handle.signal('approve', 'ed');
    expect(await handle.result()).toMatchObject({ trackingId: 'trk_mock' });
    restore();
    const again = await env.client.start('orderWorkflow', { args: [sampleOrder('o-6')] });
    await again.signal('approve', 'ed');
    expect(await again.result()).toMatchObject({ trackingId: 'trk_o-6' });
  });

  it('fails the run when a mock throws a non-retryable failure', async () => {
    const env = await create({ workflowsPath: ORDER, activities: orderActivities().activities });
    const restore = await env.overrideActivities({
      chargePayment: async () => {
        throw ApplicationFailure.nonRetryable('card declined by the mock', 'CardDeclined');
      },
    });
    try {
      const err = await env.client.execute('orderWorkflow', { args: [sampleOrder('o-8')] }).catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(err).toMatchObject({ status: 'failed' });
      let cause = (err as Error).cause as (Error & { type?: string }) | undefined;
      while (cause?.cause) cause = cause.cause as Error & { type?: string };
      expect(cause).toMatchObject({ message: 'card declined by the mock', type: 'CardDeclined' });
    } finally {
      restore();
    }
  });

  it('starts an activity worker when the first mock arrives', async () => {
    const env = await create({ workflowsPath: OWN });
    await env.overrideActivities({ readClockAround: async () => [1, 2] });
    expect(await env.client.execute('activityClockWorkflow', { args: [0] })).toEqual([1, 2]);
  });
});

describe('failures and lifecycle', () => {
  it('fails result() at once when a workflow task fails, instead of hanging', async () => {
    const env = await create({ workflowsPath: OWN });
    const err = await env.client.execute('brokenWorkflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockedRunError);
    expect((err as Error).message).toContain('a bug in workflow code');
  });

  it('uses wall time without time skipping', async () => {
    const env = await create({ workflowsPath: OWN, timeSkipping: false });
    expect(Math.abs(env.currentTime() - Date.now())).toBeLessThan(1000);
    const woke = await env.client.execute<number>('sleeperWorkflow', { args: ['100ms'] });
    expect(Math.abs(woke - Date.now())).toBeLessThan(5000);
    await expect(
      env.client.execute('sleeperWorkflow', { args: ['1 day'], workflowRunTimeout: '300ms' }),
    ).rejects.toThrow(/timed out/);
  });

  it('teardown ends waits and leaves nothing running', async () => {
    const before = timeouts();
    const env = await TestWorkflowEnvironment.create({
      workflowsPath: ORDER,
      activities: orderActivities().activities,
    });
    const handle = await env.client.start('orderWorkflow', { args: [sampleOrder('o-7')] });
    await env.waitForIdle();
    const sleeping = env.sleep('1 hour');
    const waiting = handle.result();
    await env.teardown();
    await expect(waiting).rejects.toThrow();
    await sleeping.catch(() => {});
    expect(() => env.currentTime()).not.toThrow();
    await expect(env.sleep('1s')).rejects.toThrow(/torn down/);
    await new Promise((r) => setTimeout(r, 20));
    expect(timeouts()).toBeLessThanOrEqual(before);
  });

  it('rejects bad options with a message that says what to pass', async () => {
    await expect(TestWorkflowEnvironment.create({ workflowsPath: '' })).rejects.toThrow(/workflowsPath/);
    await expect(
      TestWorkflowEnvironment.create({ workflowsPath: OWN, store: 'disk' as 'memory' }),
    ).rejects.toThrow(/'memory' or 'embedded'/);
  });
});

function timeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
