// Host binding: the run-side services the versioning calls use.

// Errors.
export {
  isVersioningError,
  UnsupportedVersionError,
  VersioningError,
  type VersioningMisuseCode,
  VersioningMisuseError,
} from './errors.ts';
// The versioning API workflow authors call (re-exported by @reprise/runtime/workflow).
export { DEFAULT_VERSION, getVersion } from './get-version.ts';
export type { VersioningHost, VersioningMarker } from './host.ts';
// Markers as recorded in history.
export { markerDetails, type VersioningMarkerDetails, versioningMarkerOf } from './markers.ts';
export { deprecatePatch, patched } from './patched.ts';
export { bindVersioningHost } from './state.ts';
