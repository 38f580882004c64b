/**
 * The decision table of patched / deprecatePatch / getVersion against a scripted host: each row is
 * what history holds, whether the run replays, the calls made in order, and what they must return
 * and emit.
 */
import { describe, expect, it, vi } from 'vitest';
import { isVersioningError, UnsupportedVersionError } from './errors.ts';
import { FakeVersioningHost } from './fake-host.test-util.ts';
import { DEFAULT_VERSION, getVersion } from './get-version.ts';
import type { VersioningMarker } from './host.ts';
import { deprecatePatch, patched } from './patched.ts';
import { bindVersioningHost } from './state.ts';

type Call =
  | ['patched', string]
  | ['deprecatePatch', string]
  | ['getVersion', string, number, number]
  /** Replay caught up with the end of the history: the run continues live. */
  | ['goLive'];

interface Row {
  name: string;
  replaying: boolean;
  patches?: string[];
  versions?: Record<string, number>;
  calls: Call[];
  /** One entry per call: the value returned, or `{ code }` of the error thrown. */
  results: (boolean | number | undefined | { code: string })[];
  commands: VersioningMarker[];
}

const patch = (patchId: string, deprecated = false): VersioningMarker => ({
  markerName: 'patch',
  patchId,
  deprecated,
});
const version = (changeId: string, v: number): VersioningMarker => ({
  markerName: 'version',
  changeId,
  version: v,
});
const err = (code: string) => ({ code });

// biome-ignore format: one row per line reads as a table
const rows: Row[] = [
  // patched
  { name: 'patched live records a marker and takes the new path', replaying: false, calls: [['patched', 'p']], results: [true], commands: [patch('p')] },
  { name: 'patched on replay with the marker takes the new path and re-emits the marker', replaying: true, patches: ['p'], calls: [['patched', 'p']], results: [true], commands: [patch('p')] },
  { name: 'patched on replay without the marker keeps the old path and emits nothing', replaying: true, calls: [['patched', 'p']], results: [false], commands: [] },
  { name: 'patched live when the host already knows the marker takes the new path', replaying: false, patches: ['p'], calls: [['patched', 'p']], results: [true], commands: [patch('p')] },
  { name: 'patched twice live emits one marker', replaying: false, calls: [['patched', 'p'], ['patched', 'p']], results: [true, true], commands: [patch('p')] },
  { name: 'patched twice on replay with the marker emits one marker', replaying: true, patches: ['p'], calls: [['patched', 'p'], ['patched', 'p']], results: [true, true], commands: [patch('p')] },
  { name: 'a false decision stays false after replay catches up', replaying: true, calls: [['patched', 'p'], ['goLive'], ['patched', 'p']], results: [false, undefined, false], commands: [] },
  { name: 'a true decision made on replay stays true live without a second marker', replaying: true, patches: ['p'], calls: [['patched', 'p'], ['goLive'], ['patched', 'p']], results: [true, undefined, true], commands: [patch('p')] },
  { name: 'a patch first met live after replay records its marker', replaying: true, calls: [['goLive'], ['patched', 'p']], results: [undefined, true], commands: [patch('p')] },
  { name: 'patch ids are decided independently', replaying: true, patches: ['b'], calls: [['patched', 'a'], ['patched', 'b']], results: [false, true], commands: [patch('b')] },
  // deprecatePatch
  { name: 'deprecatePatch live records a deprecated marker', replaying: false, calls: [['deprecatePatch', 'p']], results: [undefined], commands: [patch('p', true)] },
  { name: 'deprecatePatch on replay with the marker matches it with a deprecated marker', replaying: true, patches: ['p'], calls: [['deprecatePatch', 'p']], results: [undefined], commands: [patch('p', true)] },
  { name: 'deprecatePatch on replay without the marker emits nothing', replaying: true, calls: [['deprecatePatch', 'p']], results: [undefined], commands: [] },
  { name: 'deprecatePatch twice emits one marker', replaying: false, calls: [['deprecatePatch', 'p'], ['deprecatePatch', 'p']], results: [undefined, undefined], commands: [patch('p', true)] },
  { name: 'patched after deprecatePatch of the same id reuses the decision', replaying: false, calls: [['deprecatePatch', 'p'], ['patched', 'p']], results: [undefined, true], commands: [patch('p', true)] },
  { name: 'deprecatePatch after a false patched decision emits nothing', replaying: true, calls: [['patched', 'p'], ['goLive'], ['deprecatePatch', 'p']], results: [false, undefined, undefined], commands: [] },
  // getVersion
  { name: 'getVersion live records and returns maxSupported', replaying: false, calls: [['getVersion', 'c', DEFAULT_VERSION, 2]], results: [2], commands: [version('c', 2)] },
  { name: 'getVersion live with a single-version range', replaying: false, calls: [['getVersion', 'c', 0, 0]], results: [0], commands: [version('c', 0)] },
  { name: 'getVersion on replay returns the recorded version and re-emits its marker', replaying: true, versions: { c: 1 }, calls: [['getVersion', 'c', DEFAULT_VERSION, 2]], results: [1], commands: [version('c', 1)] },
  { name: 'getVersion on replay without a marker returns DEFAULT_VERSION and emits nothing', replaying: true, calls: [['getVersion', 'c', DEFAULT_VERSION, 2]], results: [DEFAULT_VERSION], commands: [] },
  { name: 'getVersion live when the host knows a recorded version returns it', replaying: false, versions: { c: 1 }, calls: [['getVersion', 'c', 1, 3]], results: [1], commands: [version('c', 1)] },
  { name: 'DEFAULT_VERSION below minSupported is unsupported', replaying: true, calls: [['getVersion', 'c', 1, 2]], results: [err('UNSUPPORTED_VERSION')], commands: [] },
  { name: 'a recorded version below minSupported is unsupported', replaying: true, versions: { c: 1 }, calls: [['getVersion', 'c', 2, 3]], results: [err('UNSUPPORTED_VERSION')], commands: [] },
  { name: 'a recorded version above maxSupported (newer code wrote it) is unsupported', replaying: true, versions: { c: 4 }, calls: [['getVersion', 'c', 1, 3]], results: [err('UNSUPPORTED_VERSION')], commands: [] },
  { name: 'getVersion twice with the same range emits one marker', replaying: false, calls: [['getVersion', 'c', 1, 2], ['getVersion', 'c', 1, 2]], results: [2, 2], commands: [version('c', 2)] },
  { name: 'a later call may widen the range; the version stays', replaying: false, calls: [['getVersion', 'c', 1, 2], ['getVersion', 'c', DEFAULT_VERSION, 3]], results: [2, 2], commands: [version('c', 2)] },
  { name: 'a later call that raises minSupported is a misuse', replaying: false, calls: [['getVersion', 'c', 1, 2], ['getVersion', 'c', 2, 2]], results: [2, err('VERSION_RANGE_SHRANK')], commands: [version('c', 2)] },
  { name: 'a later call that lowers maxSupported is a misuse', replaying: false, calls: [['getVersion', 'c', 1, 3], ['getVersion', 'c', 1, 2]], results: [3, err('VERSION_RANGE_SHRANK')], commands: [version('c', 3)] },
  { name: 'shrinking is measured against the widest range so far', replaying: false, calls: [['getVersion', 'c', 1, 2], ['getVersion', 'c', 0, 2], ['getVersion', 'c', 1, 2]], results: [2, 2, err('VERSION_RANGE_SHRANK')], commands: [version('c', 2)] },
  { name: 'a DEFAULT_VERSION decision stays after replay catches up', replaying: true, calls: [['getVersion', 'c', DEFAULT_VERSION, 1], ['goLive'], ['getVersion', 'c', DEFAULT_VERSION, 1]], results: [DEFAULT_VERSION, undefined, DEFAULT_VERSION], commands: [] },
  { name: 'change ids are decided independently', replaying: true, versions: { b: 2 }, calls: [['getVersion', 'a', DEFAULT_VERSION, 2], ['getVersion', 'b', DEFAULT_VERSION, 2]], results: [DEFAULT_VERSION, 2], commands: [version('b', 2)] },
  // misuse
  { name: 'an empty patch id', replaying: false, calls: [['patched', '']], results: [err('INVALID_VERSIONING_ID')], commands: [] },
  { name: 'a non-string patch id', replaying: false, calls: [['deprecatePatch', 7 as unknown as string]], results: [err('INVALID_VERSIONING_ID')], commands: [] },
  { name: 'a non-string change id', replaying: false, calls: [['getVersion', null as unknown as string, 1, 2]], results: [err('INVALID_VERSIONING_ID')], commands: [] },
  { name: 'a patch id reused as a change id', replaying: false, calls: [['patched', 'x'], ['getVersion', 'x', 1, 1]], results: [true, err('ID_USED_BY_BOTH_APIS')], commands: [patch('x')] },
  { name: 'a change id reused as a patch id', replaying: false, calls: [['getVersion', 'x', 1, 1], ['patched', 'x']], results: [1, err('ID_USED_BY_BOTH_APIS')], commands: [version('x', 1)] },
  { name: 'a change id reused with deprecatePatch', replaying: true, calls: [['getVersion', 'x', DEFAULT_VERSION, 1], ['deprecatePatch', 'x']], results: [DEFAULT_VERSION, err('ID_USED_BY_BOTH_APIS')], commands: [] },
  { name: 'minSupported above maxSupported', replaying: false, calls: [['getVersion', 'c', 2, 1]], results: [err('INVALID_VERSION_RANGE')], commands: [] },
  { name: 'minSupported below DEFAULT_VERSION', replaying: false, calls: [['getVersion', 'c', -2, 1]], results: [err('INVALID_VERSION_RANGE')], commands: [] },
  { name: 'a non-integer bound', replaying: false, calls: [['getVersion', 'c', 0, 1.5]], results: [err('INVALID_VERSION_RANGE')], commands: [] },
  { name: 'a NaN bound', replaying: false, calls: [['getVersion', 'c', Number.NaN, 1]], results: [err('INVALID_VERSION_RANGE')], commands: [] },
];

function run(host: FakeVersioningHost, call: Call): unknown {
  switch (call[0]) {
    case 'patched':
      return patched(call[1]);
    case 'deprecatePatch':
      return deprecatePatch(call[1]);
    case 'getVersion':
      return getVersion(call[1], call[2], call[3]);
    case 'goLive':
      host.replaying = false;
      return undefined;
  }
}

describe('versioning decision table', () => {
  it.each(rows)('$name', (row) => {
    const host = new FakeVersioningHost(row);
    bindVersioningHost(host);
    const results = row.calls.map((call) => {
      try {
        return run(host, call);
      } catch (e) {
        expect(isVersioningError(e), String(e)).toBe(true);
        return { code: (e as { code: string }).code };
      }
    });
    expect(results).toEqual(row.results);
    expect(host.commands).toEqual(row.commands);
  });
});

describe('UnsupportedVersionError', () => {
  it('names the change id, the recorded version and the supported range', () => {
    bindVersioningHost(new FakeVersioningHost({ replaying: true, versions: { 'charge-first': 1 } }));
    let caught: unknown;
    try {
      getVersion('charge-first', 2, 3);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UnsupportedVersionError);
    const e = caught as UnsupportedVersionError;
    expect(e).toMatchObject({
      name: 'UnsupportedVersionError',
      code: 'UNSUPPORTED_VERSION',
      changeId: 'charge-first',
      recordedVersion: 1,
      minSupported: 2,
      maxSupported: 3,
      retryable: false,
    });
    expect(e.message).toContain("getVersion('charge-first')");
    expect(e.message).toContain('version 1');
    expect(e.message).toContain('[2, 3]');
  });

  it('says DEFAULT_VERSION when the history has no marker', () => {
    bindVersioningHost(new FakeVersioningHost({ replaying: true }));
    expect(() => getVersion('c', 0, 1)).toThrow(/no version marker \(DEFAULT_VERSION, -1\).*\[0, 1\]/);
  });
});

describe('binding', () => {
  it('binding a new host forgets the previous run’s decisions', () => {
    bindVersioningHost(new FakeVersioningHost({ replaying: false }));
    expect(patched('p')).toBe(true);
    const replaying = new FakeVersioningHost({ replaying: true });
    bindVersioningHost(replaying);
    expect(patched('p')).toBe(false);
    expect(replaying.commands).toEqual([]);
  });

  it('binding a host again brings back its run’s decisions (runs taking turns)', () => {
    const live = new FakeVersioningHost({ replaying: false });
    bindVersioningHost(live);
    expect(patched('p')).toBe(true);
    const other = new FakeVersioningHost({ replaying: true });
    bindVersioningHost(other);
    expect(patched('p')).toBe(false);
    bindVersioningHost(live);
    live.replaying = true;
    expect(patched('p')).toBe(true);
    expect(() => getVersion('p', 1, 1)).toThrow(/already used with patched/);
    expect(live.commands).toEqual([{ markerName: 'patch', patchId: 'p', deprecated: false }]);
    expect(other.commands).toEqual([]);
  });

  it('a call before any host is bound is a NOT_IN_WORKFLOW misuse', async () => {
    vi.resetModules();
    const fresh = await import('./index.ts');
    expect(() => fresh.patched('p')).toThrow(/outside workflow code/);
    try {
      fresh.getVersion('c', 1, 1);
    } catch (e) {
      expect(e).toMatchObject({ code: 'NOT_IN_WORKFLOW', name: 'VersioningMisuseError' });
      return;
    }
    expect.unreachable('getVersion without a host must throw');
  });
});
