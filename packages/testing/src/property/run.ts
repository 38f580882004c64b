/**
 * Running one schedule the way workers would: a live run instance that answers queries between
 * workflow tasks, and that can be lost at a task boundary (evicted from the cache, or its worker
 * crashed) and rebuilt the way a worker rebuilds it: a fresh instance replays the recorded history
 * through the state machine, then takes the next live task.
 */
import { isDeepStrictEqual } from 'node:util';
import type { HistoryEvent } from '@reprise/history-store';
import {
  type Activation,
  type ActivationTarget,
  type Completion,
  isNondeterminismError,
  type SandboxRun,
  type SimulationResult,
  type WorkflowSandbox,
  WorkflowStateMachine,
} from '@reprise/runtime';
import { describeCommands } from './describe.ts';
import type { Disruption, Schedule } from './types.ts';
import { DeterminismViolation } from './violation.ts';

/** The sandboxes one check uses: `primary` is the worker that runs live; `secondary` takes over after a crash. */
export interface Workers {
  primary: WorkflowSandbox;
  secondary: WorkflowSandbox;
}

/** Counters a run adds to the check's statistics. */
export interface RunCounters {
  resumes: number;
  queries: number;
}

/** What a disrupted run compares itself with, task by task. */
export interface Reference {
  result: SimulationResult;
  /** The undisrupted run's history events, to rebuild a lost instance from. */
  events: readonly HistoryEvent[];
}

/**
 * The workflow code of one simulated run, as the workers see it. With no `reference` it runs every
 * task in one instance (queries still arrive between tasks). With a `reference` it also applies the
 * schedule's disruptions, and checks every task against the reference run as it goes: the first
 * task whose commands differ is a crash-equivalence violation, reported with both command lists.
 */
export class WorkerTarget implements ActivationTarget {
  readonly runId: string;
  readonly #workers: Workers;
  readonly #schedule: Schedule;
  readonly #reference: Reference | undefined;
  readonly #counters: RunCounters;
  #run: SandboxRun | undefined;
  #tasks = 0;
  #last: Activation | undefined;
  /** The last disruption applied, for reports. */
  #lastDisruption: Disruption | undefined;

  constructor(
    runId: string,
    workers: Workers,
    schedule: Schedule,
    counters: RunCounters,
    reference?: Reference,
  ) {
    this.runId = runId;
    this.#workers = workers;
    this.#schedule = schedule;
    this.#counters = counters;
    this.#reference = reference;
  }

  async activate(activation: Activation): Promise<Completion> {
    const boundary = this.#tasks;
    this.#tasks++;
    if (boundary > 0) await this.#query(boundary);
    const disruption = this.#reference
      ? this.#schedule.disruptions.find((d) => d.afterTask === boundary)
      : undefined;
    if (disruption !== undefined) await this.#resume(disruption, boundary);
    this.#run ??= await this.#workers.primary.newRun(this.runId);
    const completion = await this.#run.activate(activation);
    this.#last = activation;
    if (this.#reference && completion.taskFailure === undefined) this.#check(completion);
    return completion;
  }

  /** Releases the live instance. */
  dispose(): void {
    this.#run?.dispose();
    this.#run = undefined;
  }

  /** Answers the schedule's queries at this boundary from the live instance, as a worker would. */
  async #query(boundary: number): Promise<void> {
    const queries = this.#schedule.queries.filter((q) => q.afterTask === boundary);
    const last = this.#last;
    if (queries.length === 0 || this.#run === undefined || last === undefined) return;
    const activation: Activation = {
      runId: this.runId,
      timestamp: last.timestamp,
      isReplaying: true,
      historyLength: last.historyLength,
      jobs: queries.map((q, i) => ({
        kind: 'query',
        queryId: `query-${boundary}-${i + 1}`,
        name: q.name,
        args: q.args,
      })),
    };
    const completion = await this.#run.activate(activation);
    this.#counters.queries += queries.length;
    if (completion.taskFailure !== undefined || completion.commands.length > 0) {
      throw new DeterminismViolation(
        'crash-equivalence',
        `a query between workflow tasks ${boundary} and ${boundary + 1} changed the run: ` +
          (completion.taskFailure
            ? `it failed the run instance (${completion.taskFailure.message})`
            : `it produced commands (${describeCommands(completion.commands)}); queries must not change the run`),
        this.#reference?.events ?? [],
      );
    }
  }

  /** Drops the live instance and rebuilds the run from its recorded history in a new one. */
  async #resume(disruption: Disruption, boundary: number): Promise<void> {
    const reference = this.#reference!;
    this.dispose();
    this.#lastDisruption = disruption;
    const task = reference.result.tasks[boundary];
    if (task === undefined) return;
    const prefix = reference.events.slice(0, task.startedEventId - 1);
    const sandbox = disruption.kind === 'crash' ? this.#workers.secondary : this.#workers.primary;
    const run = await sandbox.newRun(this.runId);
    this.#run = run;
    this.#counters.resumes++;
    const sm = new WorkflowStateMachine(this.runId, { buildId: sandbox.buildId });
    sm.appendEvents(prefix);
    try {
      for (let a = sm.nextActivation(); a; a = sm.nextActivation()) {
        const completion = await run.activate(a);
        const outcome = sm.complete(completion);
        if (outcome.status === 'taskFailed') {
          throw new DeterminismViolation(
            'crash-equivalence',
            `after an ${disruption.kind} at workflow task boundary ${boundary}, replaying the history in a new ` +
              `instance failed the workflow task started at event ${a.historyLength}: ${outcome.failure.message}`,
            reference.events,
          );
        }
      }
    } catch (err) {
      if (!isNondeterminismError(err)) throw err;
      throw new DeterminismViolation(
        'crash-equivalence',
        `after an ${disruption.kind} at workflow task boundary ${boundary}, the history recorded so far no longer ` +
          `replays in a new instance:\n${err.message}`,
        reference.events,
      );
    }
  }

  /** Compares this task's commands with the reference run's. */
  #check(completion: Completion): void {
    const reference = this.#reference!;
    const index = this.#tasks - 1;
    const expected = reference.result.tasks[index]?.commands;
    const actual = completion.commands;
    if (expected !== undefined && isDeepStrictEqual(expected, actual)) return;
    const cause = this.#lastDisruption
      ? `after an ${this.#lastDisruption.kind} at workflow task boundary ${this.#lastDisruption.afterTask}`
      : 'with the same schedule in another run instance';
    throw new DeterminismViolation(
      'crash-equivalence',
      `${cause}, workflow task ${index + 1} produced different commands than in the uninterrupted run:\n` +
        `  - uninterrupted: ${expected === undefined ? '(no such task: the run had ended)' : describeCommands(expected)}\n` +
        `  + resumed:       ${describeCommands(actual)}`,
      reference.events,
    );
  }
}
