/**
 * One run's instance of the workflow code inside the sandbox (the {@link RunInstance} the bundle's
 * `instantiate()` returns). The compiler's bundle evaluates the workflow modules afresh per run and
 * calls {@link createRunInstance} with the workflows module's exports. This module itself is shared
 * by every run of a context (see compiler/sharing.ts): all of a run's state lives in its instance.
 *
 * An activation is applied one waking job at a time: after each job that may resume workflow code,
 * `conclude()` returns `undefined` so the host runs a microtask checkpoint before the next job. Code
 * resumed by one job therefore finishes reacting before the next job is applied, which keeps the
 * current cancellation scope exact without an async context (there is none in the sandbox).
 *
 * Sandbox-safe: no Node imports.
 */

import { bindVersioningHost, type VersioningHost } from '@reprise/versioning';
import type { Activation, Job } from '../protocol/activation.ts';
import { RUN_ENV_GLOBAL, type RunEnv, type RunInstance } from '../protocol/bundle.ts';
import type { Completion } from '../protocol/completion.ts';
import { setActiveRun } from './current.ts';
import { answerQueries, rejectUnhandledUpdates } from './handlers.ts';
import { applyJob, JobError, type WorkflowExports } from './jobs.ts';
import { Run } from './run.ts';
import { createVersioningHost } from './versioning-host.ts';

export type { WorkflowExports } from './jobs.ts';
export { workflowTypesOf } from './jobs.ts';

type QueryJob = Extract<Job, { kind: 'query' }>;

interface EnvSlot {
  current: RunEnv | undefined;
}

/** The context-wide slot the prelude's globals read; created here when no prelude ran (tests). */
function envSlot(): EnvSlot {
  const g = globalThis as unknown as Record<string, EnvSlot | undefined>;
  let slot = g[RUN_ENV_GLOBAL];
  if (slot === undefined) {
    slot = { current: undefined };
    g[RUN_ENV_GLOBAL] = slot;
  }
  return slot;
}

/** Refills the run's sets of timers and activities this activation resolves (usually none or one). */
function noteResolutions(run: Run, jobs: Job[]): void {
  if (run.firingTimers.size > 0) run.firingTimers.clear();
  if (run.resolvingActivities.size > 0) run.resolvingActivities.clear();
  for (const job of jobs) {
    if (job.kind === 'fireTimer') run.firingTimers.add(job.seq);
    else if (job.kind === 'resolveActivity') run.resolvingActivities.add(job.seq);
  }
}

/**
 * Creates the run instance for one run of the workflows in `exports` (the workflows module's
 * exports: each exported function is a workflow type).
 */
export function createRunInstance(exports: WorkflowExports): RunInstance {
  return new WorkflowRunInstance(exports);
}

class WorkflowRunInstance implements RunInstance {
  readonly #exports: WorkflowExports;
  readonly #run = new Run();
  readonly #slot = envSlot();
  readonly #versioning: VersioningHost = createVersioningHost(this.#run);
  #jobs: Job[] = [];
  #next = 0;
  #queries: QueryJob[] = [];
  #runId = '';
  /** Set after a failed workflow task: the run's state is suspect, so the instance refuses more work. */
  #poisoned = false;

  constructor(exports: WorkflowExports) {
    this.#exports = exports;
  }

  activate(activation: Activation): void {
    const run = this.#run;
    this.#enter();
    this.#runId = activation.runId;
    run.timestamp = activation.timestamp;
    run.isReplaying = activation.isReplaying;
    run.historyLength = activation.historyLength;
    run.continueAsNewSuggested = activation.continueAsNewSuggested ?? false;
    run.captureLocations = activation.captureLocations ?? false;
    run.commands = [];
    run.queryResults = [];
    run.logs = [];
    this.#jobs = activation.jobs;
    noteResolutions(run, activation.jobs);
    this.#next = 0;
    this.#queries = [];
    if (this.#poisoned) {
      run.failTask(
        'RUN_INSTANCE_FAILED',
        new Error(
          'this run instance failed an earlier workflow task and its state cannot be trusted; ' +
            'create a new instance and replay the history',
        ),
      );
      return;
    }
    this.#applyJobs();
  }

  conclude(): Completion | undefined {
    const run = this.#run;
    this.#enter();
    if (run.taskFailure === undefined) {
      try {
        if (run.checkConditions()) return undefined;
        if (this.#applyJobs()) return undefined;
        answerQueries(run, this.#queries);
        rejectUnhandledUpdates(run);
      } catch (err) {
        run.failTask(err instanceof JobError ? err.code : 'WORKFLOW_CODE_ERROR', err);
      }
    }
    return this.#finish();
  }

  /** Applies jobs until one may have woken workflow code. Returns true if one did. */
  #applyJobs(): boolean {
    const run = this.#run;
    while (this.#next < this.#jobs.length && run.taskFailure === undefined) {
      const job = this.#jobs[this.#next++] as Job;
      if (job.kind === 'query') this.#queries.push(job);
      let woke: boolean;
      try {
        woke = applyJob(run, job, this.#exports);
      } catch (err) {
        run.failTask(err instanceof JobError ? err.code : 'WORKFLOW_CODE_ERROR', err);
        return false;
      }
      if (woke) return true;
    }
    return false;
  }

  #enter(): void {
    setActiveRun(this.#run);
    this.#slot.current = this.#run;
    bindVersioningHost(this.#versioning);
  }

  #finish(): Completion {
    const run = this.#run;
    const completion: Completion = {
      runId: this.#runId,
      commands: run.taskFailure === undefined ? run.commands : [],
      queryResults: run.queryResults,
      logs: run.logs,
    };
    if (run.taskFailure !== undefined) {
      completion.taskFailure = run.taskFailure;
      this.#poisoned = true;
      run.taskFailure = undefined;
    }
    run.commands = [];
    run.queryResults = [];
    run.logs = [];
    this.#slot.current = undefined;
    setActiveRun(undefined);
    return completion;
  }
}
