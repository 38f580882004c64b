/**
 * Applies one activation job to a run: starts the workflow, resolves the pending operation a job
 * names, delivers signals and updates, records patch and version notifications, cancels the run.
 *
 * Sandbox-safe: no Node imports.
 */
import type { Job } from '../protocol/activation.ts';
import { ActivityFailure, CancelledFailure, ChildWorkflowFailure, failureToError } from './api/failures.ts';
import { deliverSignal, startUpdate } from './handlers.ts';
import { Sfc32 } from './random.ts';
import type { Run, SeqKind } from './run.ts';

/** The workflows module's exports: workflow functions by type name (plus anything else it exports). */
export type WorkflowExports = Record<string, unknown>;

/** Thrown for a job the run cannot apply (an engine bug or a history that does not fit the code). */
export class JobError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'JobError';
    this.code = code;
  }
}

/**
 * Applies `job`. Returns true when it may have woken workflow code (a microtask checkpoint must run
 * before the next job), false for jobs that only record data.
 */
export function applyJob(run: Run, job: Job, exports: WorkflowExports): boolean {
  switch (job.kind) {
    case 'initialize':
      initialize(run, job, exports);
      return true;
    case 'fireTimer': {
      const onFire = run.timers.get(job.seq);
      if (onFire === undefined) return lateOrUnknown(run, 'timer', job.seq, job.kind);
      run.timers.delete(job.seq);
      onFire();
      return true;
    }
    case 'resolveActivity': {
      const pending = run.activities.get(job.seq);
      if (pending === undefined) return lateOrUnknown(run, 'activity', job.seq, job.kind);
      run.activities.delete(job.seq);
      const r = job.result;
      if (r.status === 'completed') pending.resolve(r.result);
      else {
        const cause = failureToError(r.failure);
        // History may store the bare cause or an ActivityFailure already wrapping it.
        pending.reject(
          cause instanceof ActivityFailure
            ? cause
            : new ActivityFailure(
                `activity ${pending.activityType} (id ${pending.activityId}) ${r.status === 'cancelled' ? 'was cancelled' : 'failed'}`,
                pending.activityType,
                pending.activityId,
                r.status === 'cancelled' ? 'cancelRequested' : undefined,
                cause,
              ),
        );
      }
      return true;
    }
    case 'signal':
      return deliverSignal(run, job.name, job.args);
    case 'update':
      return startUpdate(run, job);
    case 'query':
      // Answered at the end of the activation, against the state every other job produced.
      return false;
    case 'notifyPatch':
      run.patches.add(job.patchId);
      return false;
    case 'notifyVersion':
      run.versions.set(job.changeId, job.version);
      return false;
    case 'resolveChildStart': {
      const pending = run.childStarts.get(job.seq);
      if (pending === undefined) return lateOrUnknown(run, 'child', job.seq, job.kind);
      run.childStarts.delete(job.seq);
      pending.resolve(job.runId);
      return true;
    }
    case 'resolveChildStartFailed': {
      const pending = run.childStarts.get(job.seq);
      if (pending === undefined) return lateOrUnknown(run, 'child', job.seq, job.kind);
      run.childStarts.delete(job.seq);
      run.childResults.delete(job.seq);
      pending.reject(failureToError(job.failure));
      return true;
    }
    case 'resolveChild': {
      const pending = run.childResults.get(job.seq);
      if (pending === undefined) return lateOrUnknown(run, 'child', job.seq, job.kind);
      run.childResults.delete(job.seq);
      const r = job.result;
      if (r.status === 'completed') pending.resolve(r.result);
      else {
        const cause = failureToError(r.failure);
        pending.reject(
          cause instanceof ChildWorkflowFailure
            ? cause
            : new ChildWorkflowFailure(
                `child workflow ${pending.workflowType} (id ${pending.workflowId}) ${r.status === 'cancelled' ? 'was cancelled' : 'failed'}`,
                pending.workflowType,
                { workflowId: pending.workflowId },
                cause,
              ),
        );
      }
      return true;
    }
    case 'resolveSignalExternal':
      return settleExternal(run, run.externalSignals, 'signalExternal', job.seq, job.failure, job.kind);
    case 'resolveCancelExternal':
      return settleExternal(run, run.externalCancels, 'cancelExternal', job.seq, job.failure, job.kind);
    case 'cancelWorkflow':
      run.cancelRequested = true;
      run.rootScope.cancel(new CancelledFailure(job.reason ?? 'workflow cancelled'));
      return true;
  }
}

function initialize(run: Run, job: Extract<Job, { kind: 'initialize' }>, exports: WorkflowExports): void {
  if (run.info !== undefined) {
    throw new JobError('DUPLICATE_INITIALIZE', `run ${run.info.runId} received a second initialize job`);
  }
  const fn = exports[job.workflowType];
  if (typeof fn !== 'function') {
    const known = workflowTypesOf(exports);
    throw new JobError(
      'UNKNOWN_WORKFLOW_TYPE',
      `no workflow function named ${JSON.stringify(job.workflowType)} is exported by the workflows module; ` +
        `exported workflow types: ${known.length > 0 ? known.join(', ') : '(none)'}. ` +
        'Export the function under that name from the workflows entry, or start the run with one of these types',
    );
  }
  run.info = job.info;
  run.rng = new Sfc32(job.randomnessSeed);
  let result: Promise<unknown>;
  run.currentScope = run.rootScope;
  try {
    result = Promise.resolve((fn as (...args: unknown[]) => unknown)(...job.args));
  } catch (err) {
    result = Promise.reject(err);
  }
  result.then(
    (value) => run.emitTerminal({ kind: 'completeWorkflow', result: value }),
    (err: unknown) => run.handleError(err),
  );
}

/** The names of the functions a workflows module exports. */
export function workflowTypesOf(exports: WorkflowExports): string[] {
  return Object.keys(exports)
    .filter((name) => typeof exports[name] === 'function')
    .sort();
}

function settleExternal(
  run: Run,
  pendings: Map<number, { resolve(): void; reject(err: unknown): void }>,
  kind: SeqKind,
  seq: number,
  failure: Parameters<typeof failureToError>[0] | undefined,
  jobKind: string,
): boolean {
  const pending = pendings.get(seq);
  if (pending === undefined) return lateOrUnknown(run, kind, seq, jobKind);
  pendings.delete(seq);
  if (failure === undefined) pending.resolve();
  else pending.reject(failureToError(failure));
  return true;
}

/**
 * A resolution for an operation the code already gave up on (cancelled with `tryCancel`/`abandon`,
 * or a timer cancelled while it fired) is dropped; one for a sequence number the code never issued
 * means the history does not fit the code.
 */
function lateOrUnknown(run: Run, kind: SeqKind, seq: number, jobKind: string): false {
  if (run.wasIssued(kind, seq)) return false;
  throw new JobError(
    'UNKNOWN_SEQUENCE',
    `${jobKind} job for ${kind} #${seq}, which this workflow code never started; ` +
      'the history does not match the code (replay it to see where they diverge)',
  );
}
