// Host binding: the run-side services the versioning calls use.
export type { VersioningHost, VersioningMarker } from './host.ts';
