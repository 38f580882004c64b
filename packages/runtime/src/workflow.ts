/**
 * `@reprise/runtime/workflow`: the API workflow authors import. The compiler always resolves this
 * module to the sandbox's own implementation.
 */
export { type Duration, parseDuration } from './protocol/index.ts';
