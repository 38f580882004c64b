import { describe, expect, it } from 'vitest';
import { analyzeVersions } from './analyze.ts';
import { buildHistory, mark } from './history-builder.test-util.ts';
import type { PatchUsage, VersionUsage } from './types.ts';

const P = 'add-fraud-check';

function patchUsage(report: ReturnType<typeof analyzeVersions>, id = P): PatchUsage {
  const u = report.usages.find((x) => x.api === 'patch' && x.id === id);
  if (u?.api !== 'patch') throw new Error(`no usage for ${id}`);
  return u;
}

describe('analyzeVersions: patches', () => {
  it('a patch is needed while an open run lacks its marker', () => {
    const report = analyzeVersions([
      buildHistory({ open: true }),
      buildHistory({ open: false }),
      buildHistory({ open: true, markers: [mark.patch(P)] }),
    ]);
    const u = patchUsage(report);
    expect(u.verdict).toBe('needed');
    expect(u.branches.map((b) => [b.branch, b.counts])).toEqual([
      ['old path (no marker)', { open: 1, closed: 1 }],
      ['patched() marker', { open: 1, closed: 0 }],
      ['deprecatePatch() marker', { open: 0, closed: 0 }],
    ]);
    expect(u.branches[0].verdict).toBe('still needed by 1 open run and 1 retained closed run');
    expect(u.summary).toBe(
      `still needed by 1 open run and 1 retained closed run: keep patched('${P}') and its old path`,
    );
  });

  it('retained closed runs without the marker also block deprecation', () => {
    const u = patchUsage(
      analyzeVersions([
        buildHistory({ open: false }),
        buildHistory({ open: true, markers: [mark.patch(P)] }),
      ]),
    );
    expect(u.verdict).toBe('needed');
    expect(u.branches[0].verdict).toBe('still needed by 1 retained closed run (no open run)');
  });

  it('a patch every run carries is safe to deprecate', () => {
    const u = patchUsage(
      analyzeVersions([
        buildHistory({ open: true, markers: [mark.patch(P)] }),
        buildHistory({ open: false, markers: [mark.patch(P)] }),
        buildHistory({ open: true, markers: [mark.patch(P, true)] }),
      ]),
    );
    expect(u.verdict).toBe('safe-to-deprecate');
    expect(u.branches[0].verdict).toBe('safe to delete: no run lacks the marker');
    expect(u.summary).toContain(`replace patched('${P}') with deprecatePatch('${P}')`);
  });

  it('a patch whose runs all carry deprecated markers is safe to remove', () => {
    const u = patchUsage(
      analyzeVersions([
        buildHistory({ open: true, markers: [mark.patch(P, true)] }),
        buildHistory({ open: false, markers: [mark.patch(P, true)] }),
      ]),
    );
    expect(u.verdict).toBe('safe-to-remove');
    expect(u.summary).toContain(`delete deprecatePatch('${P}')`);
  });

  it('runs that completed no workflow task count for nothing', () => {
    const report = analyzeVersions([
      buildHistory({ open: true, decided: false }),
      buildHistory({ open: true, markers: [mark.patch(P)] }),
    ]);
    expect(report.undecided).toEqual({ open: 1, closed: 0 });
    expect(report.histories).toEqual({ open: 2, closed: 0 });
    expect(patchUsage(report).verdict).toBe('safe-to-deprecate');
  });

  it('patch ids are per workflow type', () => {
    const report = analyzeVersions([
      buildHistory({ workflowType: 'saga' }),
      buildHistory({ workflowType: 'order', markers: [mark.patch(P)] }),
    ]);
    expect(report.usages.map((u) => [u.workflowType, u.id])).toEqual([['order', P]]);
    expect(patchUsage(report).verdict).toBe('safe-to-deprecate');
  });
});

describe('analyzeVersions: versions', () => {
  function versionUsage(report: ReturnType<typeof analyzeVersions>): VersionUsage {
    const u = report.usages.find((x) => x.api === 'version');
    if (u?.api !== 'version') throw new Error('no version usage');
    return u;
  }

  it('counts runs per version, DEFAULT_VERSION for runs without a marker', () => {
    const u = versionUsage(
      analyzeVersions([
        buildHistory({ open: true }),
        buildHistory({ open: true, markers: [mark.version('c', 1)] }),
        buildHistory({ open: false, markers: [mark.version('c', 2)] }),
        buildHistory({ open: true, markers: [mark.version('c', 2)] }),
      ]),
    );
    expect(u.branches.map((b) => [b.version, b.counts, b.verdictKind])).toEqual([
      [2, { open: 1, closed: 1 }, 'needed'],
      [1, { open: 1, closed: 0 }, 'needed'],
      [-1, { open: 1, closed: 0 }, 'needed'],
    ]);
    expect(u.minInUse).toBe(-1);
    expect(u.summary).toContain('keep minSupported at DEFAULT_VERSION (-1)');
  });

  it('says how far minSupported can be raised', () => {
    const u = versionUsage(
      analyzeVersions([
        buildHistory({ open: false, markers: [mark.version('c', 1)] }),
        buildHistory({ open: true, markers: [mark.version('c', 2)] }),
      ]),
    );
    expect(u.branches.map((b) => [b.version, b.verdict])).toEqual([
      [2, 'still needed by 1 open run'],
      [1, 'still needed by 1 retained closed run (no open run)'],
      [-1, 'safe to remove: no open or retained run follows it'],
    ]);
    expect(u.minInUse).toBe(1);
    expect(u.summary).toBe("minSupported can be raised to 1 in getVersion('c'); branches below it can go");
  });

  it('reports an id recorded both as a patch and as a change id', () => {
    const a = buildHistory({ markers: [mark.patch('x')] });
    const b = buildHistory({ markers: [mark.version('x', 1)] });
    const report = analyzeVersions([a, b]);
    expect(report.conflicts).toEqual([
      { workflowType: 'order', id: 'x', patchSources: [a.source], versionSources: [b.source] },
    ]);
  });

  it('a malformed marker names the history it is in', () => {
    const h = buildHistory({ markers: [mark.version('c', 1)] });
    const marker = h.events.find((e) => e.eventType === 'MarkerRecorded')!;
    (marker as { details: Record<string, unknown> }).details = { changeId: 'c', version: 'one' };
    expect(() => analyzeVersions([h])).toThrow(new RegExp(`^${h.source}: event 5: 'version' marker`));
  });
});
