/**
 * Per-run state of the versioning calls: the bound host and every decision made so far. The compiler
 * evaluates this module afresh for every run, so module-level state here belongs to exactly one run.
 *
 * Sandbox-safe: no Node imports.
 */
import { VersioningMisuseError } from './errors.ts';
import type { VersioningHost } from './host.ts';

/** A `getVersion` decision and the widest range that asked for it so far. */
export interface VersionDecision {
  version: number;
  minSupported: number;
  maxSupported: number;
}

let host: VersioningHost | undefined;
/** Patch id -> whether the patched branch is taken. Stable for the rest of the run once set. */
const patchDecisions = new Map<string, boolean>();
/** Change id -> the version chosen. Stable for the rest of the run once set. */
const versionDecisions = new Map<string, VersionDecision>();

/**
 * Binds the run this module instance serves. The workflow runtime calls it once per run, before any
 * workflow code runs. Binding again starts over: every earlier decision is forgotten.
 */
export function bindVersioningHost(runHost: VersioningHost): void {
  host = runHost;
  patchDecisions.clear();
  versionDecisions.clear();
}

/** The bound host, or a clear error when a versioning call runs outside workflow code. */
export function currentHost(api: string): VersioningHost {
  if (host === undefined) {
    throw new VersioningMisuseError(
      'NOT_IN_WORKFLOW',
      `${api} was called outside workflow code: no run is bound. Call it only from a workflow ` +
        `function (or code it calls) running in a Reprise worker, replayer or test environment.`,
    );
  }
  return host;
}

/** Throws unless `id` is a non-empty string. */
export function checkId(api: string, what: string, id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    const got = typeof id === 'string' ? 'an empty string' : id === null ? 'null' : typeof id;
    throw new VersioningMisuseError(
      'INVALID_VERSIONING_ID',
      `${api}: the ${what} must be a non-empty string, got ${got}. Use a fixed, descriptive literal ` +
        `such as 'add-fraud-check': it is recorded in history and must not change between versions.`,
    );
  }
}

/** Patch decisions of this run (read and written by `patched`/`deprecatePatch`). */
export function patchDecision(patchId: string): boolean | undefined {
  return patchDecisions.get(patchId);
}

/** Records the decision for a patch id (after {@link checkNotUsedByOther}). */
export function setPatchDecision(patchId: string, taken: boolean): void {
  patchDecisions.set(patchId, taken);
}

/** Version decisions of this run (read and written by `getVersion`). */
export function versionDecision(changeId: string): VersionDecision | undefined {
  return versionDecisions.get(changeId);
}

/** Records the decision for a change id (after {@link checkNotUsedByOther}). */
export function setVersionDecision(changeId: string, decision: VersionDecision): void {
  versionDecisions.set(changeId, decision);
}

/** Throws when `id` is already in use by the other API (checked before any marker is emitted). */
export function checkNotUsedByOther(api: 'patch' | 'version', apiName: string, id: string): void {
  if (api === 'patch' && versionDecisions.has(id)) throw usedByBoth(apiName, id, 'getVersion');
  if (api === 'version' && patchDecisions.has(id)) throw usedByBoth(apiName, id, 'patched/deprecatePatch');
}

function usedByBoth(api: string, id: string, other: string): VersioningMisuseError {
  return new VersioningMisuseError(
    'ID_USED_BY_BOTH_APIS',
    `${api}('${id}'): '${id}' is already used with ${other} in this run. Patch ids and change ids ` +
      `share one namespace in a run's history; give this change its own id.`,
  );
}
