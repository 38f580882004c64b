// History event model: one definition, type and validator.

// Binary codec for payloads and events (msgpackr, with a format-version byte).
export {
  CodecError,
  type CodecErrorCode,
  decodeEvent,
  decodeEvents,
  decodePayload,
  encodeEvent,
  encodeEvents,
  encodePayload,
  PAYLOAD_FORMAT_VERSION,
} from './codec/index.ts';
// Errors.
export { isStoreError, StoreError } from './errors.ts';
export {
  closingEventTypes,
  type EventBase,
  type EventOf,
  type EventType,
  eventAttributes,
  eventTypes,
  type FailureInfo,
  failureInfo,
  failureSources,
  type HistoryEvent,
  isEventType,
  isHistoryEvent,
  type NewEvent,
  parentClosePolicies,
  type RetryPolicy,
  retryPolicy,
  retryStates,
  timeoutTypes,
  validateEvent,
} from './events/index.ts';
// The store contract.
export type {
  ActivityCompletionResult,
  ActivityOutcome,
  ActivityTask,
  ClaimOptions,
  Clock,
  HistoryStore,
  Lease,
  ListRunsFilter,
  PendingQuery,
  PendingUpdate,
  RetentionOptions,
  RunInfo,
  RunPage,
  RunRef,
  RunStatus,
  StartWorkflowRequest,
  StartWorkflowResult,
  WorkflowClaimOptions,
  WorkflowIdReusePolicy,
  WorkflowTask,
  WorkflowTaskCompletion,
  WorkflowTaskFailure,
} from './store/types.ts';
