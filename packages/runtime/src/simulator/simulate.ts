/**
 * A deterministic in-memory executor: runs a workflow to its end without a store, driving the state
 * machine live against a scripted outside world, and returns the history a worker and a store would
 * have written (same events, same buffering: what arrives during a workflow task is appended after
 * its completion, then a new WorkflowTaskScheduled).
 */
import type { HistoryEvent, NewEvent } from '@reprise/history-store';
import { RepriseError } from '../errors.ts';
import type { Command } from '../protocol/index.ts';
import type { ReplayComparison, UpdateRequest } from '../state-machine/index.ts';
import { WorkflowStateMachine } from '../state-machine/index.ts';
import type {
  ActivationTarget,
  SimulatedTask,
  SimulationResult,
  SimulationScript,
  SimulationStatus,
} from './types.ts';
import { ArrivalQueue, World } from './world.ts';

/** The simulated run could not go on: its workflow task failed, or it never stopped. */
export class SimulationError extends RepriseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SIMULATION_FAILED', message, options);
  }
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Build id recorded in WorkflowTaskCompleted events (default `simulator`). */
  buildId?: string;
  compare?: ReplayComparison;
}

const DEFAULT_START = Date.UTC(2026, 0, 1);
const IDENTITY = 'simulator';

/**
 * Runs one workflow against a script. `target` runs the workflow code (a sandbox run, created fresh
 * for this run); each workflow task's activation goes to it once.
 * @throws SimulationError when a workflow task fails or the run exceeds `maxWorkflowTasks`.
 * @example
 * const run = sandbox.newRun('run-1');
 * const { events } = await simulate(run, { workflowType: 'order', args: [order],
 *   activities: { chargePayment: { status: 'completed', result: { paymentId: 'p1' } } },
 *   signals: [{ name: 'approve', args: [true], atMs: 60_000 }] });
 */
export async function simulate(
  target: ActivationTarget,
  script: SimulationScript,
  options: SimulateOptions = {},
): Promise<SimulationResult> {
  const workflowId = script.workflowId ?? `${script.workflowType}-1`;
  const runId = script.runId ?? target.runId ?? `${workflowId}-run-1`;
  const taskQueue = script.taskQueue ?? 'default';
  const start = script.startTime ?? DEFAULT_START;
  const sm = new WorkflowStateMachine(runId, {
    buildId: options.buildId ?? 'simulator',
    identity: IDENTITY,
    ...(options.compare ? { compare: options.compare } : {}),
  });
  const queue = new ArrivalQueue();
  const world = new World(queue, script);
  let clock = start;
  const append = (events: NewEvent[]): HistoryEvent[] => {
    const out = events.map(
      (e, i) => ({ ...e, eventId: sm.lastEventId + 1 + i, eventTime: clock }) as HistoryEvent,
    );
    sm.appendEvents(out);
    for (const e of out) world.appended(e);
    return out;
  };
  const scheduleTask = () => append([{ eventType: 'WorkflowTaskScheduled', taskQueue, attempt: 1 }]);

  append([
    {
      eventType: 'WorkflowExecutionStarted',
      workflowId,
      workflowType: script.workflowType,
      taskQueue,
      input: script.args ?? [],
      randomnessSeed: script.randomnessSeed ?? seedOf(workflowId),
      attempt: 1,
      firstExecutionRunId: runId,
    },
  ]);
  const buffered = new Map<number, NewEvent[]>();
  for (const s of script.signals ?? []) {
    const event: NewEvent = {
      eventType: 'WorkflowExecutionSignaled',
      signalName: s.name,
      input: s.args ?? [],
    };
    if ('duringTask' in s) buffered.set(s.duringTask, [...(buffered.get(s.duringTask) ?? []), event]);
    else queue.push(start + s.atMs, () => [event]);
  }
  if (script.cancel) {
    const c = script.cancel;
    const event: NewEvent =
      c.reason === undefined
        ? { eventType: 'WorkflowExecutionCancelRequested' }
        : { eventType: 'WorkflowExecutionCancelRequested', cause: c.reason };
    if ('duringTask' in c) buffered.set(c.duringTask, [...(buffered.get(c.duringTask) ?? []), event]);
    else queue.push(start + c.atMs, () => [event]);
  }
  const bufferedUpdates = new Map<number, UpdateRequest[]>();
  for (const [i, u] of (script.updates ?? []).entries()) {
    const update: UpdateRequest = {
      updateId: u.updateId ?? `update-${i + 1}`,
      name: u.name,
      args: u.args ?? [],
    };
    if ('duringTask' in u)
      bufferedUpdates.set(u.duringTask, [...(bufferedUpdates.get(u.duringTask) ?? []), update]);
    else queue.push(start + u.atMs, () => [], undefined, update);
  }
  scheduleTask();

  let updates: UpdateRequest[] = [];
  const tasks: SimulatedTask[] = [];
  const maxTasks = script.maxWorkflowTasks ?? 10_000;
  for (;;) {
    if (tasks.length >= maxTasks) {
      throw new SimulationError(`run ${workflowId} did not finish within ${maxTasks} workflow tasks`);
    }
    const startedEventId = sm.lastEventId + 1;
    const activation = sm.nextActivation({ startedTime: clock, startedEventId, updates });
    updates = [];
    if (!activation)
      throw new SimulationError(`run ${workflowId}: no workflow task at event ${startedEventId}`);
    const completion = await target.activate(activation);
    const outcome = sm.complete(completion);
    if (outcome.status === 'taskFailed') {
      throw new SimulationError(
        `run ${workflowId}: workflow task ${tasks.length + 1} failed (${outcome.failure.code}): ${outcome.failure.message}`,
      );
    }
    if (outcome.status !== 'recorded') throw new SimulationError(`unexpected outcome ${outcome.status}`);
    tasks.push({
      startedEventId,
      activation,
      commands: completion.commands.map(withoutStack),
      queryResults: outcome.queryResults,
    });
    const recorded = sm.history.slice(outcome.firstEventId - 1);
    for (const e of recorded) world.react(e, clock);
    if (outcome.closesRun) return finish(sm.history, 'closed', workflowId, runId, tasks);
    const during = buffered.get(tasks.length);
    const duringUpdates = bufferedUpdates.get(tasks.length);
    if (during || duringUpdates) {
      if (during) append(during);
      updates = duringUpdates ?? [];
      scheduleTask();
      continue;
    }
    const due = queue.takeEarliest();
    if (due.length === 0) return finish(sm.history, 'blocked', workflowId, runId, tasks);
    clock = Math.max(clock, due[0]!.at);
    for (const a of due) {
      append(a.events(sm.lastEventId + 1));
      if (a.update) updates.push(a.update);
    }
    scheduleTask();
  }
}

function finish(
  history: readonly HistoryEvent[],
  how: 'closed' | 'blocked',
  workflowId: string,
  runId: string,
  tasks: SimulatedTask[],
): SimulationResult {
  const events = [...history];
  const base = { events, workflowId, runId, tasks };
  const last = events[events.length - 1];
  if (how === 'blocked' || !last) return { ...base, status: 'blocked' };
  const status: Record<string, SimulationStatus> = {
    WorkflowExecutionCompleted: 'completed',
    WorkflowExecutionFailed: 'failed',
    WorkflowExecutionCanceled: 'canceled',
    WorkflowExecutionContinuedAsNew: 'continuedAsNew',
  };
  const result: SimulationResult = { ...base, status: status[last.eventType] ?? 'blocked' };
  if (last.eventType === 'WorkflowExecutionCompleted') result.result = last.result;
  if (last.eventType === 'WorkflowExecutionFailed') result.failure = last.failure;
  return result;
}

function withoutStack(c: Command): Command {
  if (c.stack === undefined) return c;
  const { stack: _stack, ...rest } = c;
  return rest as Command;
}

/** A seed derived from the workflow id, so unscripted runs differ but repeat. */
function seedOf(workflowId: string): number[] {
  const seed = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x5851f42d];
  for (let i = 0; i < workflowId.length; i++) {
    const k = i % 4;
    seed[k] = Math.imul(seed[k]! ^ workflowId.charCodeAt(i), 0x01000193) >>> 0;
  }
  return seed;
}
