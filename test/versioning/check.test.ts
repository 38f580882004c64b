/**
 * checkVersions and its JUnit report over histories recorded by the in-process driver, replayed
 * through the real state machine against each code version of the patch lifecycle.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeVersions,
  checkVersions,
  type VersionedHistory,
  versionCheckJUnit,
} from '../../packages/versioning/src/analysis/index.ts';
import { deprecatePatch, patched } from '../../packages/versioning/src/index.ts';
import { type CodeVersion, HarnessRun, replayWith } from './harness.ts';

const v1: CodeVersion = {
  name: 'v1',
  program: async (w) => {
    await w.activity('A');
    await w.activity('B');
  },
};
const v2: CodeVersion = {
  name: 'v2',
  program: async (w) => {
    await w.activity('A');
    if (patched('fraud')) await w.activity('F');
    await w.activity('B');
  },
};
const v3: CodeVersion = {
  name: 'v3',
  program: async (w) => {
    await w.activity('A');
    deprecatePatch('fraud');
    await w.activity('F');
    await w.activity('B');
  },
};

/** Records a run with `code` for `tasks` workflow tasks (or to its end). */
async function record(code: CodeVersion, runId: string, tasks = 10): Promise<VersionedHistory> {
  const run = new HarnessRun(runId);
  for (let i = 0; i < tasks && !run.closed; i++) {
    const r = await run.attempt(code);
    if (!r.ok) throw r.error;
  }
  return {
    source: `${runId}.json`,
    workflowId: 'wf-1',
    runId,
    workflowType: 'order',
    open: !run.closed,
    events: run.history,
  };
}

const replayer = (codes: Record<string, CodeVersion>) => async (path: string, h: VersionedHistory) => {
  const r = await replayWith(codes[path]!, h.events);
  return r.ok ? { ok: true as const } : { ok: false as const, error: r.error };
};
const codes = { v1, v2, v3 };

describe('checkVersions', () => {
  it('v1 histories replay under v2; v1 histories past the patch point fail under v3; v2 histories pass under v3', async () => {
    const v1Done = await record(v1, 'v1-done');
    const v1Early = await record(v1, 'v1-early', 1); // has not reached the patch point
    const v2Done = await record(v2, 'v2-done');

    const underV2 = await checkVersions({
      workflowsPath: 'v2',
      histories: [v1Done, v1Early, v2Done],
      replay: replayer(codes),
    });
    expect(underV2).toMatchObject({ ok: true, total: 3, failed: 0 });
    expect(underV2.workflowTypes[0]!.branchCounts).toEqual([
      { branch: 'fraud: old path', replayed: 2, failed: 0 },
      { branch: 'fraud: patched', replayed: 1, failed: 0 },
    ]);

    const underV3 = await checkVersions({
      workflowsPath: 'v3',
      histories: [v1Done, v1Early, v2Done],
      replay: replayer(codes),
    });
    expect(underV3).toMatchObject({ ok: false, total: 3, failed: 1 });
    const [done, early, patchedRun] = underV3.workflowTypes[0]!.histories;
    expect(done).toMatchObject({ runId: 'v1-done', ok: false, failure: { code: 'NONDETERMINISM' } });
    // v3 schedules F where the v1 history records B (event 11).
    expect(done!.failure!.eventId).toBe(11);
    expect(done!.failure!.message).toContain('at event 11');
    expect(done!.failure!.message).toContain("'F'");
    expect(early).toMatchObject({ runId: 'v1-early', ok: true });
    expect(patchedRun).toMatchObject({
      runId: 'v2-done',
      ok: true,
      branches: [{ api: 'patch', id: 'fraud', marker: 'marker' }],
    });

    // The static report predicts the v3 failure: a run lacks the marker, so the patch is still needed.
    const report = analyzeVersions([v1Done, v2Done]);
    expect(report.usages[0]).toMatchObject({ id: 'fraud', verdict: 'needed' });
    expect(analyzeVersions([v2Done]).usages[0]).toMatchObject({ id: 'fraud', verdict: 'safe-to-deprecate' });
  });

  it('an empty set of histories is not ok', async () => {
    expect(await checkVersions({ workflowsPath: 'v2', histories: [], replay: replayer(codes) })).toEqual({
      ok: false,
      total: 0,
      failed: 0,
      workflowTypes: [],
    });
  });

  it('writes a JUnit report with one case per history and the diff in the failure', async () => {
    const histories = [await record(v1, 'v1-a'), await record(v2, 'v2-<b>')];
    const result = await checkVersions({ workflowsPath: 'v3', histories, replay: replayer(codes) });
    const xml = versionCheckJUnit(result);
    expect(xml).toContain('<testsuites name="reprise versions check" tests="2" failures="1">');
    expect(xml).toContain('<testsuite name="order" tests="2" failures="1">');
    expect(xml).toContain('<testcase classname="order" name="wf-1/v2-&lt;b&gt;" file="v2-&lt;b&gt;.json"/>');
    expect(xml).toMatch(
      /<failure type="NONDETERMINISM" message="NONDETERMINISM at event \d+">Nondeterminism in workflow/,
    );
  });
});
