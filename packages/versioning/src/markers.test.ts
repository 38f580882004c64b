import { describe, expect, it } from 'vitest';
import { markerDetails, versioningMarkerOf } from './markers.ts';

describe('versioningMarkerOf', () => {
  it('reads patch and version markers and round-trips their details', () => {
    const patch = versioningMarkerOf({
      eventId: 5,
      markerName: 'patch',
      details: { patchId: 'p', deprecated: true },
    });
    expect(patch).toEqual({ markerName: 'patch', patchId: 'p', deprecated: true });
    expect(markerDetails(patch!)).toEqual({ patchId: 'p', deprecated: true });
    const version = versioningMarkerOf({
      eventId: 6,
      markerName: 'version',
      details: { changeId: 'c', version: 2 },
    });
    expect(version).toEqual({ markerName: 'version', changeId: 'c', version: 2 });
    expect(markerDetails(version!)).toEqual({ changeId: 'c', version: 2 });
  });

  it('treats a patch marker without `deprecated` as not deprecated', () => {
    expect(versioningMarkerOf({ eventId: 1, markerName: 'patch', details: { patchId: 'p' } })).toEqual({
      markerName: 'patch',
      patchId: 'p',
      deprecated: false,
    });
  });

  it('ignores other markers', () => {
    expect(
      versioningMarkerOf({ eventId: 1, markerName: 'sideEffect', details: { id: 'x' } }),
    ).toBeUndefined();
  });

  it.each([
    ['patch', { deprecated: false }, /event 9: 'patch' marker has an invalid details.patchId/],
    ['patch', { patchId: 'p', deprecated: 'yes' }, /details.deprecated \("yes"\)/],
    ['version', { changeId: '', version: 1 }, /details.changeId/],
    ['version', { changeId: 'c', version: 1.5 }, /details.version \(1.5\)/],
    ['version', { changeId: 'c', version: -2 }, /details.version \(-2\)/],
  ])('rejects a malformed %s marker %j', (markerName, details, message) => {
    expect(() => versioningMarkerOf({ eventId: 9, markerName, details })).toThrow(message);
  });
});
