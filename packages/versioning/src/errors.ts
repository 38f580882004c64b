/**
 * The versioning package's error hierarchy. Every error has a string `code`; none is retryable with
 * the same code. Identity survives the sandbox boundary and module duplication (each run evaluates
 * its own copy of this module): check with {@link isVersioningError} or by `code`/`name`, not only
 * with `instanceof`.
 *
 * Sandbox-safe: no Node imports.
 */
const BRAND = Symbol.for('reprise.versioning-error');

/** Codes of {@link VersioningMisuseError}. */
export type VersioningMisuseCode =
  /** A patch id or change id that is not a non-empty string. */
  | 'INVALID_VERSIONING_ID'
  /** The same id passed to `patched`/`deprecatePatch` and to `getVersion` in one run. */
  | 'ID_USED_BY_BOTH_APIS'
  /** `getVersion` bounds that are not integers >= DEFAULT_VERSION with min <= max. */
  | 'INVALID_VERSION_RANGE'
  /** A later `getVersion` call for a change id supports fewer versions than an earlier one. */
  | 'VERSION_RANGE_SHRANK'
  /** A versioning call outside workflow code (no run bound). */
  | 'NOT_IN_WORKFLOW';

/** Base class of every error the versioning package throws on purpose. */
export class VersioningError extends Error {
  /** Stable machine-readable code, e.g. `UNSUPPORTED_VERSION`, `ID_USED_BY_BOTH_APIS`. */
  readonly code: string;
  /** Always false: the same code replaying the same history fails the same way. */
  readonly retryable = false;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for any {@link VersioningError}, including one from another copy of this module. */
export function isVersioningError(err: unknown): err is VersioningError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * The history recorded a version for a change id that the running code no longer supports (or no
 * version, `DEFAULT_VERSION`, where the code's `minSupported` is above it). Fails the workflow task,
 * not the workflow: the run stays open until code that supports the version picks it up.
 */
export class UnsupportedVersionError extends VersioningError {
  readonly changeId: string;
  /** The version the history holds (`DEFAULT_VERSION`, -1, when it holds no marker). */
  readonly recordedVersion: number;
  readonly minSupported: number;
  readonly maxSupported: number;
  constructor(changeId: string, recordedVersion: number, minSupported: number, maxSupported: number) {
    const recorded =
      recordedVersion === -1 ? 'no version marker (DEFAULT_VERSION, -1)' : `version ${recordedVersion}`;
    super(
      'UNSUPPORTED_VERSION',
      `getVersion('${changeId}'): the history records ${recorded}, outside the supported range ` +
        `[${minSupported}, ${maxSupported}]. This run was started by code older or newer than this ` +
        `worker's. Keep the branch for version ${recordedVersion} (lower minSupported to include it) ` +
        `until no open or retained run uses it; 'reprise versions report' lists who still does.`,
    );
    this.changeId = changeId;
    this.recordedVersion = recordedVersion;
    this.minSupported = minSupported;
    this.maxSupported = maxSupported;
  }
}

/** A versioning call used in a way that cannot be replayed safely. Fails the workflow task. */
export class VersioningMisuseError extends VersioningError {
  override readonly code: VersioningMisuseCode;
  constructor(code: VersioningMisuseCode, message: string) {
    super(code, message);
    this.code = code;
  }
}
