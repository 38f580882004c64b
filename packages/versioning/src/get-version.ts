/**
 * `getVersion`: numbered versions of one change, with Cadence/Temporal-Go semantics.
 *
 * Sandbox-safe: no Node imports.
 */
import { UnsupportedVersionError, VersioningMisuseError } from './errors.ts';
import { checkId, checkNotUsedByOther, currentHost, setVersionDecision, versionDecision } from './state.ts';

/** The version `getVersion` returns for a run whose history has no marker for the change id. */
export const DEFAULT_VERSION = -1;

/**
 * Returns the version of the change `changeId` that this run follows, a number in
 * `[minSupported, maxSupported]`.
 *
 * Replay semantics, in full:
 * 1. The first call for `changeId` in a run decides; every later call in the same run returns the same
 *    version (stable for the rest of the run, including after replay catches up). A later call may
 *    widen the range but not shrink it: a larger `minSupported` or a smaller `maxSupported` than an
 *    earlier call for the same id is a `VERSION_RANGE_SHRANK` misuse error.
 * 2. If the history holds a `version` marker for `changeId` in the workflow task being replayed or in
 *    an earlier one, the answer is the recorded version, and a `recordMarker` command
 *    `{ markerName: 'version', changeId, version }` is emitted to match it.
 * 3. Otherwise, when the code runs live (not replaying), the answer is `maxSupported` and the same
 *    command records it, so every later replay of this run gets `maxSupported` back.
 * 4. Otherwise (replaying, and the history has no marker here) the answer is {@link DEFAULT_VERSION}
 *    (-1) and nothing is emitted: the run was first executed by code without this call.
 * 5. If the answer lies outside `[minSupported, maxSupported]`, the call throws an
 *    {@link UnsupportedVersionError} naming the change id, the recorded version and the range. It fails
 *    the workflow task (not the workflow): the run stays open, appends nothing, and waits for code that
 *    supports its version. In particular `DEFAULT_VERSION` is accepted only when `minSupported` is -1.
 *
 * Lifecycle of a change: (v2) `const v = getVersion(id, DEFAULT_VERSION, 1)` with a branch per
 * version; raise `minSupported` (and delete the branches below it) once `reprise versions report` says
 * no open or retained run uses those versions.
 *
 * @param changeId A fixed, non-empty literal naming the change; never also used with {@link patched}.
 * @param minSupported Oldest version this code still has a branch for (an integer >= -1).
 * @param maxSupported Newest version, recorded by new runs (an integer >= minSupported).
 * @throws UnsupportedVersionError when the recorded version is outside the range.
 * @throws VersioningMisuseError `INVALID_VERSIONING_ID`, `INVALID_VERSION_RANGE`, `VERSION_RANGE_SHRANK`,
 *   `ID_USED_BY_BOTH_APIS`, `NOT_IN_WORKFLOW`.
 * @example
 * ```ts
 * const v = getVersion('charge-before-ship', DEFAULT_VERSION, 1);
 * if (v === DEFAULT_VERSION) await shipOrder(orderId);
 * else await chargePayment(orderId, amountCents);
 * ```
 */
export function getVersion(changeId: string, minSupported: number, maxSupported: number): number {
  checkId('getVersion', 'change id', changeId);
  checkRange(changeId, minSupported, maxSupported);
  const host = currentHost(`getVersion('${changeId}')`);
  const earlier = versionDecision(changeId);
  if (earlier !== undefined) {
    if (minSupported > earlier.minSupported || maxSupported < earlier.maxSupported) {
      throw new VersioningMisuseError(
        'VERSION_RANGE_SHRANK',
        `getVersion('${changeId}', ${minSupported}, ${maxSupported}): an earlier call in this run ` +
          `supported [${earlier.minSupported}, ${earlier.maxSupported}]. Every call for one change id ` +
          `must support at least the versions of the first; use the same range everywhere.`,
      );
    }
    earlier.minSupported = minSupported;
    earlier.maxSupported = maxSupported;
    return earlier.version;
  }
  checkNotUsedByOther('version', 'getVersion', changeId);
  const recorded = host.recordedVersion(changeId);
  const version = recorded ?? (host.isReplaying() ? DEFAULT_VERSION : maxSupported);
  if (version < minSupported || version > maxSupported) {
    throw new UnsupportedVersionError(changeId, version, minSupported, maxSupported);
  }
  setVersionDecision(changeId, { version, minSupported, maxSupported });
  if (recorded !== undefined || !host.isReplaying()) {
    host.recordMarker({ markerName: 'version', changeId, version });
  }
  return version;
}

function checkRange(changeId: string, min: number, max: number): void {
  const ok = Number.isSafeInteger(min) && Number.isSafeInteger(max) && min >= DEFAULT_VERSION && min <= max;
  if (!ok) {
    throw new VersioningMisuseError(
      'INVALID_VERSION_RANGE',
      `getVersion('${changeId}', ${String(min)}, ${String(max)}): minSupported and maxSupported must be ` +
        `integers with DEFAULT_VERSION (-1) <= minSupported <= maxSupported.`,
    );
  }
}
