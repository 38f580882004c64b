/**
 * The workflow state machine of one run: recorded history in, activations out; completions in, either
 * checked against the history (replay) or turned into new events (live, at the end of the history).
 *
 * Sandbox-safe: no Node imports. Pure and synchronous: no I/O, no clocks, no randomness.
 */
import type { EventOf, HistoryEvent } from '@reprise/history-store';
import type { Activation, Command, Completion, Job } from '../protocol/index.ts';
import { InvalidCommandError, untilClosing } from './commands.ts';
import { HistoryError } from './errors.ts';
import { initializeJob, jobOf } from './jobs.ts';
import { type LiveRecord, type OpenLiveTask, openLiveTask, recordLiveTask } from './live-task.ts';
import { type Comparison, commandEventTypes } from './matching.ts';
import { divergenceError, matchReplayTask, openReplayTask, type ReplayTask } from './replay-task.ts';
import { SeqMaps } from './seq-maps.ts';
import type { CompletionOutcome, LiveTask, QueryRequest, StateMachineOptions } from './types.ts';

/** The activation awaiting its completion: a recorded task, the live task, or a query-only one. */
type Pending = ReplayTask | OpenLiveTask | { mode: 'query' };

/**
 * The state machine of one run. Feed it the run's history with {@link appendEvents}; call
 * {@link nextActivation} and hand each activation to the run's sandbox instance, then give the
 * instance's completion to {@link complete}. Activations come from recorded workflow tasks first
 * (`isReplaying`), then, when a {@link LiveTask} is passed at the end of the history, from the live task.
 *
 * @example
 * const sm = new WorkflowStateMachine(task.runId, { buildId: bundle.buildId });
 * sm.appendEvents(task.history);
 * for (let a = sm.nextActivation(live); a; a = sm.nextActivation(live)) {
 *   const outcome = sm.complete(await run.activate(a));
 *   if (outcome.status === 'recorded') await store.completeWorkflowTask(task, { events: outcome.events, ... });
 * }
 */
export class WorkflowStateMachine {
  /** The run this machine replays. */
  readonly runId: string;
  private readonly options: StateMachineOptions;
  private readonly compare: Comparison;
  private readonly events: HistoryEvent[] = [];
  private readonly seqs = new SeqMaps();
  private cursor = 0;
  private started: EventOf<'WorkflowExecutionStarted'> | undefined;
  private pending: Pending | undefined;
  private closed = false;
  private broken: string | undefined;
  private lastTaskTime = 0;

  constructor(runId: string, options: StateMachineOptions) {
    this.runId = runId;
    this.options = options;
    this.compare = {
      timerDurations: options.compare?.timerDurations ?? true,
      argumentHashes: options.compare?.argumentHashes ?? false,
    };
  }

  /** Id of the last event the machine knows (recorded, or written by its own live completions). */
  get lastEventId(): number {
    return this.events.length;
  }

  /** True once the run's history holds a closing event. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The events the machine knows, in order. Do not mutate. */
  get history(): readonly HistoryEvent[] {
    return this.events;
  }

  /**
   * Adds events to the end of the known history. Events the machine already has (ids at or below
   * {@link lastEventId}, e.g. those of its own live completion read back from the store) must have the
   * same type; they replace the machine's copies, which carry estimated times.
   * @throws HistoryError on a gap in event ids or a conflicting event.
   */
  appendEvents(events: readonly HistoryEvent[]): void {
    for (const e of events) {
      const known = this.events[e.eventId - 1];
      if (e.eventId === this.events.length + 1) {
        if (e.eventId === 1 && e.eventType !== 'WorkflowExecutionStarted') {
          throw new HistoryError(`a history starts with WorkflowExecutionStarted, not ${e.eventType}`, 1);
        }
        this.events.push(e);
      } else if (known && e.eventId >= 1) {
        if (known.eventType !== e.eventType) {
          throw new HistoryError(
            `expected ${known.eventType} here (as known), got ${e.eventType}`,
            e.eventId,
          );
        }
        this.events[e.eventId - 1] = e;
      } else {
        throw new HistoryError(
          `event ids must be dense: expected event ${this.events.length + 1} next, got ${e.eventId}`,
          e.eventId,
        );
      }
    }
  }

  /**
   * The next activation: the next recorded workflow task (replay), or the live task at the end of
   * the history when `live` is given. `undefined` when there is nothing to run: the history ends
   * without a pending task, or the run is closed.
   *
   * Jobs come in history order, except `notifyPatch`/`notifyVersion` jobs for the markers the replayed
   * task recorded, which come first so that any code the other jobs resume sees them; then updates,
   * then queries.
   * @throws HistoryError when the events cannot be a run's history.
   */
  nextActivation(live?: LiveTask): Activation | undefined {
    this.assertReady();
    const jobs: Job[] = [];
    const events = this.events;
    for (let i = this.cursor; i < events.length; i++) {
      const e = events[i]!;
      switch (e.eventType) {
        case 'WorkflowExecutionStarted':
          if (i !== 0)
            throw new HistoryError('WorkflowExecutionStarted can only be the first event', e.eventId);
          this.started = e;
          jobs.push(initializeJob(e, this.runId, this.options.buildId));
          break;
        case 'WorkflowTaskStarted': {
          const next = events[i + 1];
          if (next === undefined) return live ? this.beginLive(jobs, i + 1, live, e) : undefined;
          if (next.eventType === 'WorkflowTaskCompleted') return this.beginReplay(jobs, i, e);
          if (next.eventType !== 'WorkflowTaskFailed' && next.eventType !== 'WorkflowTaskTimedOut') {
            throw new HistoryError(
              `WorkflowTaskStarted must be followed by WorkflowTaskCompleted, Failed or TimedOut, not ${next.eventType}`,
              next.eventId,
            );
          }
          // A failed task recorded nothing: its jobs are delivered again to the next task.
          i++;
          break;
        }
        case 'WorkflowTaskCompleted':
        case 'WorkflowTaskFailed':
        case 'WorkflowTaskTimedOut':
          throw new HistoryError(`${e.eventType} without a WorkflowTaskStarted before it`, e.eventId);
        case 'WorkflowExecutionTerminated':
        case 'WorkflowExecutionTimedOut':
          this.closed = true;
          this.cursor = i + 1;
          return undefined;
        default: {
          if (commandEventTypes.has(e.eventType)) {
            throw new HistoryError(`${e.eventType} outside the commands of a workflow task`, e.eventId);
          }
          const job = jobOf(e, this.seqs);
          if (job) jobs.push(job);
        }
      }
    }
    if (!live || this.closed) return undefined;
    return this.beginLive(jobs, events.length, live, undefined);
  }

  /**
   * An activation that only answers queries against the run's current state (for a closed run, or
   * between tasks). Its completion must carry no commands; nothing is recorded.
   */
  queryActivation(queries: QueryRequest[]): Activation {
    this.assertReady();
    this.pending = { mode: 'query' };
    return {
      runId: this.runId,
      timestamp: this.lastTaskTime,
      isReplaying: true,
      historyLength: this.events.length,
      jobs: queries.map((q) => ({ kind: 'query', queryId: q.queryId, name: q.name, args: q.args })),
    };
  }

  /**
   * Takes the completion of the activation last returned. Replay: checks every command against the
   * recorded events. Live: returns the events to append. After a `taskFailed` outcome or a thrown
   * {@link NondeterminismError}, the machine (like the run instance) must be discarded.
   * @throws NondeterminismError when a replayed command differs from the history.
   */
  complete(completion: Completion): CompletionOutcome {
    const pending = this.pending;
    if (!pending)
      throw new InvalidCommandError('complete() without an activation: call nextActivation() first');
    this.pending = undefined;
    const queryResults = completion.queryResults;
    if (completion.taskFailure) {
      this.broken = `the workflow task failed: ${completion.taskFailure.message}`;
      return { status: 'taskFailed', failure: completion.taskFailure, queryResults };
    }
    const commands = untilClosing(completion.commands);
    switch (pending.mode) {
      case 'query':
        if (commands.length > 0) {
          this.broken = 'a query handler produced commands';
          throw new InvalidCommandError(
            `a query handler produced commands (${commands.map((c) => c.kind).join(', ')}); queries must not change the run`,
          );
        }
        return { status: 'queried', queryResults };
      case 'replay':
        this.matchReplay(pending, commands);
        return { status: 'replayed', queryResults };
      case 'live':
        return this.recordLive(pending, commands, queryResults);
    }
  }

  private beginReplay(jobs: Job[], startedIndex: number, started: HistoryEvent): Activation {
    const { task, first, updates } = openReplayTask(this.events, startedIndex, started);
    this.cursor = task.blockStart;
    this.pending = task;
    this.lastTaskTime = started.eventTime;
    const all = first.length || updates.length ? [...first, ...jobs, ...updates] : jobs;
    return this.activation(started.eventTime, true, started.eventId, all);
  }

  private beginLive(
    jobs: Job[],
    cursor: number,
    live: LiveTask,
    recorded: HistoryEvent | undefined,
  ): Activation {
    const task = openLiveTask(this.runId, this.events, jobs, live, recorded);
    this.cursor = cursor;
    this.pending = task;
    this.lastTaskTime = task.startedTime;
    return this.activation(task.startedTime, false, task.startedEventId, jobs);
  }

  private activation(
    timestamp: number,
    isReplaying: boolean,
    historyLength: number,
    jobs: Job[],
  ): Activation {
    const a: Activation = { runId: this.runId, timestamp, isReplaying, historyLength, jobs };
    if (historyLength >= (this.options.continueAsNewSuggestedAt ?? 10_000)) a.continueAsNewSuggested = true;
    return a;
  }

  private matchReplay(task: ReplayTask, commands: Command[]): void {
    const { closesRun, divergence } = matchReplayTask(task, commands, this.events, this.seqs, this.compare);
    if (closesRun) this.closed = true;
    if (divergence) {
      this.broken = 'replay diverged from the history';
      throw divergenceError(task, divergence, {
        runId: this.runId,
        buildId: this.options.buildId,
        started: this.started,
        events: this.events,
        lastMatchingCount: this.options.lastMatchingCount ?? 5,
      });
    }
    this.cursor = task.blockEnd;
  }

  private recordLive(
    task: OpenLiveTask,
    commands: Command[],
    queryResults: Completion['queryResults'],
  ): CompletionOutcome {
    let record: LiveRecord;
    try {
      record = recordLiveTask(task, commands, this.seqs, {
        buildId: this.options.buildId,
        identity: this.options.identity ?? '',
        taskQueue: this.started?.taskQueue ?? '',
      });
    } catch (err) {
      this.broken = 'the completion carried an invalid command';
      throw err;
    }
    const { events, firstEventId, rejectedUpdates, closesRun } = record;
    for (let k = 0; k < events.length; k++) {
      this.events.push({
        ...events[k]!,
        eventId: firstEventId + k,
        eventTime: task.startedTime,
      } as HistoryEvent);
    }
    this.cursor = this.events.length;
    if (closesRun) this.closed = true;
    return { status: 'recorded', events, firstEventId, queryResults, rejectedUpdates, closesRun };
  }

  private assertReady(): void {
    if (this.broken) {
      throw new InvalidCommandError(
        `this state machine cannot continue (${this.broken}); rebuild it from history`,
      );
    }
    if (this.pending) {
      throw new InvalidCommandError('the previous activation has not been completed: call complete() first');
    }
  }
}
