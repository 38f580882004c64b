/**
 * What the versioning calls need from the run they execute in. The workflow runtime binds one host
 * per run instance (`bindVersioningHost`) before any workflow code runs.
 *
 * Sandbox-safe: no Node imports.
 */

/** Marker command payloads recorded by the versioning calls. */
export type VersioningMarker =
  | { markerName: 'patch'; patchId: string; deprecated: boolean }
  | { markerName: 'version'; changeId: string; version: number };

/** The run-side services the versioning calls use. */
export interface VersioningHost {
  /** True while the current activation replays events already in history. */
  isReplaying(): boolean;
  /**
   * On replay: true when the history records a patch marker for `patchId` in the workflow task being
   * replayed (delivered as `notifyPatch` jobs), or recorded one earlier in the run.
   */
  hasPatchMarker(patchId: string): boolean;
  /** On replay: the version recorded for `changeId` (from `notifyVersion` jobs), if any. */
  recordedVersion(changeId: string): number | undefined;
  /** Emits a marker command (in order with the run's other commands). */
  recordMarker(marker: VersioningMarker): void;
}
