/**
 * `@reprise/runtime/workflow`: the API workflow authors import. The compiler always resolves this
 * module to the sandbox's own implementation.
 */
export { type Duration, parseDuration } from './protocol/index.ts';

// Versioning: change workflow code while runs are in flight (see docs/versioning.md).
export {
  DEFAULT_VERSION,
  deprecatePatch,
  getVersion,
  isVersioningError,
  patched,
  UnsupportedVersionError,
  VersioningMisuseError,
} from '@reprise/versioning';
