/**
 * The classic determinism bugs, each in a deliberately broken workflow under fixtures/broken (and
 * the unguarded v2 of the versioned order workflow): `checkDeterminism` must find each on its own,
 * within the default number of schedules, name the property that catches it, shrink the schedule
 * to the few facts that matter, and write a history that shows it. The classes of bug the sandbox
 * rules out are checked too: they must pass, or fail loudly, never silently.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHistoryFile } from '@reprise/history-store';
import { isNondeterminismError, replayHistory } from '@reprise/runtime';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckDeterminismOptions,
  checkDeterminism,
  DeterminismCheckError,
  type WorkflowUnderTest,
} from './index.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const broken = (file: string, workflowType: string): WorkflowUnderTest => ({
  workflowsPath: `${root}fixtures/broken/${file}`,
  workflowType,
});

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'reprise-broken-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** Runs the check, expecting it to fail; returns the error and the report it logged. */
async function failure(
  workflow: WorkflowUnderTest,
  options: CheckDeterminismOptions,
): Promise<{ error: DeterminismCheckError; report: string }> {
  const logged: string[] = [];
  const outcome = await checkDeterminism(workflow, { ...options, outDir, log: (t) => logged.push(t) }).then(
    (stats) => ({ stats }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome))
    throw new Error(`${workflow.workflowType}: the bug was not found in ${outcome.stats.runs} schedules`);
  if (!(outcome.error instanceof DeterminismCheckError)) throw outcome.error;
  expect(logged).toEqual([outcome.error.message]);
  return { error: outcome.error, report: logged[0]! };
}

const order = fc.record({
  orderId: fc.constantFrom('o-1', 'o-2'),
  amountCents: fc.nat(10_000),
  items: fc.constant([]),
});
const quoteOptions: CheckDeterminismOptions = {
  inputs: fc.tuple(fc.constant('cart-1')),
  activities: { charge: fc.constant('ch_1') },
  signals: { addItem: fc.tuple(fc.constantFrom('tea', 'mug')), checkout: fc.constant([]) },
  queries: { quote: fc.constant([]) },
};

describe('checkDeterminism finds the classic bugs on its own', () => {
  // Several seeds: finding the bug must not hinge on one lucky seed.
  for (const seed of [1, 2, 3]) {
    it(`module-level state that outlives a cached instance (crash equivalence, seed ${seed})`, async () => {
      const { error, report } = await failure(broken('module-cache.ts', 'quoteCacheWorkflow'), {
        ...quoteOptions,
        seed,
      });
      expect(error.property).toBe('crash-equivalence');
      // Shrunk to the essentials: one item, one query, then one lost instance after it.
      expect(error.schedule.signals.filter((s) => s.name === 'addItem')).toHaveLength(1);
      expect(error.schedule.queries).toHaveLength(1);
      expect(error.schedule.disruptions).toHaveLength(1);
      expect(error.schedule.disruptions[0]!.afterTask).toBeGreaterThanOrEqual(
        error.schedule.queries[0]!.afterTask,
      );
      expect(error.explanation).toMatch(/- uninterrupted: scheduleActivity charge\("cart-1", 0\)/);
      expect(error.explanation).toMatch(/\+ resumed: +scheduleActivity charge\("cart-1", 500\)/);
      expect(report).toContain(`seed: ${error.seed}, path: ${JSON.stringify(error.path)}`);
      // The uninterrupted run's history replays on its own: only losing an instance shows the bug.
      const history = await readHistoryFile(error.historyFile!);
      expect(history.header.determinism).toMatchObject({ property: 'crash-equivalence', seed: error.seed });
      expect(
        (await replayHistory({ workflowsPath: `${root}fixtures/broken/module-cache.ts` }, history)).ok,
      ).toBe(true);
    });
  }

  it('the printed seed and path replay exactly the shrunk schedule', async () => {
    const first = await failure(broken('module-cache.ts', 'quoteCacheWorkflow'), {
      ...quoteOptions,
      seed: 1,
    });
    const again = await failure(broken('module-cache.ts', 'quoteCacheWorkflow'), {
      ...quoteOptions,
      seed: first.error.seed,
      path: first.error.path,
    });
    expect(again.error.runs).toBe(1);
    expect(again.error.schedule).toEqual(first.error.schedule);
    expect(again.error.explanation).toBe(first.error.explanation);
  });

  it('branching on a value that differs between execution and replay (replay determinism)', async () => {
    const { error } = await failure(broken('replay-gated.ts', 'welcomeWorkflow'), {
      inputs: fc.tuple(fc.constantFrom('u-1', 'u-2')),
      activities: {
        loadProfile: fc.record({ name: fc.constantFrom('ana', 'bo'), plan: fc.constantFrom('pro', 'free') }),
        sendEmail: fc.constant('m-1'),
      },
      seed: 1,
    });
    expect(error.property).toBe('replay-determinism');
    // Shrunk: one successful profile load and one e-mail, nothing else happening.
    expect(error.schedule.activities.loadProfile).toEqual([
      expect.objectContaining({ kind: 'success', latencyMs: 1 }),
    ]);
    expect(error.schedule.signals).toEqual([]);
    expect(error.schedule.disruptions).toEqual([]);
    expect(error.explanation).toMatch(/fixtures\/broken\/replay-gated\.ts:\d+/);
    // The written history is a regression fixture: the replay gate fails on it.
    const result = await replayHistory(
      { workflowsPath: `${root}fixtures/broken/replay-gated.ts` },
      await readHistoryFile(error.historyFile!),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(isNondeterminismError(result.error)).toBe(true);
  });

  it('iterating a set filled from a source the history does not record (replay determinism)', async () => {
    const { error } = await failure(broken('validator-set.ts', 'restockWorkflow'), {
      inputs: fc.tuple(fc.constant('s-1')),
      updates: { requestItem: fc.tuple(fc.constantFrom('tea', 'mug', 'old-tea')) },
      signals: { close: fc.constant([]) },
      seed: 1,
    });
    expect(error.property).toBe('replay-determinism');
    expect(error.schedule.updates).toHaveLength(1);
    expect(error.explanation).toContain("'reorder'");
    const result = await replayHistory(
      { workflowsPath: `${root}fixtures/broken/validator-set.ts` },
      await readHistoryFile(error.historyFile!),
    );
    expect(result.ok).toBe(false);
  });

  it('an unguarded code change between two versions (version compatibility)', async () => {
    const { error } = await failure(
      { workflowsPath: `${root}fixtures/versioning/v2-broken/order.ts`, workflowType: 'orderWorkflow' },
      {
        inputs: fc.tuple(order),
        activities: {
          checkInventory: fc.record({ ok: fc.boolean(), reserved: fc.nat(5) }),
          chargePayment: fc.constant('ch_1'),
          fraudCheck: fc.record({ ok: fc.boolean(), score: fc.nat(100) }),
          fulfil: fc.constant('trk_1'),
          refund: fc.constant('re_1'),
        },
        signals: { approve: fc.tuple(fc.constantFrom('ana', 'bo')) },
        previousVersions: [`${root}fixtures/versioning/v1/order.ts`],
        seed: 1,
      },
    );
    expect(error.property).toBe('version-compatibility');
    expect(error.explanation).toMatch(/- history: \d+ ActivityTaskScheduled 'chargePayment'/);
    expect(error.explanation).toMatch(/fixtures\/versioning\/v2-broken\/order\.ts:\d+/);
    expect(error.schedule.activities.checkInventory).toEqual([
      expect.objectContaining({ kind: 'success', result: expect.objectContaining({ ok: true }) }),
    ]);
    const history = await readHistoryFile(error.historyFile!);
    expect(history.header.buildId).toBeDefined();
    const underNew = await replayHistory(
      { workflowsPath: `${root}fixtures/versioning/v2-broken/order.ts` },
      history,
    );
    expect(underNew.ok).toBe(false);
    const underOld = await replayHistory(
      { workflowsPath: `${root}fixtures/versioning/v1/order.ts` },
      history,
    );
    expect(underOld.ok).toBe(true);
  });
});

describe('classes of bug the sandbox rules out', () => {
  it('module-level state does not carry from one run into the next, nor into a replay', async () => {
    const stats = await checkDeterminism(broken('neutralized/module-counter.ts', 'moduleCounterWorkflow'), {
      inputs: fc.tuple(fc.constantFrom('a', 'b')),
      activities: { step: fc.constant('ok') },
      log: () => {},
    });
    // Hundreds of runs, replays and rebuilt instances in shared sandboxes: every run was run 1.
    expect(stats.resumes).toBeGreaterThan(0);
    expect(stats.statuses.completed).toBeGreaterThan(0);
  });

  it('a host value captured at module scope fails loudly at load instead of diverging on replay', async () => {
    const check = checkDeterminism(broken('neutralized/module-clock.ts', 'moduleClockWorkflow'), {
      inputs: fc.constant([]),
      log: () => {},
    });
    await expect(check).rejects.toThrow(
      /Date\.now cannot be used in workflow code: it was called outside a workflow activation/,
    );
  });
});
