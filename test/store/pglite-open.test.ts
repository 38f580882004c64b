import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../packages/history-store/src/postgres/index.ts';

it('openStore keeps runs in a PGlite data directory across reopen; memory: and bad urls', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reprise-pglite-'));
  try {
    const first = await openStore({ dataDir: dir });
    await first.startWorkflow({ workflowId: 'kept', workflowType: 't', taskQueue: 'q', input: [42] });
    await first.close();
    const again = await openStore({ dataDir: dir });
    expect((await again.readHistory('kept'))[0]).toMatchObject({ input: [42] });
    await again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const mem = await openStore({ url: 'memory:' });
  await mem.startWorkflow({ workflowId: 'm', workflowType: 't', taskQueue: 'q', input: [] });
  expect((await mem.describeRun('m'))?.status).toBe('running');
  await mem.close();
  await expect(openStore({ url: 'mysql://x' })).rejects.toThrow(/unsupported url/);
});
