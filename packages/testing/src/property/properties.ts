/**
 * The three determinism properties, checked for one generated schedule:
 *
 * 1. replay determinism: the undisturbed run (no queries, no disruptions) is recorded, and its
 *    history replays, in a fresh instance of another sandbox, to the identical commands (arguments
 *    included);
 * 2. crash equivalence: the run with the schedule's queries, once uninterrupted and once with its
 *    evictions and crashes, ends the same way with the same history, task by task;
 * 3. version compatibility: the undisturbed run recorded by each previous version of the code
 *    replays under the new code.
 *
 * Property 1 runs without queries on purpose: queries are not recorded, so their side effects are
 * invisible to a replay of the same history but show when a cached instance is lost, which is what
 * property 2 checks.
 */
import { isDeepStrictEqual } from 'node:util';
import type { HistoryEvent } from '@reprise/history-store';
import {
  type Command,
  type ReplayComparison,
  type Replayer,
  type SimulationResult,
  simulate,
  simulateWorkflow,
  type WorkflowSandbox,
} from '@reprise/runtime';
import { describeCommands, describeEvent, shortValue } from './describe.ts';
import { type Reference, type RunCounters, type Workers, WorkerTarget } from './run.ts';
import { simulationScript, type Usage } from './script.ts';
import type { Schedule } from './types.ts';
import { DeterminismViolation } from './violation.ts';

/** An older version of the workflow code. */
export interface PreviousVersion {
  workflowsPath: string;
  sandbox: WorkflowSandbox;
}

/** Everything one check needs, shared by all its schedules. */
export interface CheckContext {
  workflowType: string;
  workers: Workers;
  replayer: Replayer;
  previous: readonly PreviousVersion[];
  compare: ReplayComparison | undefined;
  maxWorkflowTasks: number;
  /** When set, runs record which generated outcomes they used (to trim a counterexample for its report). */
  usage?: Usage;
  counters: RunCounters & { workflowTasks: number; replays: number; statuses: Record<string, number> };
}

/** Checks every property for one schedule; throws a {@link DeterminismViolation} on the first that fails. */
export async function checkSchedule(ctx: CheckContext, schedule: Schedule): Promise<void> {
  const quiet: Schedule = { ...schedule, queries: [], disruptions: [] };
  const undisturbed = await record(ctx, quiet);
  ctx.counters.statuses[undisturbed.status] = (ctx.counters.statuses[undisturbed.status] ?? 0) + 1;
  await replayDeterminism(ctx, undisturbed);
  await crashEquivalence(ctx, schedule, undisturbed);
  for (const version of ctx.previous) await versionCompatibility(ctx, schedule, version);
}

async function record(
  ctx: CheckContext,
  schedule: Schedule,
  reference?: Reference,
): Promise<SimulationResult> {
  const script = simulationScript(ctx.workflowType, schedule, ctx.maxWorkflowTasks, ctx.usage);
  const target = new WorkerTarget(script.runId!, ctx.workers, schedule, ctx.counters, reference);
  try {
    const result = await simulate(target, script, { buildId: ctx.workers.primary.buildId });
    ctx.counters.workflowTasks += result.tasks.length;
    return result;
  } catch (err) {
    if (err instanceof DeterminismViolation) throw err;
    throw new DeterminismViolation(
      'workflow-task-failure',
      `the run could not go on: ${(err as Error).message}`,
      reference?.events ?? [],
    );
  } finally {
    target.dispose();
  }
}

async function replayDeterminism(ctx: CheckContext, run: SimulationResult): Promise<void> {
  ctx.counters.replays++;
  const replayed = await ctx.replayer.replay(
    { events: run.events, workflowId: run.workflowId, runId: run.runId },
    { collectCommands: true },
  );
  if (!replayed.ok) {
    throw new DeterminismViolation(
      'replay-determinism',
      `the history of the run does not replay:\n${replayed.error.message}`,
      run.events,
    );
  }
  const commands = (replayed.commands ?? []).map(recorded);
  for (let i = 0; i < Math.max(commands.length, run.tasks.length); i++) {
    const task = run.tasks[i];
    const live = task && { startedEventId: task.startedEventId, commands: recorded(task.commands) };
    const again = commands[i];
    if (live !== undefined && again !== undefined && isDeepStrictEqual(live.commands, again)) continue;
    throw new DeterminismViolation(
      'replay-determinism',
      `replaying the history, workflow task ${i + 1}${live ? ` (started at event ${live.startedEventId})` : ''} ` +
        'produced other commands than when it ran (arguments differ: replay checks only what commands do):\n' +
        `  - recorded: ${live ? describeCommands(live.commands) : '(no such task)'}\n` +
        `  + replayed: ${again ? describeCommands(again) : '(no such task)'}`,
      run.events,
    );
  }
}

async function crashEquivalence(
  ctx: CheckContext,
  schedule: Schedule,
  undisturbed: SimulationResult,
): Promise<void> {
  const hasQueries = schedule.queries.length > 0;
  const uninterrupted = hasQueries ? await record(ctx, { ...schedule, disruptions: [] }) : undisturbed;
  // A disruption after the last task hits no live run: nothing to compare.
  if (!schedule.disruptions.some((d) => d.afterTask < uninterrupted.tasks.length)) return;
  const reference: Reference = { result: uninterrupted, events: uninterrupted.events };
  const resumed = await record(ctx, schedule, reference);
  const a = uninterrupted;
  const b = resumed;
  if (
    a.status !== b.status ||
    !isDeepStrictEqual(a.result, b.result) ||
    !isDeepStrictEqual(a.failure, b.failure)
  ) {
    throw new DeterminismViolation(
      'crash-equivalence',
      'the resumed run ended differently from the uninterrupted one:\n' +
        `  - uninterrupted: ${a.status} ${shortValue(a.result ?? a.failure)}\n` +
        `  + resumed:       ${b.status} ${shortValue(b.result ?? b.failure)}`,
      a.events,
    );
  }
  const at = firstDifference(a.events, b.events);
  if (at < 0) return;
  throw new DeterminismViolation(
    'crash-equivalence',
    `the resumed run recorded a different history from event ${at + 1} on:\n` +
      `  - uninterrupted: ${describeEvent(a.events[at])}\n` +
      `  + resumed:       ${describeEvent(b.events[at])}`,
    a.events,
  );
}

async function versionCompatibility(
  ctx: CheckContext,
  schedule: Schedule,
  version: PreviousVersion,
): Promise<void> {
  const quiet: Schedule = { ...schedule, queries: [], disruptions: [] };
  let old: SimulationResult;
  try {
    old = await simulateWorkflow(
      version.sandbox,
      simulationScript(ctx.workflowType, quiet, ctx.maxWorkflowTasks, ctx.usage),
    );
  } catch (err) {
    throw new DeterminismViolation(
      'version-compatibility',
      `the previous version ${version.workflowsPath} could not record a history for this schedule: ${(err as Error).message}`,
      [],
    );
  }
  ctx.counters.replays++;
  const replayed = await ctx.replayer.replay(
    { events: old.events, workflowId: old.workflowId, runId: old.runId },
    ctx.compare ? { compare: ctx.compare } : {},
  );
  if (replayed.ok) return;
  throw new DeterminismViolation(
    'version-compatibility',
    `a history recorded by the previous version ${version.workflowsPath} does not replay under the new code:\n` +
      replayed.error.message,
    old.events,
    version.sandbox.buildId,
  );
}

/**
 * The commands that leave a trace in history: a rejected update records nothing (its validator runs
 * only when the update arrives), so a replay does not produce it again.
 */
function recorded(commands: readonly Command[]): Command[] {
  return commands.filter((c) => c.kind !== 'rejectUpdate');
}

function firstDifference(a: readonly HistoryEvent[], b: readonly HistoryEvent[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (!isDeepStrictEqual(a[i], b[i])) return i;
  return -1;
}
