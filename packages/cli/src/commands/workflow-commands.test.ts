import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'reprise-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(argv, dir);
/** `reprise workflow start` of order o-1 on queue q, plus `flags`. */
const startOrder = (...flags: string[]) =>
  cli('workflow', 'start', 'orderWorkflow', '--task-queue', 'q', '--workflow-id', 'o-1', ...flags);

describe('reprise workflow commands on the embedded store', () => {
  it('starts, lists, describes, terminates and prints history; errors are one line plus a hint', async () => {
    const db = join(dir, 'store');
    const start = await startOrder('--args', '[{"orderId":"o-1"}]', '--db', db);
    expect(start.exit).toBe(0);
    expect(start.stdout).toMatch(/workflow id:\s+o-1/);

    const list = await cli('workflow', 'list', '--db', db);
    expect(list.stdout).toMatch(/^WORKFLOW ID\s+TYPE\s+STATUS/);
    expect(list.stdout).toMatch(/o-1\s+orderWorkflow\s+running/);

    const again = await startOrder('--db', db);
    expect(again.exit).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(2);
    expect(again.stderr).toMatch(/^reprise workflow start: .*o-1.*\nhint: /);

    expect((await cli('workflow', 'terminate', 'o-1', '--reason', 'test', '--db', db)).exit).toBe(0);
    const desc = await cli('workflow', 'describe', 'o-1', '--db', db);
    expect(desc.stdout).toMatch(/status:\s+terminated/);
    const history = await cli('workflow', 'history', 'o-1', '--db', db);
    expect(history.stdout).toMatch(/1\s+\+0ms\s+WorkflowExecutionStarted\s+orderWorkflow/);
    expect(history.stdout).toMatch(/WorkflowExecutionTerminated\s+test/);

    const missing = await cli('workflow', 'describe', 'nope', '--db', db);
    expect(missing.exit).toBe(1);
    expect(missing.stderr).toMatch(/not found[^\n]*\nhint: run 'reprise workflow list'/);

    const exported = await cli('history', 'export', 'o-1', '--db', db);
    const file = JSON.parse(exported.stdout) as { format: string; workflowId: string; events: unknown[] };
    expect(file).toMatchObject({ format: 'reprise-history', workflowId: 'o-1' });
    expect(file.events.length).toBeGreaterThan(2);
  }, 60_000);

  it('rejects bad usage with exit code 2 and the usage line', async () => {
    const r = await cli('workflow', 'start', 'orderWorkflow');
    expect(r.exit).toBe(2);
    expect(r.stderr).toMatch(/missing --task-queue\nhint: usage: reprise workflow start/);
    const bad = await cli('workflow', 'signal', 'x', 'y', '--args', '{oops', '--db', join(dir, 'unused'));
    expect(bad.exit).toBe(2);
    expect(bad.stderr).toMatch(/--args is not valid JSON/);
  });
});
