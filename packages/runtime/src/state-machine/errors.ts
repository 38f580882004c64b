/**
 * Errors of the state machine: a nondeterminism error (the code no longer produces the recorded
 * commands) and a history error (the events themselves cannot be a run's history).
 *
 * Sandbox-safe: no Node imports.
 */
import type { HistoryEvent } from '@reprise/history-store';
import { RepriseError } from '../errors.ts';
import type { SourceLocation } from '../protocol/index.ts';
import { type CommandSummary, describeCommand, describeEvent } from './describe.ts';

/** How the code diverged from the history. */
export type DivergenceKind =
  /** The code produced a command where the history records a different one. */
  | 'mismatch'
  /** The code produced a command where the history records none (the task's commands ended). */
  | 'extraCommand'
  /** The history records a command the code did not produce (the code ended early). */
  | 'missingCommand';

/** Everything known about a divergence. Plain data, so it can be logged, stored or sent. */
export interface NondeterminismDetails {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** Build id of the code that was replayed. */
  buildId: string;
  divergence: DivergenceKind;
  /**
   * Id of the first diverging event: the recorded command event that did not match, or, when the code
   * produced an extra command, the id that command's event would have taken.
   */
  eventId: number;
  /** The recorded event at `eventId`; absent when the history ends there. */
  recordedEvent?: HistoryEvent;
  /** The command the code produced instead; absent when the code produced none (`missingCommand`). */
  command?: CommandSummary;
  /** Which fact differed, e.g. `activityType`, `durationMs`, `kind`. */
  field?: string;
  /** Id of the WorkflowTaskStarted event of the workflow task that diverged. */
  workflowTaskStartedEventId: number;
  /** Where the command came from in the workflow's TypeScript (filled in by the replayer). */
  location?: SourceLocation;
  /** The last events that matched, oldest first. */
  lastMatching: HistoryEvent[];
  /** One line on the likely cause and the fix. */
  hint: string;
}

/**
 * The workflow code did not produce the commands the history records. A workflow task that hits it
 * appends nothing: the run stays open and blocked until code that replays its history takes the task.
 * The message is an expected-versus-actual diff; the same facts are fields on the error.
 */
export class NondeterminismError extends RepriseError {
  readonly details: NondeterminismDetails;
  constructor(details: NondeterminismDetails) {
    super('NONDETERMINISM', formatNondeterminism(details));
    this.details = details;
  }
  get workflowId(): string {
    return this.details.workflowId;
  }
  get runId(): string {
    return this.details.runId;
  }
  get workflowType(): string {
    return this.details.workflowType;
  }
  get buildId(): string {
    return this.details.buildId;
  }
  /** Id of the first diverging event. */
  get eventId(): number {
    return this.details.eventId;
  }
  get recordedEvent(): HistoryEvent | undefined {
    return this.details.recordedEvent;
  }
  get command(): CommandSummary | undefined {
    return this.details.command;
  }
  get location(): SourceLocation | undefined {
    return this.details.location;
  }
  get hint(): string {
    return this.details.hint;
  }
  /** A copy of this error with the command's source location added (the message names it). */
  withLocation(location: SourceLocation): NondeterminismError {
    return new NondeterminismError({ ...this.details, location });
  }
}

/** True for a {@link NondeterminismError}, including one from another copy of this module. */
export function isNondeterminismError(err: unknown): err is NondeterminismError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { code?: unknown }).code === 'NONDETERMINISM' &&
    typeof (err as { details?: unknown }).details === 'object'
  );
}

/** Renders the details as an expected-versus-actual diff. */
export function formatNondeterminism(d: NondeterminismDetails): string {
  const where = d.location ? `  at ${d.location.file}:${d.location.line}:${d.location.column}` : '';
  const expected =
    d.divergence === 'extraCommand'
      ? d.recordedEvent
        ? `(no more commands in this workflow task; next event: ${describeEvent(d.recordedEvent)})`
        : `(no more commands: the history ends at event ${d.eventId - 1})`
      : d.recordedEvent
        ? describeEvent(d.recordedEvent)
        : `(event ${d.eventId})`;
  const actual = d.command
    ? `${describeCommand(d.command)}${where}`
    : '(no command: the workflow code stopped here)';
  const lines = [
    `Nondeterminism in workflow ${d.workflowId} (run ${d.runId}, type ${d.workflowType}, build ${d.buildId}) ` +
      `at event ${d.eventId}, in the workflow task started at event ${d.workflowTaskStartedEventId}` +
      `${d.field ? `: ${d.field} differs` : ''}.`,
    `  - history: ${expected}`,
    `  + code:    ${actual}`,
  ];
  if (d.lastMatching.length > 0) {
    lines.push('  last matching events:');
    for (const e of d.lastMatching) lines.push(`      ${describeEvent(e)}`);
  }
  lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

/**
 * The events cannot be a run's history: a gap or duplicate in event ids, a command event outside a
 * workflow task, a result for something never scheduled. Not retryable: the history must be fixed.
 */
export class HistoryError extends RepriseError {
  /** The event at fault, when there is one. */
  readonly eventId: number | undefined;
  constructor(message: string, eventId?: number) {
    super('INVALID_HISTORY', eventId === undefined ? message : `event ${eventId}: ${message}`);
    this.eventId = eventId;
  }
}
