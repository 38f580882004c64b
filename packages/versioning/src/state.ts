/**
 * Per-run state of the versioning calls: the bound host and every decision its run made so far.
 * One copy of this module serves every run of a sandbox context (runs take turns, and the runtime
 * binds the executing run's host each time it runs), so decisions are kept per host, never in a
 * module-level map that two runs would share.
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

/** The decisions of one run. */
interface Decisions {
  /** Patch id -> whether the patched branch is taken. Stable for the rest of the run once set. */
  patches: Map<string, boolean>;
  /** Change id -> the version chosen. Stable for the rest of the run once set. */
  versions: Map<string, VersionDecision>;
}

let host: VersioningHost | undefined;
let decisions: Decisions = { patches: new Map(), versions: new Map() };
/** Decisions by host: a run that runs again (after other runs took a turn) finds its own. */
const decisionsByHost = new WeakMap<VersioningHost, Decisions>();

/**
 * Binds the run the versioning calls serve until the next bind. The workflow runtime gives each run
 * its own host and binds it whenever that run starts executing, before any of its code runs. A host
 * bound for the first time starts with no decisions; binding a host again brings back its run's
 * decisions (runs in one sandbox take turns).
 */
export function bindVersioningHost(runHost: VersioningHost): void {
  if (runHost === host) return;
  host = runHost;
  let known = decisionsByHost.get(runHost);
  if (known === undefined) {
    known = { patches: new Map(), versions: new Map() };
    decisionsByHost.set(runHost, known);
  }
  decisions = known;
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
  return decisions.patches.get(patchId);
}

/** Records the decision for a patch id (after {@link checkNotUsedByOther}). */
export function setPatchDecision(patchId: string, taken: boolean): void {
  decisions.patches.set(patchId, taken);
}

/** Version decisions of this run (read and written by `getVersion`). */
export function versionDecision(changeId: string): VersionDecision | undefined {
  return decisions.versions.get(changeId);
}

/** Records the decision for a change id (after {@link checkNotUsedByOther}). */
export function setVersionDecision(changeId: string, decision: VersionDecision): void {
  decisions.versions.set(changeId, decision);
}

/** Throws when `id` is already in use by the other API (checked before any marker is emitted). */
export function checkNotUsedByOther(api: 'patch' | 'version', apiName: string, id: string): void {
  if (api === 'patch' && decisions.versions.has(id)) throw usedByBoth(apiName, id, 'getVersion');
  if (api === 'version' && decisions.patches.has(id)) throw usedByBoth(apiName, id, 'patched/deprecatePatch');
}

function usedByBoth(api: string, id: string, other: string): VersioningMisuseError {
  return new VersioningMisuseError(
    'ID_USED_BY_BOTH_APIS',
    `${api}('${id}'): '${id}' is already used with ${other} in this run. Patch ids and change ids ` +
      `share one namespace in a run's history; give this change its own id.`,
  );
}
