import { fileURLToPath } from 'node:url';
import { type HistoryEvent, readHistoryFile } from '@reprise/history-store';
import { describe, expect, it } from 'vitest';
import { replayHistories, replayHistory } from './index.ts';
import { locateStack } from './locate.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const source = { workflowsPath: `${root}fixtures/workflows/order.ts` };
const approved = await readHistoryFile(`${root}fixtures/histories/order/approved.json`);

describe('replayHistory', () => {
  it('replays a history file and reports what it replayed', async () => {
    const r = await replayHistory(source, approved, { collectCommands: true });
    expect(r).toMatchObject({
      ok: true,
      workflowId: 'order-approved',
      runId: approved.header.runId,
      eventCount: 34,
      workflowTasks: 6,
    });
    if (!r.ok) return;
    expect(r.commands?.map((cs) => cs.map((c) => c.kind))).toEqual([
      ['scheduleActivity'],
      ['scheduleActivity'],
      ['startTimer'],
      ['startTimer'],
      ['cancelTimer', 'scheduleActivity'],
      ['completeWorkflow'],
    ]);
  });

  it('a prefix of a history (a run still open) replays', async () => {
    const r = await replayHistory(source, approved.events.slice(0, 19));
    expect(r).toMatchObject({ ok: true, workflowTasks: 3 });
  });

  it('an invalid event is a HistoryError naming the event, not a throw', async () => {
    const events = approved.events.map((e) => (e.eventId === 7 ? { ...e, scheduledEventId: 'five' } : e));
    const r = await replayHistory(source, events as unknown as HistoryEvent[]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'INVALID_HISTORY' });
    expect(r.error.message).toMatch(/event 7/);
  });

  it('a gap in event ids is a HistoryError', async () => {
    const r = await replayHistory(source, [...approved.events.slice(0, 5), ...approved.events.slice(6)], {
      validate: false,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/expected event 6 next, got 7/);
  });

  it('an empty history says so', async () => {
    const r = await replayHistory(source, []);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/is empty; a history starts with WorkflowExecutionStarted/);
  });

  it('replayHistories shares one sandbox and sums up', async () => {
    const broken = approved.events.map((e) =>
      e.eventType === 'ActivityTaskScheduled' && e.eventId === 11 ? { ...e, activityType: 'chargeCard' } : e,
    );
    const batch = await replayHistories(source, [
      approved,
      { events: broken, name: 'renamed' },
      approved.events,
    ]);
    expect(batch).toMatchObject({ ok: false, replayed: 2, failed: 1 });
    const failed = batch.results[1];
    expect(failed).toMatchObject({ ok: false, name: 'renamed' });
    if (failed && !failed.ok) expect(failed.error).toMatchObject({ code: 'NONDETERMINISM', eventId: 11 });
  });
});

describe('locateStack', () => {
  const bundle = {
    mapLocation: (line: number, column: number) =>
      line < 100
        ? { file: 'reprise:runtime/api.ts', line, column }
        : { file: 'src/order.ts', line: line - 100, column },
    isRuntimeFile: (file: string) => file.startsWith('reprise:'),
  };
  it('skips runtime frames and returns the first workflow frame', () => {
    const stack =
      'Error\n    at emit (bundle.js:10:5)\n    at orderWorkflow (bundle.js:142:9)\n    at bundle.js:150:1';
    expect(locateStack(stack, bundle)).toEqual({
      file: 'src/order.ts',
      line: 42,
      column: 9,
      frame: 'at orderWorkflow (bundle.js:142:9)',
    });
  });
  it('is undefined when no frame maps to workflow code', () => {
    expect(locateStack('Error\n    at emit (bundle.js:10:5)', bundle)).toBeUndefined();
  });
});
