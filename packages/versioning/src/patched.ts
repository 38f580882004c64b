/**
 * `patched` and `deprecatePatch`: branch workflow code on whether a run started before or after a
 * change, with Temporal's semantics.
 *
 * Sandbox-safe: no Node imports.
 */
import { checkId, checkNotUsedByOther, currentHost, patchDecision, setPatchDecision } from './state.ts';

/**
 * Returns true when this run should take the new code path of the change named `patchId`, and
 * false when it must keep the old one because it already ran past this point with old code.
 *
 * Replay semantics, in full:
 * 1. The first call for `patchId` in a run decides; every later call in the same run returns the same
 *    answer without consulting history again (the decision is stable for the rest of the run, including
 *    after replay catches up and the run continues live).
 * 2. If the history holds a `patch` marker for `patchId` in the workflow task being replayed or in an
 *    earlier one, the answer is true and a `recordMarker` command `{ markerName: 'patch', patchId,
 *    deprecated: false }` is emitted; it matches the recorded marker.
 * 3. Otherwise, when the code runs live (not replaying), the answer is true and the same command is
 *    emitted: it becomes a `MarkerRecorded` event, so every later replay of this run takes the new path.
 * 4. Otherwise (replaying, and the history has no marker here) the answer is false and nothing is
 *    emitted: the run was first executed by code without the patch, so it must keep the old path.
 *
 * A marker is emitted at most once per patch id per run. Replaying a history whose marker for
 * `patchId` is not matched by a call here fails with a nondeterminism error, unless that marker was
 * recorded by {@link deprecatePatch} (deprecated markers may be left unmatched).
 *
 * Lifecycle of a change: (v2) `if (patched(id)) new() else old()`; once no open or retained run lacks
 * the marker (`reprise versions report` says "safe to deprecate"), (v3) `deprecatePatch(id); new()`;
 * once no open or retained run holds a non-deprecated marker ("safe to remove"), (v4) just `new()`.
 *
 * @param patchId A fixed, non-empty literal naming the change. Never reuse one for another change,
 *   and never pass it to {@link getVersion} as well.
 * @throws VersioningMisuseError `INVALID_VERSIONING_ID`, `ID_USED_BY_BOTH_APIS`, `NOT_IN_WORKFLOW`.
 * @example
 * ```ts
 * if (patched('add-fraud-check')) {
 *   if (!(await fraudCheck(orderId))) return `${orderId}:fraud`;
 * }
 * ```
 */
export function patched(patchId: string): boolean {
  return decide('patched', patchId, false);
}

/**
 * Marks the change named `patchId` as deployed everywhere: the code keeps only the new path, while
 * histories recorded by {@link patched} (which carry the marker) still replay.
 *
 * Replay semantics, in full:
 * 1. The first call for `patchId` in a run decides; later calls do nothing.
 * 2. If the history holds a `patch` marker for `patchId` in the workflow task being replayed or in an
 *    earlier one (deprecated or not), a `recordMarker` command `{ markerName: 'patch', patchId,
 *    deprecated: true }` is emitted; it matches the recorded marker.
 * 3. Otherwise, when the code runs live, the same command is emitted and recorded as a deprecated
 *    marker, which later code may leave unmatched once the call is deleted.
 * 4. Otherwise (replaying, and the history has no marker here) nothing is emitted. Such a run was
 *    first executed by code older than the patch: the old path it took is gone, so its replay fails
 *    on the first diverging command. Deploy `deprecatePatch` only when `reprise versions report`
 *    says the patch is safe to deprecate.
 *
 * Delete the call once `reprise versions report` says "safe to remove": no open or retained run
 * holds a non-deprecated marker for `patchId` (those markers must be matched by a call).
 *
 * @param patchId The id that the {@link patched} call used.
 * @throws VersioningMisuseError `INVALID_VERSIONING_ID`, `ID_USED_BY_BOTH_APIS`, `NOT_IN_WORKFLOW`.
 * @example
 * ```ts
 * deprecatePatch('add-fraud-check');
 * if (!(await fraudCheck(orderId))) return `${orderId}:fraud`;
 * ```
 */
export function deprecatePatch(patchId: string): void {
  decide('deprecatePatch', patchId, true);
}

function decide(api: string, patchId: string, deprecated: boolean): boolean {
  checkId(api, 'patch id', patchId);
  const host = currentHost(`${api}('${patchId}')`);
  const earlier = patchDecision(patchId);
  if (earlier !== undefined) return earlier;
  checkNotUsedByOther('patch', api, patchId);
  const taken = host.hasPatchMarker(patchId) || !host.isReplaying();
  setPatchDecision(patchId, taken);
  if (taken) host.recordMarker({ markerName: 'patch', patchId, deprecated });
  return taken;
}
