/**
 * The versioning rules as a property: for any interleaving of code versions across the workflow
 * tasks of one run (each attempt at a task on its own version, a failed attempt retried by the next
 * version), each attempt replays exactly when the rules in docs/versioning.md say it should, and a
 * failed attempt appends nothing.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VERSION, deprecatePatch, getVersion, patched } from '../../packages/versioning/src/index.ts';
import { type CodeVersion, HarnessRun } from './harness.ts';

// The change: a fraud check F between the inventory check A and the charge B.
const patchVersions: CodeVersion[] = [
  {
    name: 'v1',
    program: async (w) => {
      await w.activity('A');
      await w.activity('B');
    },
  },
  {
    name: 'v2-patched',
    program: async (w) => {
      await w.activity('A');
      if (patched('fraud')) await w.activity('F');
      await w.activity('B');
    },
  },
  {
    name: 'v3-deprecated',
    program: async (w) => {
      await w.activity('A');
      deprecatePatch('fraud');
      await w.activity('F');
      await w.activity('B');
    },
  },
  {
    name: 'v4-removed',
    program: async (w) => {
      await w.activity('A');
      await w.activity('F');
      await w.activity('B');
    },
  },
];

/** What a run recorded at the decision point (task 2): its marker and whether it ran F. */
type PatchState = { marker: 'none' | 'patched' | 'deprecated'; ranF: boolean };

/** The rules: which code replays a run in a given state (docs/versioning.md, "Replay rules"). */
function patchReplays(code: string, s: PatchState): boolean {
  switch (code) {
    case 'v1':
      return !s.ranF;
    case 'v2-patched':
      return s.marker === 'none' ? !s.ranF : s.ranF;
    case 'v3-deprecated':
      return s.ranF;
    case 'v4-removed':
      return s.ranF && s.marker !== 'patched';
  }
  throw new Error(code);
}

/** What each version records when it is the one that passes the decision point live. */
const patchLive: Record<string, PatchState> = {
  v1: { marker: 'none', ranF: false },
  'v2-patched': { marker: 'patched', ranF: true },
  'v3-deprecated': { marker: 'deprecated', ranF: true },
  'v4-removed': { marker: 'none', ranF: true },
};

// A numbered change: F for version 1, G for version 2, nothing for DEFAULT_VERSION.
const numberedVersions: CodeVersion[] = [
  {
    name: 'g0',
    program: async (w) => {
      await w.activity('A');
      await w.activity('B');
    },
  },
  {
    name: 'g1',
    program: async (w) => {
      await w.activity('A');
      if (getVersion('charge', DEFAULT_VERSION, 1) === 1) await w.activity('F');
      await w.activity('B');
    },
  },
  {
    name: 'g1-min',
    program: async (w) => {
      await w.activity('A');
      getVersion('charge', 1, 1);
      await w.activity('F');
      await w.activity('B');
    },
  },
  {
    name: 'g2',
    program: async (w) => {
      await w.activity('A');
      const v = getVersion('charge', DEFAULT_VERSION, 2);
      if (v === 2) await w.activity('G');
      else if (v === 1) await w.activity('F');
      await w.activity('B');
    },
  },
];

/** Recorded version at the decision point (`DEFAULT_VERSION` when none). The path follows from it. */
function numberedReplays(code: string, recorded: number): boolean {
  switch (code) {
    case 'g0':
      return recorded === DEFAULT_VERSION; // an unmatched version marker is nondeterminism
    case 'g1':
      return recorded <= 1; // DEFAULT or 1 in [-1, 1]; 2 is unsupported
    case 'g1-min':
      return recorded === 1; // DEFAULT is below minSupported 1
    case 'g2':
      return true;
  }
  throw new Error(code);
}

const numberedLive: Record<string, number> = { g0: DEFAULT_VERSION, g1: 1, 'g1-min': 1, g2: 2 };

async function runInterleaving<S>(
  versions: CodeVersion[],
  attempts: number[],
  replays: (code: string, state: S) => boolean,
  live: Record<string, S>,
): Promise<void> {
  const run = new HarnessRun();
  let tasksDone = 0;
  let state: S | undefined;
  for (const index of attempts) {
    if (run.closed) break;
    const code = versions[index]!;
    const expected = state === undefined || replays(code.name, state);
    const before = run.history.length;
    const result = await run.attempt(code);
    const context = `${code.name} on ${JSON.stringify(state)} (activities ${run.activities().join(',')})`;
    expect(result.ok, `${context}: ${result.ok ? 'replayed' : result.error.message}`).toBe(expected);
    if (!result.ok) {
      expect(run.history.length, 'a failed attempt appends nothing').toBe(before);
      expect((result.error as { code?: string }).code).toMatch(/^(NONDETERMINISM|UNSUPPORTED_VERSION)$/);
      continue;
    }
    tasksDone++;
    // Task 2 runs the code after A completes: the decision point.
    if (tasksDone === 2) state = live[code.name];
  }
}

describe('versioning rules across code versions of one run', () => {
  it('patched / deprecatePatch / removal: each attempt replays exactly when the rules say', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: patchVersions.length - 1 }), { minLength: 1, maxLength: 10 }),
        (a) => runInterleaving(patchVersions, a, patchReplays, patchLive),
      ),
      { numRuns: 300 },
    );
  });

  it('getVersion with raised minSupported and a second version: each attempt replays exactly when the rules say', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: numberedVersions.length - 1 }), { minLength: 1, maxLength: 10 }),
        (a) => runInterleaving(numberedVersions, a, numberedReplays, numberedLive),
      ),
      { numRuns: 300 },
    );
  });

  it('the worked migration: v1 run blocked under v3, finished by v2', async () => {
    const run = new HarnessRun();
    const [v1, v2, v3] = patchVersions as [CodeVersion, CodeVersion, CodeVersion];
    expect(await run.attempt(v1)).toEqual({ ok: true, closed: false });
    expect(await run.attempt(v1)).toEqual({ ok: true, closed: false }); // passes the point without F
    const blocked = await run.attempt(v3);
    expect(blocked.ok).toBe(false);
    expect(!blocked.ok && blocked.error.message).toMatch(/Nondeterminism/);
    expect(await run.attempt(v2)).toEqual({ ok: true, closed: true });
    expect(run.activities()).toEqual(['A', 'B']);
  });
});
