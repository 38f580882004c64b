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
// History event model: one definition, type and validator.
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
// History files: JSON and msgpack with a header, tagged JSON, folders and JSONL corpora.
export {
  fromTaggedJson,
  HISTORY_FILE_EXTENSIONS,
  HISTORY_FORMAT,
  HISTORY_FORMAT_VERSION,
  type History,
  HistoryFileError,
  type HistoryFileFormat,
  type HistoryFileLocation,
  type HistoryFromEventsOptions,
  type HistoryHeader,
  historyFromEvents,
  iterateHistoryFiles,
  type JsonValue,
  type LoadedHistory,
  listHistoryFiles,
  type ParseHistoryOptions,
  parseHistory,
  type ReadJsonlOptions,
  readHistoryFile,
  readHistoryFiles,
  readHistoryJsonl,
  readJsonlLines,
  serializeHistory,
  TaggedJsonError,
  toTaggedJson,
  type WriteHistoryFileOptions,
  writeHistoryFile,
  writeHistoryJsonl,
} from './file/index.ts';
// Store implementations: memory here; Postgres and PGlite under `@reprise/history-store/postgres`.
export { createMemoryStore, type MemoryStoreOptions } from './memory/index.ts';
// Redaction of payload values, for committing production histories as fixtures.
export { type RedactOptions, redactHistory } from './redact/index.ts';
export {
  InvalidRequestError,
  RunClosedError,
  RunConflictError,
  RunNotFoundError,
  StaleLeaseError,
  WorkflowAlreadyStartedError,
  WorkflowRequestFailedError,
} from './store/errors.ts';
export { backoffMs, decideRetry, type RetryDecision, workflowTaskBackoffMs } from './store/retry.ts';
// The store contract.
export type {
  ActivityCompletionAndClaim,
  ActivityCompletionResult,
  ActivityOutcome,
  ActivityTask,
  ClaimOptions,
  Clock,
  EagerActivityClaim,
  EagerWorkflowClaim,
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
