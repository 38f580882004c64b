/**
 * Connects the versioning calls (`patched`, `deprecatePatch`, `getVersion`) to a run: what history
 * recorded comes from `notifyPatch`/`notifyVersion` jobs, and markers become `recordMarker`
 * commands in order with the run's other commands.
 *
 * Sandbox-safe: no Node imports.
 */
import type { VersioningHost } from '@reprise/versioning';
import { mutableRun } from './current.ts';
import type { Run } from './run.ts';

/**
 * The versioning host of one run. The versioning module is shared by every run of a context and
 * keeps each run's decisions with its host, so a run keeps one host for its whole life and binds it
 * (`bindVersioningHost`) every time it starts executing.
 */
export function createVersioningHost(run: Run): VersioningHost {
  return {
    isReplaying: () => run.isReplaying,
    hasPatchMarker: (patchId) => run.patches.has(patchId),
    recordedVersion: (changeId) => run.versions.get(changeId),
    recordMarker: (marker) => {
      mutableRun(marker.markerName === 'patch' ? 'patched' : 'getVersion');
      run.emit({ kind: 'recordMarker', marker });
    },
  };
}
