/**
 * Binds the versioning calls (`patched`, `deprecatePatch`, `getVersion`) to the executing run: what
 * history recorded comes from `notifyPatch`/`notifyVersion` jobs, and markers become `recordMarker`
 * commands in order with the run's other commands.
 *
 * Sandbox-safe: no Node imports.
 */
import { bindVersioningHost, type VersioningHost } from '@reprise/versioning';
import { mutableRun } from './current.ts';
import type { Run } from './run.ts';

let bound: Run | undefined;

/**
 * Makes `run` the run the versioning calls serve. Binding resets their per-run decisions, so it
 * happens only when the executing run changes (once per run in a bundle, where each run evaluates
 * its own copy of the modules).
 */
export function bindVersioning(run: Run): void {
  if (bound === run) return;
  bound = run;
  const host: VersioningHost = {
    isReplaying: () => run.isReplaying,
    hasPatchMarker: (patchId) => run.patches.has(patchId),
    recordedVersion: (changeId) => run.versions.get(changeId),
    recordMarker: (marker) => {
      mutableRun(marker.markerName === 'patch' ? 'patched' : 'getVersion');
      run.emit({ kind: 'recordMarker', marker });
    },
  };
  bindVersioningHost(host);
}
