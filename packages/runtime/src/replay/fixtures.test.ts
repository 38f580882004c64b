import { fileURLToPath } from 'node:url';
import { readHistoryFiles } from '@reprise/history-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowSandbox } from '../sandbox/index.ts';
import { Replayer } from './replayer.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const histories = await readHistoryFiles(`${root}fixtures/histories`);
let replayer: Replayer;

beforeAll(async () => {
  replayer = await Replayer.create({ workflowsPath: `${root}fixtures/workflows/index.ts` });
});
afterAll(async () => {
  await replayer.dispose();
});

describe('committed histories replay against the sample workflows', () => {
  it('cover every sample workflow type', async () => {
    const recorded = new Set(histories.map((h) => h.header.workflowType));
    const sandbox = await createWorkflowSandbox(replayer.bundle, { isolation: 'inline' });
    try {
      const missing = sandbox.workflowTypes().filter((t) => !recorded.has(t) && t !== 'shipmentWorkflow');
      // shipmentWorkflow runs only as a child: its parent's history covers how it is started.
      expect(missing).toEqual([]);
    } finally {
      await sandbox.dispose();
    }
  });

  for (const h of histories) {
    const name = h.source.slice(h.source.indexOf('fixtures/histories/') + 'fixtures/histories/'.length);
    it(name, async () => {
      const result = await replayer.replay(h);
      if (!result.ok) throw result.error;
      expect(result).toMatchObject({
        ok: true,
        workflowId: h.header.workflowId,
        eventCount: h.events.length,
      });
    });
  }
});
