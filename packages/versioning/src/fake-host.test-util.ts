/**
 * A scripted {@link VersioningHost} for tests: what history holds and whether the run replays are
 * set by the test; emitted marker commands are collected in order.
 */
import type { VersioningHost, VersioningMarker } from './host.ts';

/** A {@link VersioningHost} whose state the test sets directly. */
export class FakeVersioningHost implements VersioningHost {
  replaying: boolean;
  /** Patch ids whose markers the history holds up to the task being replayed. */
  readonly patchMarkers: Set<string>;
  /** Versions the history holds up to the task being replayed, by change id. */
  readonly versions: Map<string, number>;
  readonly commands: VersioningMarker[] = [];

  constructor(opts: { replaying: boolean; patches?: string[]; versions?: Record<string, number> }) {
    this.replaying = opts.replaying;
    this.patchMarkers = new Set(opts.patches ?? []);
    this.versions = new Map(Object.entries(opts.versions ?? {}));
  }
  isReplaying(): boolean {
    return this.replaying;
  }
  hasPatchMarker(patchId: string): boolean {
    return this.patchMarkers.has(patchId);
  }
  recordedVersion(changeId: string): number | undefined {
    return this.versions.get(changeId);
  }
  recordMarker(marker: VersioningMarker): void {
    this.commands.push(marker);
  }
}
