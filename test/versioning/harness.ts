/**
 * A minimal in-process driver for versioning rule tests: workflow "programs" written as plain async
 * functions over one `activity()` call, the real versioning module bound to a host fed by activation
 * jobs, and the real `WorkflowStateMachine` checking every replayed command. Each attempt at a workflow
 * task builds a fresh state machine and program instance from the whole history, as a worker that
 * does not hold the run in its cache does.
 *
 * It exists so the versioning rules can be checked against the state machine's matching rules
 * without the compiler and sandbox in the loop (those are exercised by the fixture replays).
 */
import type { HistoryEvent, NewEvent } from '../../packages/history-store/src/index.ts';
import type { Activation, Command, Completion } from '../../packages/runtime/src/index.ts';
import { WorkflowStateMachine } from '../../packages/runtime/src/index.ts';
import { bindVersioningHost, type VersioningHost } from '../../packages/versioning/src/index.ts';

/** What a program can do besides the versioning calls. */
export interface ProgramApi {
  /** Schedules an activity and resolves when its result arrives. */
  activity(name: string): Promise<void>;
}

/** A workflow body. Returning completes the workflow. */
export type Program = (api: ProgramApi) => Promise<void>;

/** One version of the workflow code. */
export interface CodeVersion {
  name: string;
  program: Program;
}

/** The outcome of one attempt at the run's next workflow task. */
export type AttemptResult = { ok: true; closed: boolean } | { ok: false; error: Error };

class ProgramInstance {
  private commands: Command[] = [];
  private seq = 0;
  private readonly waiting = new Map<number, () => void>();
  private failure: unknown;
  private replaying = true;
  private readonly patches = new Set<string>();
  private readonly versions = new Map<string, number>();

  private readonly program: Program;

  constructor(program: Program) {
    this.program = program;
    const host: VersioningHost = {
      isReplaying: () => this.replaying,
      hasPatchMarker: (id) => this.patches.has(id),
      recordedVersion: (id) => this.versions.get(id),
      recordMarker: (marker) => this.commands.push({ kind: 'recordMarker', marker }),
    };
    bindVersioningHost(host);
  }

  async activate(a: Activation): Promise<Completion> {
    this.replaying = a.isReplaying;
    this.commands = [];
    for (const job of a.jobs) {
      if (job.kind === 'notifyPatch') this.patches.add(job.patchId);
      else if (job.kind === 'notifyVersion') this.versions.set(job.changeId, job.version);
      else if (job.kind === 'initialize') this.start();
      else if (job.kind === 'resolveActivity') this.waiting.get(job.seq)?.();
    }
    // Let the program run until it waits on something again.
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    const done: Completion = { runId: a.runId, commands: this.commands, queryResults: [], logs: [] };
    if (this.failure !== undefined) {
      const e = this.failure as Error & { code?: string };
      done.commands = [];
      done.taskFailure = {
        message: e.message,
        type: e.name,
        source: 'workflow',
        code: e.code ?? 'UNHANDLED',
      } as Completion['taskFailure'] & object;
    }
    return done;
  }

  private start(): void {
    const api: ProgramApi = {
      activity: (name) => {
        const seq = ++this.seq;
        this.commands.push({
          kind: 'scheduleActivity',
          seq,
          activityId: String(seq),
          activityType: name,
          args: [],
          options: { startToCloseTimeoutMs: 60_000 },
        });
        return new Promise<void>((resolve) => this.waiting.set(seq, resolve));
      },
    };
    this.program(api).then(
      () => this.commands.push({ kind: 'completeWorkflow', result: null }),
      (err: unknown) => {
        // An error thrown by workflow code (here: a versioning error) fails the workflow task.
        this.failure = err;
      },
    );
  }
}

/** One run's history, grown by attempts that succeed; a failed attempt appends nothing. */
export class HarnessRun {
  readonly history: HistoryEvent[] = [];
  closed = false;
  private time = 1_700_000_000_000;

  readonly runId: string;

  constructor(runId = 'run-1') {
    this.runId = runId;
    this.append([
      {
        eventType: 'WorkflowExecutionStarted',
        workflowId: 'wf-1',
        workflowType: 'order',
        taskQueue: 'q',
        input: [],
        randomnessSeed: [1, 2, 3, 4],
        attempt: 1,
        firstExecutionRunId: runId,
      },
      { eventType: 'WorkflowTaskScheduled', taskQueue: 'q', attempt: 1 },
    ]);
  }

  /** Runs the next workflow task with `code`, after replaying the whole history with it. */
  async attempt(code: CodeVersion): Promise<AttemptResult> {
    const sm = new WorkflowStateMachine(this.runId, { buildId: code.name });
    sm.appendEvents(this.history);
    const instance = new ProgramInstance(code.program);
    const live = { startedTime: this.time + 1 };
    for (let a = sm.nextActivation(live); a; a = sm.nextActivation(live)) {
      let outcome: ReturnType<WorkflowStateMachine['complete']>;
      try {
        outcome = sm.complete(await instance.activate(a));
      } catch (err) {
        return { ok: false, error: err as Error };
      }
      if (outcome.status === 'taskFailed') {
        return { ok: false, error: Object.assign(new Error(outcome.failure.message), outcome.failure) };
      }
      if (outcome.status === 'recorded') {
        this.append(outcome.events);
        this.closed = outcome.closesRun;
        if (!this.closed) this.completeOpenActivity();
        return { ok: true, closed: this.closed };
      }
    }
    throw new Error('the history ended without a live workflow task');
  }

  /** The activity the last task scheduled completes, and a workflow task is scheduled for it. */
  private completeOpenActivity(): void {
    const scheduled = this.history.findLast((e) => e.eventType === 'ActivityTaskScheduled');
    if (!scheduled) throw new Error('the workflow waits on nothing');
    const startedId = this.history.length + 1;
    this.append([
      { eventType: 'ActivityTaskStarted', scheduledEventId: scheduled.eventId, attempt: 1, identity: 'w' },
      {
        eventType: 'ActivityTaskCompleted',
        scheduledEventId: scheduled.eventId,
        startedEventId: startedId,
        result: null,
      },
      { eventType: 'WorkflowTaskScheduled', taskQueue: 'q', attempt: 1 },
    ]);
  }

  private append(events: NewEvent[]): void {
    for (const e of events) {
      this.history.push({ ...e, eventId: this.history.length + 1, eventTime: ++this.time } as HistoryEvent);
    }
  }

  /** Activity types scheduled so far, in order. */
  activities(): string[] {
    return this.history.flatMap((e) => (e.eventType === 'ActivityTaskScheduled' ? [e.activityType] : []));
  }
}

/** Replays a whole recorded history with `code`, recording nothing (as a replayer does). */
export async function replayWith(
  code: CodeVersion,
  history: readonly HistoryEvent[],
): Promise<AttemptResult> {
  const sm = new WorkflowStateMachine(history[0]?.eventType === 'WorkflowExecutionStarted' ? 'run' : '?', {
    buildId: code.name,
  });
  sm.appendEvents(history);
  const instance = new ProgramInstance(code.program);
  for (let a = sm.nextActivation(); a; a = sm.nextActivation()) {
    try {
      const outcome = sm.complete(await instance.activate(a));
      if (outcome.status === 'taskFailed') {
        return { ok: false, error: Object.assign(new Error(outcome.failure.message), outcome.failure) };
      }
    } catch (err) {
      return { ok: false, error: err as Error };
    }
  }
  return { ok: true, closed: sm.isClosed };
}
