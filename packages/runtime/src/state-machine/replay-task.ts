/**
 * A recorded workflow task on replay: the jobs its own recorded commands imply (markers, accepted
 * updates), the check of the code's commands against those recorded events, and the
 * {@link NondeterminismError} that says where and how they part.
 *
 * Sandbox-safe: no Node imports.
 */
import type { EventOf, HistoryEvent } from '@reprise/history-store';
import type { Command, Job } from '../protocol/index.ts';
import { closingCommands, registerCommand } from './commands.ts';
import { summarizeCommand } from './describe.ts';
import { type DivergenceKind, NondeterminismError } from './errors.ts';
import {
  type Comparison,
  commandEventTypes,
  differingField,
  hintFor,
  isDeprecatedPatchCommand,
  isDeprecatedPatchEvent,
} from './matching.ts';
import type { SeqMaps } from './seq-maps.ts';

/** A recorded task awaiting its completion: its commands' events are `events[blockStart, blockEnd)`. */
export interface ReplayTask {
  mode: 'replay';
  startedEventId: number;
  blockStart: number;
  blockEnd: number;
}

/** A recorded task, opened: the task, and the jobs its recorded commands add around the others. */
export interface OpenedReplayTask {
  task: ReplayTask;
  /** `notifyPatch`/`notifyVersion` for the task's markers: delivered before the history's jobs. */
  first: Job[];
  /** Updates the task accepted: delivered after the history's jobs, without running validators. */
  updates: Job[];
}

/** Where replay parted from the history. */
export interface Divergence {
  kind: DivergenceKind;
  eventId: number;
  command: Command | undefined;
  field: string;
}

/** What the error context of a divergence needs from the machine. */
export interface DivergenceContext {
  runId: string;
  buildId: string;
  started: EventOf<'WorkflowExecutionStarted'> | undefined;
  events: readonly HistoryEvent[];
  lastMatchingCount: number;
}

/** Bookkeeping events that say nothing about what the code did; left out of error context. */
const quietTypes = new Set([
  'WorkflowTaskScheduled',
  'WorkflowTaskStarted',
  'WorkflowTaskCompleted',
  'ActivityTaskStarted',
]);

/**
 * Opens the recorded task whose WorkflowTaskStarted is `events[startedIndex]` (and whose
 * WorkflowTaskCompleted follows it): its command events run until the first event no command writes.
 */
export function openReplayTask(
  events: readonly HistoryEvent[],
  startedIndex: number,
  started: HistoryEvent,
): OpenedReplayTask {
  const blockStart = startedIndex + 2;
  let blockEnd = blockStart;
  const first: Job[] = [];
  const updates: Job[] = [];
  while (blockEnd < events.length && commandEventTypes.has(events[blockEnd]!.eventType)) {
    const e = events[blockEnd]!;
    if (e.eventType === 'MarkerRecorded') {
      const d = e.details as Record<string, unknown>;
      if (e.markerName === 'patch' && typeof d.patchId === 'string') {
        first.push({ kind: 'notifyPatch', patchId: d.patchId });
      } else if (
        e.markerName === 'version' &&
        typeof d.changeId === 'string' &&
        typeof d.version === 'number'
      ) {
        first.push({ kind: 'notifyVersion', changeId: d.changeId, version: d.version });
      }
    } else if (e.eventType === 'WorkflowExecutionUpdateAccepted') {
      updates.push({
        kind: 'update',
        updateId: e.updateId,
        name: e.name,
        args: e.input,
        runValidator: false,
      });
    }
    blockEnd++;
  }
  return { task: { mode: 'replay', startedEventId: started.eventId, blockStart, blockEnd }, first, updates };
}

/**
 * Walks the code's commands and the task's recorded events side by side, teaching `seqs` each match.
 * Deprecated patch markers may be missing on either side. Stops at the first divergence.
 * `closesRun` is true when a matched command closed the run (also when a divergence follows it).
 */
export function matchReplayTask(
  task: ReplayTask,
  commands: readonly Command[],
  events: readonly HistoryEvent[],
  seqs: SeqMaps,
  compare: Comparison,
): { closesRun: boolean; divergence?: Divergence } {
  let closesRun = false;
  let ci = 0;
  let ei = task.blockStart;
  for (;;) {
    const c = commands[ci];
    if (c?.kind === 'rejectUpdate') {
      ci++;
      continue;
    }
    const e = ei < task.blockEnd ? events[ei] : undefined;
    if (!c && !e) break;
    if (c && e) {
      const field = differingField(c, e, seqs, compare);
      if (field === undefined) {
        registerCommand(c, e.eventId, seqs);
        if (closingCommands.has(c.kind)) closesRun = true;
        ci++;
        ei++;
        continue;
      }
      if (isDeprecatedPatchEvent(e)) ei++;
      else if (isDeprecatedPatchCommand(c)) ci++;
      else return { closesRun, divergence: { kind: 'mismatch', eventId: e.eventId, command: c, field } };
    } else if (e) {
      if (!isDeprecatedPatchEvent(e)) {
        return {
          closesRun,
          divergence: { kind: 'missingCommand', eventId: e.eventId, command: undefined, field: 'kind' },
        };
      }
      ei++;
    } else if (c) {
      if (!isDeprecatedPatchCommand(c)) {
        return {
          closesRun,
          divergence: { kind: 'extraCommand', eventId: task.blockEnd + 1, command: c, field: 'kind' },
        };
      }
      ci++;
    }
  }
  return { closesRun };
}

/** The error for a divergence, with the recorded event, the last matching events and a hint. */
export function divergenceError(
  task: ReplayTask,
  d: Divergence,
  ctx: DivergenceContext,
): NondeterminismError {
  const { kind, eventId, command: c, field } = d;
  const recorded = ctx.events[eventId - 1];
  const lastMatching: HistoryEvent[] = [];
  for (let i = eventId - 2; i >= 0 && lastMatching.length < ctx.lastMatchingCount; i--) {
    const e = ctx.events[i]!;
    if (!quietTypes.has(e.eventType)) lastMatching.unshift(e);
  }
  const started = ctx.started;
  return new NondeterminismError({
    workflowId: started?.workflowId ?? '?',
    runId: ctx.runId,
    workflowType: started?.workflowType ?? '?',
    buildId: ctx.buildId,
    divergence: kind,
    eventId,
    ...(recorded ? { recordedEvent: recorded } : {}),
    ...(c ? { command: summarizeCommand(c) } : {}),
    ...(kind === 'mismatch' ? { field } : {}),
    workflowTaskStartedEventId: task.startedEventId,
    lastMatching,
    hint: hintFor(kind, field, c, recorded),
  });
}
