/**
 * The history event model: one definition of every event, both the TypeScript type and the runtime
 * validator. The model follows Temporal's (same names, same meaning) so its users already know it.
 *
 * Every event has a dense `eventId` starting at 1, an `eventTime` in milliseconds since the epoch, and
 * an `eventType`. Attributes sit flat on the event. Fields a newer writer adds are kept, unchecked.
 */
import { failureInfo, retryPolicy, timeoutTypes } from './failure.ts';
import {
  array,
  boolean,
  type Infer,
  type InferShape,
  integer,
  literal,
  nonEmptyString,
  number,
  object,
  optional,
  positiveInteger,
  type Schema,
  string,
  unknownValue,
} from './schema.ts';

const payloads = array(unknownValue);
const eventRef = positiveInteger;
const ms = optional(number);
const execution = object({ workflowId: nonEmptyString, runId: nonEmptyString });

/** What happens to a child when its parent closes. */
export const parentClosePolicies = ['terminate', 'requestCancel', 'abandon'] as const;
/** Why an activity stopped retrying. */
export const retryStates = [
  'nonRetryableFailure',
  'maximumAttemptsReached',
  'timeout',
  'cancelRequested',
] as const;

/** Attribute shapes of every event type, keyed by `eventType`. */
export const eventAttributes = {
  WorkflowExecutionStarted: {
    workflowId: nonEmptyString,
    workflowType: nonEmptyString,
    taskQueue: nonEmptyString,
    input: payloads,
    /** Seed of the run's deterministic PRNG (four unsigned 32-bit words). */
    randomnessSeed: array(integer),
    attempt: positiveInteger,
    firstExecutionRunId: nonEmptyString,
    parent: optional(execution),
    parentInitiatedEventId: optional(eventRef),
    continuedFromRunId: optional(nonEmptyString),
    workflowRunTimeoutMs: ms,
    workflowExecutionTimeoutMs: ms,
    identity: optional(string),
  },
  WorkflowTaskScheduled: { taskQueue: nonEmptyString, attempt: positiveInteger },
  WorkflowTaskStarted: { scheduledEventId: eventRef, identity: string },
  WorkflowTaskCompleted: {
    scheduledEventId: eventRef,
    startedEventId: eventRef,
    identity: string,
    buildId: string,
  },
  WorkflowTaskFailed: {
    scheduledEventId: eventRef,
    startedEventId: eventRef,
    /** Machine-readable cause, e.g. `Nondeterminism`, `WorkflowTaskTimeout`, `UnhandledError`. */
    cause: nonEmptyString,
    failure: failureInfo,
    identity: string,
    buildId: optional(string),
  },
  WorkflowTaskTimedOut: { scheduledEventId: eventRef, startedEventId: optional(eventRef) },
  ActivityTaskScheduled: {
    workflowTaskCompletedEventId: eventRef,
    activityId: nonEmptyString,
    activityType: nonEmptyString,
    taskQueue: nonEmptyString,
    input: payloads,
    scheduleToCloseTimeoutMs: ms,
    scheduleToStartTimeoutMs: ms,
    startToCloseTimeoutMs: ms,
    heartbeatTimeoutMs: ms,
    retryPolicy: optional(retryPolicy),
  },
  ActivityTaskStarted: {
    scheduledEventId: eventRef,
    attempt: positiveInteger,
    identity: string,
    /** The failure of the previous attempt, when this is a retry. */
    lastFailure: optional(failureInfo),
  },
  ActivityTaskCompleted: { scheduledEventId: eventRef, startedEventId: eventRef, result: unknownValue },
  ActivityTaskFailed: {
    scheduledEventId: eventRef,
    startedEventId: eventRef,
    failure: failureInfo,
    retryState: literal(...retryStates),
  },
  ActivityTaskTimedOut: {
    scheduledEventId: eventRef,
    startedEventId: optional(eventRef),
    timeoutType: literal(...timeoutTypes),
    failure: failureInfo,
  },
  ActivityTaskCancelRequested: { scheduledEventId: eventRef, workflowTaskCompletedEventId: eventRef },
  ActivityTaskCanceled: {
    scheduledEventId: eventRef,
    startedEventId: optional(eventRef),
    details: optional(payloads),
  },
  TimerStarted: {
    workflowTaskCompletedEventId: eventRef,
    timerId: nonEmptyString,
    startToFireTimeoutMs: number,
  },
  TimerFired: { timerId: nonEmptyString, startedEventId: eventRef },
  TimerCanceled: {
    timerId: nonEmptyString,
    startedEventId: eventRef,
    workflowTaskCompletedEventId: eventRef,
  },
  MarkerRecorded: {
    workflowTaskCompletedEventId: eventRef,
    /** `patch`, `version` or `sideEffect`. */
    markerName: nonEmptyString,
    details: object({}),
  },
  WorkflowExecutionSignaled: { signalName: nonEmptyString, input: payloads, identity: optional(string) },
  WorkflowExecutionCancelRequested: { cause: optional(string), identity: optional(string) },
  WorkflowExecutionUpdateAccepted: {
    updateId: nonEmptyString,
    name: nonEmptyString,
    input: payloads,
    identity: optional(string),
  },
  WorkflowExecutionUpdateCompleted: {
    updateId: nonEmptyString,
    acceptedEventId: eventRef,
    result: optional(unknownValue),
    failure: optional(failureInfo),
  },
  StartChildWorkflowExecutionInitiated: {
    workflowTaskCompletedEventId: eventRef,
    workflowId: nonEmptyString,
    workflowType: nonEmptyString,
    taskQueue: nonEmptyString,
    input: payloads,
    parentClosePolicy: literal(...parentClosePolicies),
    workflowRunTimeoutMs: ms,
    workflowExecutionTimeoutMs: ms,
  },
  StartChildWorkflowExecutionFailed: {
    initiatedEventId: eventRef,
    workflowId: nonEmptyString,
    workflowType: nonEmptyString,
    /** e.g. `WorkflowAlreadyExists`. */
    cause: nonEmptyString,
  },
  ChildWorkflowExecutionStarted: {
    initiatedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: nonEmptyString,
    workflowType: nonEmptyString,
  },
  ChildWorkflowExecutionCompleted: {
    initiatedEventId: eventRef,
    startedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: nonEmptyString,
    result: unknownValue,
  },
  ChildWorkflowExecutionFailed: {
    initiatedEventId: eventRef,
    startedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: nonEmptyString,
    failure: failureInfo,
  },
  ChildWorkflowExecutionCanceled: {
    initiatedEventId: eventRef,
    startedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: nonEmptyString,
  },
  ChildWorkflowExecutionTerminated: {
    initiatedEventId: eventRef,
    startedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: nonEmptyString,
  },
  ChildWorkflowExecutionTimedOut: {
    initiatedEventId: eventRef,
    startedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: nonEmptyString,
  },
  SignalExternalWorkflowExecutionInitiated: {
    workflowTaskCompletedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: optional(nonEmptyString),
    signalName: nonEmptyString,
    input: payloads,
    childWorkflowOnly: boolean,
  },
  ExternalWorkflowExecutionSignaled: {
    initiatedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: optional(nonEmptyString),
  },
  SignalExternalWorkflowExecutionFailed: {
    initiatedEventId: eventRef,
    workflowId: nonEmptyString,
    cause: nonEmptyString,
  },
  RequestCancelExternalWorkflowExecutionInitiated: {
    workflowTaskCompletedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: optional(nonEmptyString),
    childWorkflowOnly: boolean,
  },
  ExternalWorkflowExecutionCancelRequested: {
    initiatedEventId: eventRef,
    workflowId: nonEmptyString,
    runId: optional(nonEmptyString),
  },
  RequestCancelExternalWorkflowExecutionFailed: {
    initiatedEventId: eventRef,
    workflowId: nonEmptyString,
    cause: nonEmptyString,
  },
  WorkflowExecutionCompleted: { workflowTaskCompletedEventId: eventRef, result: unknownValue },
  WorkflowExecutionFailed: { workflowTaskCompletedEventId: eventRef, failure: failureInfo },
  WorkflowExecutionCanceled: { workflowTaskCompletedEventId: eventRef, details: optional(payloads) },
  WorkflowExecutionTerminated: { reason: optional(string), identity: optional(string) },
  WorkflowExecutionTimedOut: { timeoutType: literal('run', 'scheduleToClose') },
  WorkflowExecutionContinuedAsNew: {
    workflowTaskCompletedEventId: eventRef,
    newRunId: nonEmptyString,
    workflowType: nonEmptyString,
    taskQueue: nonEmptyString,
    input: payloads,
    workflowRunTimeoutMs: ms,
  },
} satisfies Record<string, Record<string, Schema<unknown>>>;

/** Every event type name. */
export type EventType = keyof typeof eventAttributes;
/** Every event type name, in definition order. */
export const eventTypes = Object.keys(eventAttributes) as EventType[];

/** Fields every event has. */
export interface EventBase<T extends EventType> {
  /** Dense, starting at 1. */
  eventId: number;
  /** Milliseconds since the epoch. */
  eventTime: number;
  eventType: T;
}

/** The event of one type: its base fields plus its attributes. */
export type EventOf<T extends EventType> = EventBase<T> & InferShape<(typeof eventAttributes)[T]>;

/** A history event: the discriminated union of every event type. */
export type HistoryEvent = { [T in EventType]: EventOf<T> }[EventType];

/** An event before the store gives it an id and a time. */
export type NewEvent = { [T in EventType]: Omit<EventOf<T>, 'eventId' | 'eventTime'> }[EventType];

/** Event types that close a run. */
export const closingEventTypes: ReadonlySet<EventType> = new Set<EventType>([
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionContinuedAsNew',
]);

const validators = new Map<string, Schema<unknown>>(
  eventTypes.map((t) => [
    t,
    object({ eventId: positiveInteger, eventTime: number, ...eventAttributes[t] }) as Schema<unknown>,
  ]),
);

/**
 * Checks one event against its schema. Returns a message naming the event id, its type and the
 * offending field, or `undefined` when the event is valid. An unknown `eventType` is an error.
 */
export function validateEvent(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'event: expected an object';
  const { eventType, eventId } = value as { eventType?: unknown; eventId?: unknown };
  const where = `event ${typeof eventId === 'number' ? eventId : '?'}`;
  if (typeof eventType !== 'string') return `${where}: missing eventType`;
  const validator = validators.get(eventType);
  if (!validator) return `${where}: unknown event type '${eventType}'`;
  const err = validator.check(value, eventType);
  return err ? `${where}: ${err}` : undefined;
}

/** True when `value` is a valid history event. */
export function isHistoryEvent(value: unknown): value is HistoryEvent {
  return validateEvent(value) === undefined;
}

/** Narrows an event to one type. */
export function isEventType<T extends EventType>(
  event: HistoryEvent,
  type: T,
): event is Extract<HistoryEvent, { eventType: T }> {
  return event.eventType === type;
}

export type { Infer };
