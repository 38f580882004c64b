import { describe, expect, it } from 'vitest';
import { orderHistory } from '../file/testing/order-history.ts';
import type { History } from '../file/types.ts';
import type { ConformanceContext } from './context.ts';
import { start } from './helpers.ts';

/** A closed copy of the sample order history under another run id. */
function closed(n: number, runId = `run-${n}`): History {
  const h = orderHistory(n);
  return { header: { ...h.header, runId, buildId: 'build-import' }, events: h.events };
}

/** `importHistory`: recorded histories written back as closed runs, exactly as recorded. */
export function importCases(ctx: () => ConformanceContext): void {
  describe('importHistory', () => {
    it('writes a closed run with its events, status, times and build id, and lists it', async () => {
      const { store } = ctx();
      if (!store.importHistory) throw new Error('this store does not implement importHistory');
      const h = closed(1);
      const last = h.events.at(-1)!;
      const info = await store.importHistory(h);
      expect(info).toMatchObject({
        workflowId: h.header.workflowId,
        runId: 'run-1',
        workflowType: h.header.workflowType,
        status: 'completed',
        historyLength: h.events.length,
        startTime: h.events[0]!.eventTime,
        closeTime: last.eventTime,
        buildId: 'build-import',
      });
      expect(await store.readHistory(h.header.workflowId, 'run-1')).toEqual(h.events);
      expect(await store.describeRun(h.header.workflowId)).toEqual(info);
      const page = await store.listRuns({ workflowType: h.header.workflowType, status: 'completed' });
      expect(page.runs.map((r) => r.runId)).toEqual(['run-1']);
    });

    it('refuses to overwrite a run, or to hide a running one, and writes nothing', async () => {
      const { store } = ctx();
      const h = closed(2);
      await store.importHistory!(h);
      await expect(store.importHistory!(h)).rejects.toMatchObject({ code: 'WORKFLOW_ALREADY_STARTED' });
      await start(store, 'busy');
      const other = closed(3);
      const onBusy: History = {
        header: { ...other.header, workflowId: 'busy' },
        events: other.events.map((e) =>
          e.eventType === 'WorkflowExecutionStarted' ? { ...e, workflowId: 'busy' } : e,
        ),
      };
      await expect(store.importHistory!(onBusy)).rejects.toMatchObject({ code: 'WORKFLOW_ALREADY_STARTED' });
      expect((await store.describeRun('busy'))?.status).toBe('running');
      expect(await store.readHistory(h.header.workflowId, 'run-2')).toEqual(h.events);
    });

    it('refuses open and malformed histories', async () => {
      const { store } = ctx();
      const h = closed(4);
      const open = { header: h.header, events: h.events.slice(0, -1) };
      await expect(store.importHistory!(open)).rejects.toThrow(/still open/);
      const gap = { header: h.header, events: h.events.filter((e) => e.eventId !== 5) };
      await expect(store.importHistory!(gap)).rejects.toThrow(/dense from 1/);
      expect(await store.describeRun(h.header.workflowId)).toBeUndefined();
    });
  });
}
