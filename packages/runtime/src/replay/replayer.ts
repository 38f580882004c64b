/**
 * Replays histories against workflow code with no side effects: the state machine drives a sandbox
 * run through every recorded workflow task and checks its commands. One sandbox (inline isolation)
 * serves many histories; each history gets a fresh run instance.
 */
import { type EventOf, type HistoryEvent, validateEvent } from '@reprise/history-store';
import { compileWorkflows, type WorkflowBundle } from '../compiler/index.ts';
import type { Command, Completion } from '../protocol/index.ts';
import { createWorkflowSandbox, type WorkflowSandbox } from '../sandbox/index.ts';
import {
  HistoryError,
  isNondeterminismError,
  type NondeterminismError,
  summarizeCommand,
  WorkflowStateMachine,
} from '../state-machine/index.ts';
import { WorkflowTaskFailedError } from './errors.ts';
import { locateStack } from './locate.ts';
import type { HistoryInput, ReplayedRun, ReplayOptions, ReplayResult, ReplaySource } from './types.ts';

/**
 * A reusable replayer: compile (or take) a bundle once, then replay any number of histories.
 * @example
 * const replayer = await Replayer.create({ workflowsPath: 'src/workflows.ts' });
 * try { for (const h of histories) console.log((await replayer.replay(h)).ok); }
 * finally { await replayer.dispose(); }
 */
export class Replayer {
  readonly bundle: WorkflowBundle;
  private readonly sandbox: WorkflowSandbox;
  private readonly options: ReplayOptions;

  private constructor(bundle: WorkflowBundle, sandbox: WorkflowSandbox, options: ReplayOptions) {
    this.bundle = bundle;
    this.sandbox = sandbox;
    this.options = options;
  }

  /** Compiles the source if needed and creates an inline sandbox for it. */
  static async create(source: ReplaySource, options: ReplayOptions = {}): Promise<Replayer> {
    const bundle =
      'bundle' in source ? source.bundle : await compileWorkflows({ workflowsPath: source.workflowsPath });
    const sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
    return new Replayer(bundle, sandbox, options);
  }

  /** Replays one history. Never throws for a bad history or bad code: the result says what went wrong. */
  async replay(history: HistoryInput, options: ReplayOptions = this.options): Promise<ReplayResult> {
    const input = Array.isArray(history)
      ? { events: history as readonly HistoryEvent[] }
      : (history as Exclude<HistoryInput, readonly HistoryEvent[]>);
    const run = describeRun(input);
    if ('error' in run) return run.error;
    if (options.validate ?? true) {
      for (const e of input.events) {
        const problem = validateEvent(e);
        if (problem) return { ...run, ok: false, error: new HistoryError(`${label(run)}: ${problem}`) };
      }
    }
    const collect = options.collectCommands ? ([] as Command[][]) : undefined;
    const first = await this.pass(run, input.events, options, false, collect);
    if (first.error === undefined) {
      return {
        ...run,
        ok: true,
        eventCount: input.events.length,
        workflowTasks: first.tasks,
        ...(collect ? { commands: collect } : {}),
      };
    }
    let error: Error = first.error;
    if (isNondeterminismError(error) && (options.locate ?? true) && error.command) {
      error = await this.locate(run, input.events, options, error);
    }
    return { ...run, ok: false, error };
  }

  /** Releases the sandbox. */
  async dispose(): Promise<void> {
    await this.sandbox.dispose();
  }

  private async pass(
    run: ReplayedRun,
    events: readonly HistoryEvent[],
    options: ReplayOptions,
    captureLocations: boolean,
    collect: Command[][] | undefined,
    onCompletion?: (startedEventId: number, completion: Completion) => void,
  ): Promise<{ tasks: number; error?: Error }> {
    const instance = await this.sandbox.newRun(run.runId);
    let tasks = 0;
    try {
      const sm = new WorkflowStateMachine(run.runId, {
        buildId: this.bundle.buildId,
        ...(options.compare ? { compare: options.compare } : {}),
      });
      sm.appendEvents(events);
      for (let a = sm.nextActivation(); a; a = sm.nextActivation()) {
        if (captureLocations) a.captureLocations = true;
        const completion = await instance.activate(a);
        onCompletion?.(a.historyLength, completion);
        const outcome = sm.complete(completion);
        if (outcome.status === 'taskFailed') {
          return { tasks, error: new WorkflowTaskFailedError(label(run), a.historyLength, outcome.failure) };
        }
        collect?.push(completion.commands);
        tasks++;
      }
      return { tasks };
    } catch (err) {
      return { tasks, error: err instanceof Error ? err : new Error(String(err)) };
    } finally {
      instance.dispose();
    }
  }

  /** Replays again with command stacks and adds the source location of the diverging command. */
  private async locate(
    run: ReplayedRun,
    events: readonly HistoryEvent[],
    options: ReplayOptions,
    error: NondeterminismError,
  ): Promise<NondeterminismError> {
    const target = JSON.stringify(error.command);
    let stack: string | undefined;
    await this.pass(run, events, options, true, undefined, (startedEventId, completion) => {
      if (startedEventId !== error.details.workflowTaskStartedEventId) return;
      stack = completion.commands.find((c) => JSON.stringify(summarizeCommand(c)) === target)?.stack;
    });
    const location = stack === undefined ? undefined : locateStack(stack, this.bundle);
    return location ? error.withLocation(location) : error;
  }
}

function describeRun(
  given: Exclude<HistoryInput, readonly HistoryEvent[]>,
): ReplayedRun | { error: ReplayResult } {
  const input = {
    events: given.events,
    workflowId: given.workflowId ?? given.header?.workflowId,
    runId: given.runId ?? given.header?.runId,
    name: given.name ?? given.source,
  };
  const first = input.events[0];
  const named = input.name === undefined ? {} : { name: input.name };
  if (first?.eventType !== 'WorkflowExecutionStarted') {
    const run = {
      workflowId: input.workflowId ?? '?',
      runId: input.runId ?? '?',
      workflowType: '?',
      ...named,
    };
    const problem = first ? `starts with ${first.eventType}` : 'is empty';
    return {
      error: {
        ...run,
        ok: false,
        error: new HistoryError(
          `history ${input.name ?? run.workflowId} ${problem}; a history starts with WorkflowExecutionStarted`,
          first?.eventId,
        ),
      },
    };
  }
  const started = first as EventOf<'WorkflowExecutionStarted'>;
  return {
    workflowId: input.workflowId ?? started.workflowId,
    runId:
      input.runId ??
      (started.continuedFromRunId === undefined
        ? started.firstExecutionRunId
        : `${started.workflowId}-replay`),
    workflowType: started.workflowType,
    ...named,
  };
}

function label(run: ReplayedRun): string {
  return `workflow ${run.workflowId} (run ${run.runId}${run.name ? `, ${run.name}` : ''})`;
}
