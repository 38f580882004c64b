export {
  closingEventTypes,
  type EventBase,
  type EventOf,
  type EventType,
  eventAttributes,
  eventTypes,
  type HistoryEvent,
  isEventType,
  isHistoryEvent,
  type NewEvent,
  parentClosePolicies,
  retryStates,
  validateEvent,
} from './events.ts';
export {
  type FailureInfo,
  failureInfo,
  failureSources,
  type RetryPolicy,
  retryPolicy,
  timeoutTypes,
} from './failure.ts';
