/**
 * Reading versioning markers back out of history. A `MarkerRecorded` event carries the marker's name
 * in `markerName` and the rest of the {@link VersioningMarker} in `details`.
 *
 * Sandbox-safe: no Node imports.
 */
import { VersioningError } from './errors.ts';
import type { VersioningMarker } from './host.ts';

/** The `MarkerRecorded.details` of a versioning marker: the marker without its name. */
export type VersioningMarkerDetails =
  | Omit<Extract<VersioningMarker, { markerName: 'patch' }>, 'markerName'>
  | Omit<Extract<VersioningMarker, { markerName: 'version' }>, 'markerName'>;

/**
 * The versioning marker a `MarkerRecorded` event holds, or `undefined` for other markers (side
 * effects). A `patch` or `version` marker whose details are malformed throws a `VersioningError` with
 * code `MALFORMED_MARKER` naming the event and the field: a history that cannot be read is never
 * silently treated as "no marker".
 */
export function versioningMarkerOf(event: {
  eventId: number;
  markerName: string;
  details: Record<string, unknown>;
}): VersioningMarker | undefined {
  const { markerName, details } = event;
  if (markerName === 'patch') {
    const { patchId, deprecated } = details;
    if (typeof patchId !== 'string' || patchId.length === 0) throw malformed(event, 'patchId', patchId);
    if (deprecated !== undefined && typeof deprecated !== 'boolean') {
      throw malformed(event, 'deprecated', deprecated);
    }
    return { markerName, patchId, deprecated: deprecated === true };
  }
  if (markerName === 'version') {
    const { changeId, version } = details;
    if (typeof changeId !== 'string' || changeId.length === 0) throw malformed(event, 'changeId', changeId);
    if (!Number.isSafeInteger(version) || (version as number) < -1)
      throw malformed(event, 'version', version);
    return { markerName, changeId, version: version as number };
  }
  return undefined;
}

/** The `details` to record for a marker command (everything but its name). */
export function markerDetails(marker: VersioningMarker): VersioningMarkerDetails {
  if (marker.markerName === 'patch') return { patchId: marker.patchId, deprecated: marker.deprecated };
  return { changeId: marker.changeId, version: marker.version };
}

function malformed(event: { eventId: number; markerName: string }, field: string, got: unknown): Error {
  return new VersioningError(
    'MALFORMED_MARKER',
    `event ${event.eventId}: '${event.markerName}' marker has an invalid details.${field} ` +
      `(${JSON.stringify(got) ?? String(got)}). The history was written by other software or edited; ` +
      `restore it from the store or re-export it with 'reprise history export'.`,
  );
}
