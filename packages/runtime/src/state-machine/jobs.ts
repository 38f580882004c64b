/**
 * History events to activation jobs. One event gives at most one job; events that only record the
 * progress of something already known (task scheduling, activity starts) give none.
 *
 * Sandbox-safe: no Node imports.
 */
import type { EventOf, HistoryEvent } from '@reprise/history-store';
import type { ActivityResolution, ChildResolution, FailureInfo, Job } from '../protocol/index.ts';
import { HistoryError } from './errors.ts';
import type { SeqMaps } from './seq-maps.ts';

/** The `initialize` job of a run. */
export function initializeJob(e: EventOf<'WorkflowExecutionStarted'>, runId: string, buildId: string): Job {
  const info: Extract<Job, { kind: 'initialize' }>['info'] = {
    workflowId: e.workflowId,
    runId,
    workflowType: e.workflowType,
    taskQueue: e.taskQueue,
    attempt: e.attempt,
    firstExecutionRunId: e.firstExecutionRunId,
    startTime: e.eventTime,
    buildId,
  };
  if (e.continuedFromRunId !== undefined) info.continuedFromRunId = e.continuedFromRunId;
  if (e.parent !== undefined) info.parent = e.parent;
  return {
    kind: 'initialize',
    workflowType: e.workflowType,
    args: e.input,
    info,
    randomnessSeed: e.randomnessSeed,
  };
}

/**
 * The job an event delivers to workflow code, or `undefined` for events that deliver nothing.
 * @throws HistoryError when the event resolves something the history never started.
 */
export function jobOf(e: HistoryEvent, seqs: SeqMaps): Job | undefined {
  switch (e.eventType) {
    case 'ActivityTaskCompleted':
      return resolveActivity(e, seqs, { status: 'completed', result: e.result });
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut':
      return resolveActivity(e, seqs, { status: 'failed', failure: e.failure });
    case 'ActivityTaskCanceled': {
      const failure: FailureInfo = { message: 'Activity cancelled', source: 'CancelledFailure' };
      if (e.details !== undefined) failure.details = e.details;
      return resolveActivity(e, seqs, { status: 'cancelled', failure });
    }
    case 'TimerFired': {
      const seq = seqs.timerById.get(e.timerId);
      if (seq === undefined)
        throw new HistoryError(`timer '${e.timerId}' fired but was never started`, e.eventId);
      return { kind: 'fireTimer', seq };
    }
    case 'WorkflowExecutionSignaled':
      return { kind: 'signal', name: e.signalName, args: e.input };
    case 'WorkflowExecutionCancelRequested':
      return e.cause === undefined ? { kind: 'cancelWorkflow' } : { kind: 'cancelWorkflow', reason: e.cause };
    case 'ChildWorkflowExecutionStarted':
      return { kind: 'resolveChildStart', seq: childSeq(e, seqs), runId: e.runId };
    case 'StartChildWorkflowExecutionFailed':
      return {
        kind: 'resolveChildStartFailed',
        seq: childSeq(e, seqs),
        failure: {
          message: `child workflow ${e.workflowId} (${e.workflowType}) could not start: ${e.cause}`,
          source: 'ChildWorkflowFailure',
          type: e.cause,
          workflowType: e.workflowType,
        },
      };
    case 'ChildWorkflowExecutionCompleted':
      return resolveChild(e, seqs, { status: 'completed', result: e.result });
    case 'ChildWorkflowExecutionFailed':
      return resolveChild(e, seqs, { status: 'failed', failure: e.failure });
    case 'ChildWorkflowExecutionCanceled':
      return resolveChild(e, seqs, {
        status: 'cancelled',
        failure: { message: 'Child workflow cancelled', source: 'CancelledFailure' },
      });
    case 'ChildWorkflowExecutionTerminated':
      return resolveChild(e, seqs, {
        status: 'failed',
        failure: { message: 'Child workflow terminated', source: 'TerminatedFailure' },
      });
    case 'ChildWorkflowExecutionTimedOut':
      return resolveChild(e, seqs, {
        status: 'failed',
        failure: { message: 'Child workflow timed out', source: 'TimeoutFailure', timeoutType: 'run' },
      });
    case 'ExternalWorkflowExecutionSignaled':
      return { kind: 'resolveSignalExternal', seq: signalSeq(e, seqs) };
    case 'SignalExternalWorkflowExecutionFailed':
      return {
        kind: 'resolveSignalExternal',
        seq: signalSeq(e, seqs),
        failure: externalFailure('signal', e.workflowId, e.cause),
      };
    case 'ExternalWorkflowExecutionCancelRequested': {
      const seq = cancelSeq(e, seqs);
      return seq === undefined ? undefined : { kind: 'resolveCancelExternal', seq };
    }
    case 'RequestCancelExternalWorkflowExecutionFailed': {
      const seq = cancelSeq(e, seqs);
      return seq === undefined
        ? undefined
        : { kind: 'resolveCancelExternal', seq, failure: externalFailure('cancel', e.workflowId, e.cause) };
    }
    default:
      return undefined;
  }
}

function resolveActivity(
  e: HistoryEvent & { scheduledEventId: number },
  seqs: SeqMaps,
  result: ActivityResolution,
): Job {
  return { kind: 'resolveActivity', seq: activitySeq(e, seqs), result };
}

function resolveChild(
  e: HistoryEvent & { initiatedEventId: number },
  seqs: SeqMaps,
  result: ChildResolution,
): Job {
  return { kind: 'resolveChild', seq: childSeq(e, seqs), result };
}

function externalFailure(what: string, workflowId: string, cause: string): FailureInfo {
  return {
    message: `could not ${what} workflow ${workflowId}: ${cause}`,
    source: 'ApplicationFailure',
    type: cause,
  };
}

function activitySeq(e: HistoryEvent & { scheduledEventId: number }, seqs: SeqMaps): number {
  return seqOf(seqs.activityByEvent, e.scheduledEventId, e, 'scheduled no activity');
}

function childSeq(e: HistoryEvent & { initiatedEventId: number }, seqs: SeqMaps): number {
  return seqOf(seqs.childByEvent, e.initiatedEventId, e, 'started no child');
}

function signalSeq(e: HistoryEvent & { initiatedEventId: number }, seqs: SeqMaps): number {
  return seqOf(seqs.signalByEvent, e.initiatedEventId, e, 'sent no signal');
}

/** `undefined` for a cancel of a child, which resolves nothing in the code. */
function cancelSeq(e: HistoryEvent & { initiatedEventId: number }, seqs: SeqMaps): number | undefined {
  return seqOf(seqs.cancelByEvent, e.initiatedEventId, e, 'requested no cancellation');
}

/**
 * The seq the code gave the command whose event `e` refers to (by event id `ref`).
 * @throws HistoryError when no command of that kind recorded event `ref`.
 */
function seqOf<S>(bySourceEvent: ReadonlyMap<number, S>, ref: number, e: HistoryEvent, missing: string): S {
  if (!bySourceEvent.has(ref)) {
    throw new HistoryError(`${e.eventType} refers to event ${ref}, which ${missing}`, e.eventId);
  }
  return bySourceEvent.get(ref) as S;
}
