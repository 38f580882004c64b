/**
 * Reads the versioning markers out of one history.
 */
import type { HistoryEvent } from '@reprise/history-store';
import { DEFAULT_VERSION } from '../get-version.ts';
import { versioningMarkerOf } from '../markers.ts';
import type { BranchTaken } from './types.ts';

/** The versioning markers of one history, by id. */
export interface HistoryMarkers {
  /** Patch id -> true when every marker for it was recorded by `deprecatePatch()`. */
  patches: Map<string, boolean>;
  /** Change id -> recorded version. */
  versions: Map<string, number>;
  /** True once the run completed a workflow task: before that its code took no branch. */
  decided: boolean;
}

/**
 * Collects the `patch` and `version` markers of a history.
 * @throws VersioningError `MALFORMED_MARKER` naming `source` and the event.
 */
export function scanHistory(events: readonly HistoryEvent[], source: string): HistoryMarkers {
  const patches = new Map<string, boolean>();
  const versions = new Map<string, number>();
  let decided = false;
  for (const event of events) {
    if (event.eventType === 'WorkflowTaskCompleted') decided = true;
    if (event.eventType !== 'MarkerRecorded') continue;
    let marker: ReturnType<typeof versioningMarkerOf>;
    try {
      marker = versioningMarkerOf(event);
    } catch (err) {
      (err as Error).message = `${source}: ${(err as Error).message}`;
      throw err;
    }
    if (marker?.markerName === 'patch') {
      patches.set(marker.patchId, (patches.get(marker.patchId) ?? true) && marker.deprecated);
    } else if (marker?.markerName === 'version' && !versions.has(marker.changeId)) {
      versions.set(marker.changeId, marker.version);
    }
  }
  return { patches, versions, decided };
}

/**
 * The branch a history takes for each patch id and change id in `ids` (ids that other histories of
 * the same workflow type record): a history without a marker took the old path / `DEFAULT_VERSION`.
 */
export function branchesTaken(
  markers: HistoryMarkers,
  ids: { patches: Iterable<string>; versions: Iterable<string> },
): BranchTaken[] {
  const out: BranchTaken[] = [];
  for (const id of [...ids.patches].sort()) {
    const deprecated = markers.patches.get(id);
    out.push({
      api: 'patch',
      id,
      marker: deprecated === undefined ? 'none' : deprecated ? 'deprecated' : 'marker',
    });
  }
  for (const id of [...ids.versions].sort()) {
    out.push({ api: 'version', id, version: markers.versions.get(id) ?? DEFAULT_VERSION });
  }
  return out;
}

/** One-line description of a branch, e.g. `add-fraud-check: patched` or `charge-first: v2`. */
export function describeBranch(b: BranchTaken): string {
  if (b.api === 'patch') {
    const what =
      b.marker === 'marker'
        ? 'patched'
        : b.marker === 'deprecated'
          ? 'patched (deprecated marker)'
          : 'old path';
    return `${b.id}: ${what}`;
  }
  return `${b.id}: ${b.version === DEFAULT_VERSION ? 'DEFAULT_VERSION' : `v${b.version}`}`;
}
