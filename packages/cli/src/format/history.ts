/**
 * One line per history event, readable without knowing the event model: id, time since the run
 * started, type, and the facts that matter (activity type and attempt, results, failures, timers,
 * signals). Used by `reprise workflow history` and the demo.
 */
import type { HistoryEvent } from '@reprise/history-store';
import { compactJson, formatDuration } from './table.ts';

/** Facts about one event, as short text. */
export function eventDetails(e: HistoryEvent, byId: ReadonlyMap<number, HistoryEvent>): string {
  const activity = (id: number) => {
    const s = byId.get(id);
    return s?.eventType === 'ActivityTaskScheduled' ? s.activityType : `#${id}`;
  };
  switch (e.eventType) {
    case 'WorkflowExecutionStarted':
      return `${e.workflowType}(${compactJson(e.input).slice(1, -1)}) on ${e.taskQueue}`;
    case 'WorkflowTaskStarted':
      return e.identity ? `by ${e.identity}` : '';
    case 'WorkflowTaskFailed':
      return `${e.cause}: ${e.failure.message}`;
    case 'ActivityTaskScheduled':
      return `${e.activityType}(${compactJson(e.input).slice(1, -1)}) id=${e.activityId}`;
    case 'ActivityTaskStarted':
      return `${activity(e.scheduledEventId)} attempt ${e.attempt}${e.identity ? ` by ${e.identity}` : ''}${
        e.lastFailure ? `; previous attempt: ${e.lastFailure.message}` : ''
      }`;
    case 'ActivityTaskCompleted':
      return `${activity(e.scheduledEventId)} -> ${compactJson(e.result)}`;
    case 'ActivityTaskFailed':
      return `${activity(e.scheduledEventId)}: ${e.failure.type ? `${e.failure.type}: ` : ''}${e.failure.message} (${e.retryState})`;
    case 'ActivityTaskTimedOut':
      return `${activity(e.scheduledEventId)}: ${e.timeoutType} timeout`;
    case 'ActivityTaskCanceled':
      return activity(e.scheduledEventId);
    case 'TimerStarted':
      return `timer ${e.timerId} for ${formatDuration(e.startToFireTimeoutMs)}`;
    case 'TimerFired':
    case 'TimerCanceled':
      return `timer ${e.timerId}`;
    case 'WorkflowExecutionSignaled':
      return `${e.signalName}(${compactJson(e.input).slice(1, -1)})`;
    case 'MarkerRecorded':
      return `${e.markerName} ${compactJson(e.details)}`;
    case 'WorkflowExecutionCompleted':
      return `result ${compactJson(e.result)}`;
    case 'WorkflowExecutionFailed':
      return e.failure.message;
    case 'WorkflowExecutionTerminated':
      return e.reason ?? '';
    case 'WorkflowExecutionContinuedAsNew':
      return `new run ${e.newRunId}`;
    case 'StartChildWorkflowExecutionInitiated':
      return `${e.workflowType} ${e.workflowId}`;
    case 'ChildWorkflowExecutionCompleted':
      return `${e.workflowId} -> ${compactJson(e.result)}`;
    case 'ChildWorkflowExecutionFailed':
      return `${e.workflowId}: ${e.failure.message}`;
    case 'WorkflowExecutionUpdateAccepted':
      return `${e.name} ${e.updateId}`;
    default:
      return '';
  }
}

/** Renders a history as aligned lines: `  12  +1.2s  ActivityTaskCompleted  charge -> {...}`. */
export function renderHistory(events: readonly HistoryEvent[], options: { maxDetail?: number } = {}): string {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const t0 = events[0]?.eventTime ?? 0;
  const typeWidth = Math.max(0, ...events.map((e) => e.eventType.length));
  const idWidth = String(events.at(-1)?.eventId ?? 0).length;
  const max = options.maxDetail ?? 120;
  return events
    .map((e) => {
      let detail = eventDetails(e, byId);
      if (detail.length > max) detail = `${detail.slice(0, max - 1)}…`;
      const at = `+${formatDuration(e.eventTime - t0)}`.padStart(8);
      return `  ${String(e.eventId).padStart(idWidth)} ${at}  ${e.eventType.padEnd(typeWidth)}  ${detail}`.trimEnd();
    })
    .join('\n')
    .concat('\n');
}
