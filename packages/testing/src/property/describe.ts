/**
 * Compact, one-line descriptions of commands, events and values for failure reports: enough of each
 * payload to see what differs, cut short so a report stays readable.
 */
import type { HistoryEvent } from '@reprise/history-store';
import type { Command } from '@reprise/runtime';

const MAX_VALUE = 120;

/** A value as short JSON (`undefined` spelled out; long values cut with an ellipsis). */
export function shortValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** One command: its kind, what it names, and its arguments. */
export function describeCommand(c: Command): string {
  switch (c.kind) {
    case 'scheduleActivity':
      return `scheduleActivity ${c.activityType}(${c.args.map(shortValue).join(', ')})`;
    case 'startTimer':
      return `startTimer #${c.seq} ${c.durationMs} ms`;
    case 'startChild':
      return `startChild ${c.workflowType} ${c.workflowId}(${c.args.map(shortValue).join(', ')})`;
    case 'signalExternal':
      return `signalExternal ${c.signalName} -> ${c.workflowId}(${c.args.map(shortValue).join(', ')})`;
    case 'completeWorkflow':
      return `completeWorkflow ${shortValue(c.result)}`;
    case 'failWorkflow':
      return `failWorkflow ${shortValue(c.failure.message)}`;
    case 'recordMarker':
      return `recordMarker ${shortValue(c.marker)}`;
    case 'continueAsNew':
      return `continueAsNew ${c.workflowType}(${c.args.map(shortValue).join(', ')})`;
    default: {
      const { kind, ...rest } = c;
      return `${kind} ${shortValue(rest)}`;
    }
  }
}

/** A task's commands, or `(none)`. */
export function describeCommands(commands: readonly Command[]): string {
  return commands.length === 0 ? '(none)' : commands.map(describeCommand).join('; ');
}

/** One event: id, type and its fields (payloads shortened). */
export function describeEvent(e: HistoryEvent | undefined): string {
  if (e === undefined) return '(no event: the history ends here)';
  const { eventId, eventType, eventTime: _time, ...rest } = e as HistoryEvent & Record<string, unknown>;
  return `${eventId} ${eventType} ${shortValue(rest)}`;
}
