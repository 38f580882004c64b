/** `reprise run` through main() with buffer IO: a fixture recorded in one command, then replayed. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readHistoryFile } from '@reprise/history-store';
import { replayHistory } from '@reprise/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/io.ts';

const root = resolve(import.meta.dirname, '../../../..');
const workflows = 'fixtures/workflows/order.ts';
const activities = 'fixtures/activities/order.ts';
const order = (id: string, amountCents = 500) =>
  JSON.stringify({ orderId: id, amountCents, items: [{ sku: 'a', quantity: 2 }] });

const cli = (...argv: string[]) => runCli(argv, root);
/** `reprise run` of the order workflow with `input`, writing its history to `out`. */
const runOrder = (input: string, out: string) =>
  cli('run', '-w', workflows, '-a', activities, 'orderWorkflow', '--args', input, '-o', out);

const scratch = await mkdtemp(join(tmpdir(), 'reprise-run-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('reprise run', () => {
  it('runs the order with its approval, prints the result, and writes a history that replays', async () => {
    const out = join(scratch, 'approved.json');
    const r = await cli(
      'run',
      '--workflows',
      workflows,
      '--activities',
      activities,
      'orderWorkflow',
      '--args',
      order('cli-1'),
      '--signal',
      'approve="ana"',
      '--history-out',
      out,
    );
    expect(r.stderr).toContain("sent signal 'approve'");
    expect(r.exit).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'fulfilled', orderId: 'cli-1', approvedBy: 'ana' });
    const history = await readHistoryFile(out);
    expect(history.header).toMatchObject({ workflowType: 'orderWorkflow' });
    expect(history.events.at(-1)?.eventType).toBe('WorkflowExecutionCompleted');
    const replayed = await replayHistory({ workflowsPath: join(root, workflows) }, history);
    expect(replayed.ok).toBe(true);
  });

  it('without the signal, waits out 7 virtual days and prints the rejection', async () => {
    const out = join(scratch, 'rejected.msgpack');
    const r = await runOrder(order('cli-2'), out);
    expect(r.exit).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'rejected', reason: 'not approved within 7 days' });
    expect(r.stderr).toMatch(/completed after 7d 1h of workflow time/);
    expect(
      (await replayHistory({ workflowsPath: join(root, workflows) }, await readHistoryFile(out))).ok,
    ).toBe(true);
  });

  it('prints a failed run and exits 1, still writing its history', async () => {
    const out = join(scratch, 'declined.json');
    const r = await runOrder(order('cli-3', 0), out);
    expect(r.exit).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /failed: activity chargePayment .*\n {2}caused by: cannot charge 0 cents \(CardDeclined\)\n/,
    );
    expect((await readHistoryFile(out)).events.at(-1)?.eventType).toBe('WorkflowExecutionFailed');
  });

  it('rejects bad input with exit 2', async () => {
    expect((await cli('run', 'orderWorkflow')).exit).toBe(2);
    const badSignal = await cli('run', '-w', workflows, 'orderWorkflow', '--signal', 'approve={nope');
    expect(badSignal.exit).toBe(2);
    expect(badSignal.stderr).toMatch(/--signal approve is not valid JSON/);
    expect((await cli('run', '-w', workflows, 'orderWorkflow', '--max-time', 'soon')).exit).toBe(2);
  });
});
