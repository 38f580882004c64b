/**
 * `@reprise/runtime/workflow`: the API workflow authors import. The compiler always resolves this
 * module to the sandbox's own implementation.
 */

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
// Durations: milliseconds or strings such as '30s' and '7 days'.
export { type Duration, parseDuration } from './protocol/index.ts';
// Activities: typed stubs that schedule activities with timeouts and a retry policy.
export {
  type ActivityInterfaceFor,
  type ActivityOptions,
  proxyActivities,
  type RetryPolicy,
} from './sandbox-runtime/api/activities.ts';
// Cancellation scopes.
export { CancellationScope, type CancellationScopeOptions } from './sandbox-runtime/api/cancellation.ts';
// Child workflows and handles to other workflows.
export {
  type ChildWorkflowHandle,
  type ChildWorkflowOptions,
  type ExternalWorkflowHandle,
  executeChild,
  getExternalWorkflowHandle,
  startChild,
} from './sandbox-runtime/api/children.ts';
// Failures: what workflows throw on purpose and catch from activities and children.
export {
  ActivityFailure,
  ApplicationFailure,
  type ApplicationFailureOptions,
  CancelledFailure,
  ChildWorkflowFailure,
  isCancellation,
  isFailure,
  RepriseFailure,
  type RetryState,
  ServerFailure,
  TerminatedFailure,
  TimeoutFailure,
  type TimeoutType,
} from './sandbox-runtime/api/failures.ts';
// Signals, queries and updates.
export {
  defineQuery,
  defineSignal,
  defineUpdate,
  type QueryDefinition,
  type SignalDefinition,
  setHandler,
  type UpdateDefinition,
  type UpdateHandlerOptions,
} from './sandbox-runtime/api/handlers.ts';
// Run facts, deterministic ids, continue-as-new and the workflow logger.
export {
  type ContinueAsNewOptions,
  continueAsNew,
  log,
  makeContinueAsNewFunc,
  uuid4,
  type WorkflowInfo,
  workflowInfo,
} from './sandbox-runtime/api/info.ts';
// Durable waiting.
export { condition, sleep } from './sandbox-runtime/api/timers.ts';
