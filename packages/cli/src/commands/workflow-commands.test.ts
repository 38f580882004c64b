import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../command.ts';
import { main } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'reprise-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, cwd: dir, env: {} };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('reprise workflow commands on the embedded store', () => {
  it('starts, lists, describes, terminates and prints history; errors are one line plus a hint', async () => {
    const db = join(dir, 'store');
    const start = await cli(
      'workflow',
      'start',
      'orderWorkflow',
      '--task-queue',
      'q',
      '--workflow-id',
      'o-1',
      '--args',
      '[{"orderId":"o-1"}]',
      '--db',
      db,
    );
    expect(start.code).toBe(0);
    expect(start.out).toMatch(/workflow id:\s+o-1/);

    const list = await cli('workflow', 'list', '--db', db);
    expect(list.out).toMatch(/^WORKFLOW ID\s+TYPE\s+STATUS/);
    expect(list.out).toMatch(/o-1\s+orderWorkflow\s+running/);

    const again = await cli(
      'workflow',
      'start',
      'orderWorkflow',
      '--task-queue',
      'q',
      '--workflow-id',
      'o-1',
      '--db',
      db,
    );
    expect(again.code).toBe(1);
    expect(again.err.trim().split('\n')).toHaveLength(2);
    expect(again.err).toMatch(/^reprise workflow start: .*o-1.*\nhint: /);

    expect((await cli('workflow', 'terminate', 'o-1', '--reason', 'test', '--db', db)).code).toBe(0);
    const desc = await cli('workflow', 'describe', 'o-1', '--db', db);
    expect(desc.out).toMatch(/status:\s+terminated/);
    const history = await cli('workflow', 'history', 'o-1', '--db', db);
    expect(history.out).toMatch(/1\s+\+0ms\s+WorkflowExecutionStarted\s+orderWorkflow/);
    expect(history.out).toMatch(/WorkflowExecutionTerminated\s+test/);

    const missing = await cli('workflow', 'describe', 'nope', '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/not found[^\n]*\nhint: run 'reprise workflow list'/);

    const exported = await cli('history', 'export', 'o-1', '--db', db);
    const file = JSON.parse(exported.out) as { format: string; workflowId: string; events: unknown[] };
    expect(file).toMatchObject({ format: 'reprise-history', workflowId: 'o-1' });
    expect(file.events.length).toBeGreaterThan(2);
  }, 60_000);

  it('rejects bad usage with exit code 2 and the usage line', async () => {
    const r = await cli('workflow', 'start', 'orderWorkflow');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing --task-queue\nhint: usage: reprise workflow start/);
    const bad = await cli('workflow', 'signal', 'x', 'y', '--args', '{oops', '--db', join(dir, 'unused'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--args is not valid JSON/);
  });
});
