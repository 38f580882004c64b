/**
 * Short, human-readable descriptions of history events and commands, for nondeterminism errors and
 * logs. The facts compared during replay come first, so two descriptions read as a diff.
 *
 * Sandbox-safe: no Node imports.
 */
import type { HistoryEvent } from '@reprise/history-store';
import type { Command, CommandKind } from '../protocol/index.ts';
import { hashValue } from './hash.ts';

/** The identifying facts of a command, without its payloads (arguments appear only as a hash). */
export interface CommandSummary {
  kind: CommandKind;
  seq?: number;
  activityType?: string;
  activityId?: string;
  /** The timer id the command would take (`String(seq)`). */
  timerId?: string;
  durationMs?: number;
  markerName?: string;
  patchId?: string;
  deprecated?: boolean;
  changeId?: string;
  version?: number;
  workflowType?: string;
  workflowId?: string;
  signalName?: string;
  updateId?: string;
  /** {@link hashValue} of the command's arguments, for commands that carry arguments. */
  argsHash?: string;
}

/** Reduces a command to its identifying facts. */
export function summarizeCommand(command: Command): CommandSummary {
  switch (command.kind) {
    case 'scheduleActivity':
      return {
        kind: command.kind,
        seq: command.seq,
        activityType: command.activityType,
        activityId: command.activityId,
        argsHash: hashValue(command.args),
      };
    case 'requestCancelActivity':
    case 'requestCancelChild':
      return { kind: command.kind, seq: command.seq };
    case 'startTimer':
      return {
        kind: command.kind,
        seq: command.seq,
        timerId: String(command.seq),
        durationMs: command.durationMs,
      };
    case 'cancelTimer':
      return { kind: command.kind, seq: command.seq, timerId: String(command.seq) };
    case 'recordMarker': {
      const m = command.marker;
      if (m.markerName === 'patch') {
        return { kind: command.kind, markerName: m.markerName, patchId: m.patchId, deprecated: m.deprecated };
      }
      if (m.markerName === 'version') {
        return { kind: command.kind, markerName: m.markerName, changeId: m.changeId, version: m.version };
      }
      return { kind: command.kind, markerName: m.markerName, changeId: m.id };
    }
    case 'startChild':
      return {
        kind: command.kind,
        seq: command.seq,
        workflowType: command.workflowType,
        workflowId: command.workflowId,
        argsHash: hashValue(command.args),
      };
    case 'signalExternal':
      return {
        kind: command.kind,
        seq: command.seq,
        workflowId: command.workflowId,
        signalName: command.signalName,
        argsHash: hashValue(command.args),
      };
    case 'requestCancelExternal':
      return { kind: command.kind, seq: command.seq, workflowId: command.workflowId };
    case 'acceptUpdate':
    case 'completeUpdate':
    case 'rejectUpdate':
      return { kind: command.kind, updateId: command.updateId };
    case 'completeWorkflow':
      return { kind: command.kind, argsHash: hashValue(command.result) };
    case 'failWorkflow':
    case 'cancelWorkflow':
      return { kind: command.kind };
    case 'continueAsNew':
      return { kind: command.kind, workflowType: command.workflowType, argsHash: hashValue(command.args) };
  }
}

/** One line describing a command, e.g. `scheduleActivity chargePayment (seq 2, args #1a2b…)`. */
export function describeCommand(c: CommandSummary): string {
  const facts: string[] = [];
  if (c.seq !== undefined) facts.push(`seq ${c.seq}`);
  if (c.durationMs !== undefined) facts.push(`duration ${formatMs(c.durationMs)}`);
  if (c.version !== undefined) facts.push(`version ${c.version}`);
  if (c.deprecated) facts.push('deprecated');
  if (c.workflowId !== undefined) facts.push(`workflow id ${c.workflowId}`);
  if (c.argsHash !== undefined) facts.push(`args #${c.argsHash}`);
  const subject =
    c.activityType ?? c.workflowType ?? c.patchId ?? c.changeId ?? c.signalName ?? c.updateId ?? c.timerId;
  const head = c.markerName ? `${c.kind} ${c.markerName}` : c.kind;
  return `${head}${subject === undefined ? '' : ` ${quote(subject)}`}${facts.length ? ` (${facts.join(', ')})` : ''}`;
}

/** One line describing a history event, e.g. `5 ActivityTaskScheduled 'chargePayment' (activity id 2)`. */
export function describeEvent(e: HistoryEvent): string {
  const facts: string[] = [];
  let subject: string | undefined;
  switch (e.eventType) {
    case 'ActivityTaskScheduled':
      subject = e.activityType;
      facts.push(`activity id ${e.activityId}`, `input #${hashValue(e.input)}`);
      break;
    case 'TimerStarted':
      subject = e.timerId;
      facts.push(`duration ${formatMs(e.startToFireTimeoutMs)}`);
      break;
    case 'TimerFired':
    case 'TimerCanceled':
      subject = e.timerId;
      break;
    case 'MarkerRecorded': {
      const d = e.details as Record<string, unknown>;
      subject = `${e.markerName} ${quote(String(d.patchId ?? d.changeId ?? d.id ?? '?'))}`;
      if (d.version !== undefined) facts.push(`version ${String(d.version)}`);
      if (d.deprecated === true) facts.push('deprecated');
      return `${e.eventId} ${e.eventType} ${subject}${facts.length ? ` (${facts.join(', ')})` : ''}`;
    }
    case 'StartChildWorkflowExecutionInitiated':
      subject = e.workflowType;
      facts.push(`workflow id ${e.workflowId}`, `input #${hashValue(e.input)}`);
      break;
    case 'SignalExternalWorkflowExecutionInitiated':
      subject = e.signalName;
      facts.push(`workflow id ${e.workflowId}`);
      break;
    case 'WorkflowExecutionSignaled':
      subject = e.signalName;
      break;
    case 'WorkflowExecutionUpdateAccepted':
      subject = e.name;
      facts.push(`update id ${e.updateId}`);
      break;
    case 'WorkflowExecutionContinuedAsNew':
      subject = e.workflowType;
      break;
    case 'ActivityTaskCompleted':
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut':
    case 'ActivityTaskCanceled':
    case 'ActivityTaskCancelRequested':
      facts.push(`scheduled ${e.scheduledEventId}`);
      break;
    default:
      break;
  }
  return `${e.eventId} ${e.eventType}${subject === undefined ? '' : ` ${quote(subject)}`}${
    facts.length ? ` (${facts.join(', ')})` : ''
  }`;
}

function quote(text: string): string {
  return `'${text}'`;
}

/** Milliseconds as the largest exact unit: `3600000` → `1h`, `1500` → `1500ms`. */
export function formatMs(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
