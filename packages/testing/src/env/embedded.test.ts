/** The test environment on the embedded store (PGlite in a temporary data directory). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from './environment.ts';
import { orderActivities, sampleOrder } from './order-activities.test-util.ts';

const ORDER = join(import.meta.dirname, '../../../../fixtures/workflows/order.ts');
const DAY = 24 * 3_600_000;

describe('TestWorkflowEnvironment on the embedded store', () => {
  it('skips the 7-day wait on PGlite too, and removes its data directory at teardown', async () => {
    const { activities, calls } = orderActivities();
    const env = await TestWorkflowEnvironment.create({ workflowsPath: ORDER, activities, store: 'embedded' });
    let dataDirs: string[] = [];
    try {
      const t0 = env.currentTime();
      const approved = await env.client.start('orderWorkflow', { args: [sampleOrder('pg-1')] });
      await approved.signal('approve', 'fe');
      expect(await approved.result()).toMatchObject({ status: 'fulfilled', approvedBy: 'fe' });
      const rejected = await env.client.execute('orderWorkflow', { args: [sampleOrder('pg-2')] });
      expect(rejected).toMatchObject({ status: 'rejected', refundId: 'rf_pg-2' });
      expect(env.currentTime() - t0).toBeGreaterThanOrEqual(7 * DAY);
      expect(calls).toContain('refund');
      dataDirs = env.dataDir ? [env.dataDir] : [];
      expect(dataDirs).toHaveLength(1);
      expect(existsSync(dataDirs[0]!)).toBe(true);
    } finally {
      await env.teardown();
    }
    expect(existsSync(dataDirs[0]!)).toBe(false);
  }, 60_000);
});
