/**
 * Replay's comparison of one command with the event recorded at its place, and the hint that goes with
 * a mismatch.
 *
 * Sandbox-safe: no Node imports.
 */
import type { EventType, HistoryEvent } from '@reprise/history-store';
import type { Command, CommandKind } from '../protocol/index.ts';
import type { DivergenceKind } from './errors.ts';
import { hashValue } from './hash.ts';
import { type SeqMaps, timerIdOf } from './seq-maps.ts';

/** Event types that workflow task completions write: one per command. */
export const commandEventTypes: ReadonlySet<EventType> = new Set<EventType>([
  'ActivityTaskScheduled',
  'ActivityTaskCancelRequested',
  'TimerStarted',
  'TimerCanceled',
  'MarkerRecorded',
  'StartChildWorkflowExecutionInitiated',
  'SignalExternalWorkflowExecutionInitiated',
  'RequestCancelExternalWorkflowExecutionInitiated',
  'WorkflowExecutionUpdateAccepted',
  'WorkflowExecutionUpdateCompleted',
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionContinuedAsNew',
]);

/** The event type each command kind records (`rejectUpdate` records none). */
export const eventTypeOfCommand: Readonly<Record<CommandKind, EventType | undefined>> = {
  scheduleActivity: 'ActivityTaskScheduled',
  requestCancelActivity: 'ActivityTaskCancelRequested',
  startTimer: 'TimerStarted',
  cancelTimer: 'TimerCanceled',
  recordMarker: 'MarkerRecorded',
  startChild: 'StartChildWorkflowExecutionInitiated',
  requestCancelChild: 'RequestCancelExternalWorkflowExecutionInitiated',
  signalExternal: 'SignalExternalWorkflowExecutionInitiated',
  requestCancelExternal: 'RequestCancelExternalWorkflowExecutionInitiated',
  acceptUpdate: 'WorkflowExecutionUpdateAccepted',
  completeUpdate: 'WorkflowExecutionUpdateCompleted',
  rejectUpdate: undefined,
  completeWorkflow: 'WorkflowExecutionCompleted',
  failWorkflow: 'WorkflowExecutionFailed',
  cancelWorkflow: 'WorkflowExecutionCanceled',
  continueAsNew: 'WorkflowExecutionContinuedAsNew',
};

/** What to compare; see `ReplayComparison`. */
export interface Comparison {
  timerDurations: boolean;
  argumentHashes: boolean;
}

/**
 * Compares a command with the recorded event at its place. Returns the name of the first fact that
 * differs (`kind` when the event is of another type), or `undefined` when they match.
 */
export function differingField(
  c: Command,
  e: HistoryEvent,
  seqs: SeqMaps,
  cmp: Comparison,
): string | undefined {
  if (eventTypeOfCommand[c.kind] !== e.eventType) return 'kind';
  switch (c.kind) {
    case 'scheduleActivity':
      if (e.eventType !== 'ActivityTaskScheduled') return 'kind';
      if (c.activityType !== e.activityType) return 'activityType';
      if (cmp.argumentHashes && hashValue(c.args) !== hashValue(e.input)) return 'args';
      return undefined;
    case 'requestCancelActivity':
      if (e.eventType !== 'ActivityTaskCancelRequested') return 'kind';
      return seqs.activityEventBySeq.get(c.seq) === e.scheduledEventId ? undefined : 'scheduledEventId';
    case 'startTimer':
      if (e.eventType !== 'TimerStarted') return 'kind';
      if (timerIdOf(c.seq) !== e.timerId) return 'timerId';
      if (cmp.timerDurations && c.durationMs !== e.startToFireTimeoutMs) return 'durationMs';
      return undefined;
    case 'cancelTimer':
      if (e.eventType !== 'TimerCanceled') return 'kind';
      return timerIdOf(c.seq) === e.timerId ? undefined : 'timerId';
    case 'recordMarker':
      return e.eventType === 'MarkerRecorded' ? markerField(c.marker, e) : 'kind';
    case 'startChild':
      if (e.eventType !== 'StartChildWorkflowExecutionInitiated') return 'kind';
      if (c.workflowType !== e.workflowType) return 'workflowType';
      if (cmp.argumentHashes && hashValue(c.args) !== hashValue(e.input)) return 'args';
      return undefined;
    case 'requestCancelChild':
      if (e.eventType !== 'RequestCancelExternalWorkflowExecutionInitiated' || !e.childWorkflowOnly)
        return 'kind';
      return seqs.childWorkflowIdBySeq.get(c.seq) === e.workflowId ? undefined : 'workflowId';
    case 'signalExternal':
      if (e.eventType !== 'SignalExternalWorkflowExecutionInitiated') return 'kind';
      if (c.signalName !== e.signalName) return 'signalName';
      if (c.workflowId !== e.workflowId) return 'workflowId';
      if (cmp.argumentHashes && hashValue(c.args) !== hashValue(e.input)) return 'args';
      return undefined;
    case 'requestCancelExternal':
      if (e.eventType !== 'RequestCancelExternalWorkflowExecutionInitiated' || e.childWorkflowOnly)
        return 'kind';
      return c.workflowId === e.workflowId ? undefined : 'workflowId';
    case 'acceptUpdate':
    case 'completeUpdate':
      if (
        e.eventType !== 'WorkflowExecutionUpdateAccepted' &&
        e.eventType !== 'WorkflowExecutionUpdateCompleted'
      ) {
        return 'kind';
      }
      return c.updateId === e.updateId ? undefined : 'updateId';
    case 'continueAsNew':
      if (e.eventType !== 'WorkflowExecutionContinuedAsNew') return 'kind';
      if (c.workflowType !== e.workflowType) return 'workflowType';
      if (cmp.argumentHashes && hashValue(c.args) !== hashValue(e.input)) return 'args';
      return undefined;
    case 'rejectUpdate':
    case 'completeWorkflow':
    case 'failWorkflow':
    case 'cancelWorkflow':
      return undefined;
  }
}

function markerField(
  m: Extract<Command, { kind: 'recordMarker' }>['marker'],
  e: HistoryEvent,
): string | undefined {
  if (e.eventType !== 'MarkerRecorded') return 'kind';
  if (m.markerName !== e.markerName) return 'markerName';
  const d = e.details as Record<string, unknown>;
  switch (m.markerName) {
    case 'patch':
      return m.patchId === d.patchId ? undefined : 'patchId';
    case 'version':
      if (m.changeId !== d.changeId) return 'changeId';
      return m.version === d.version ? undefined : 'version';
    case 'sideEffect':
      return m.id === d.id ? undefined : 'id';
  }
}

/** True for a recorded `deprecatePatch` marker, which replay may skip when the code no longer asks. */
export function isDeprecatedPatchEvent(e: HistoryEvent): boolean {
  return (
    e.eventType === 'MarkerRecorded' &&
    e.markerName === 'patch' &&
    (e.details as Record<string, unknown>).deprecated === true
  );
}

/** True for a `deprecatePatch` marker command, which replay drops when the history lacks it. */
export function isDeprecatedPatchCommand(c: Command): boolean {
  return c.kind === 'recordMarker' && c.marker.markerName === 'patch' && c.marker.deprecated;
}

/** One line on the likely cause of a divergence and what to do about it. */
export function hintFor(
  divergence: DivergenceKind,
  field: string | undefined,
  c?: Command,
  e?: HistoryEvent,
): string {
  const guard = c ? guardName(c) : 'my-change';
  if (divergence === 'missingCommand') {
    return (
      'the code no longer issues this command here: a removed step, an early return or a changed branch. ' +
      `Keep the old path for runs already in flight, e.g. if (patched('${guard}')) { new } else { old }.`
    );
  }
  if (divergence === 'extraCommand') {
    return `an unguarded code change? The history has no command here; wrap the new code in patched('${guard}').`;
  }
  if (c?.kind === 'recordMarker' || e?.eventType === 'MarkerRecorded') {
    return (
      'a patched()/getVersion() call was added, removed, renamed or moved relative to the other commands; ' +
      'keep versioning calls where the runs in flight recorded them.'
    );
  }
  switch (field) {
    case 'durationMs':
      return (
        `the timer's duration changed; guard the change with patched('${guard}'), ` +
        'or turn off the timer-duration check if the change is safe for runs in flight.'
      );
    case 'args':
      return `the command's arguments changed; guard the change with patched('${guard}'), or turn off the argument check.`;
    case 'timerId':
      return `a timer was added or removed before this one; wrap the new code in patched('${guard}').`;
    default:
      return (
        'an unguarded code change? An activity, timer or child was added, removed, reordered or renamed; ' +
        `wrap the new code in patched('${guard}') so runs started on the old code keep the old path.`
      );
  }
}

function guardName(c: Command): string {
  if (c.kind === 'scheduleActivity') return `add-${c.activityType}`;
  if (c.kind === 'startChild') return `add-${c.workflowType}`;
  if (c.kind === 'startTimer') return 'change-timer';
  return 'my-change';
}
