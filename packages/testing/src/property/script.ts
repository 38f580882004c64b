/**
 * From a generated schedule to the simulator's script: the outside world the simulator plays back
 * (activity and child outcomes, signals, updates, a cancel request). Queries and disruptions are not
 * part of the world; the disrupting target applies them (see run.ts).
 */
import type { FailureInfo } from '@reprise/history-store';
import type {
  ActivityCall,
  ActivityOutcomeScript,
  ChildOutcomeScript,
  SignalScript,
  SimulationScript,
  UpdateScript,
} from '@reprise/runtime';
import type { ArrivalPoint, GeneratedChildOutcome, GeneratedOutcome, Schedule } from './types.ts';

/** Time a retry waits before the next attempt in the model (1 s, doubling), added to the latency. */
const RETRY_BASE_MS = 1000;

function failure(errorType: string, nonRetryable: boolean): FailureInfo {
  return {
    message: `${errorType} (generated failure)`,
    source: 'ApplicationFailure',
    type: errorType,
    nonRetryable,
  };
}

/** The simulator's outcome for one generated activity outcome. */
export function outcomeScript(outcome: GeneratedOutcome): ActivityOutcomeScript {
  switch (outcome.kind) {
    case 'success':
      return { status: 'completed', result: outcome.result, latencyMs: outcome.latencyMs };
    case 'retriedSuccess': {
      // Retries happen inside the activity task: the history shows only the later completion.
      const backoff = RETRY_BASE_MS * (2 ** outcome.failedAttempts - 1);
      return { status: 'completed', result: outcome.result, latencyMs: outcome.latencyMs + backoff };
    }
    case 'terminalFailure':
      return { status: 'failed', failure: failure(outcome.errorType, true), latencyMs: outcome.latencyMs };
    case 'retriesExhausted':
      return {
        status: 'failed',
        failure: failure(outcome.errorType, false),
        attempts: outcome.attempts,
        latencyMs: outcome.latencyMs,
      };
    case 'timeout':
      return { status: 'timedOut', timeoutType: outcome.timeoutType, latencyMs: outcome.latencyMs };
  }
}

function childScript(outcome: GeneratedChildOutcome): ChildOutcomeScript {
  return outcome.kind === 'success'
    ? { status: 'completed', result: outcome.result, latencyMs: outcome.latencyMs }
    : { status: 'failed', failure: failure(outcome.errorType, true), latencyMs: outcome.latencyMs };
}

function arrival(at: ArrivalPoint): { atMs: number } | { duringTask: number } {
  return 'atMs' in at ? { atMs: at.atMs } : { duringTask: at.duringTask };
}

/** Which generated outcomes a run used: calls per activity type and per child type. */
export interface Usage {
  activities: Map<string, number>;
  children: Map<string, number>;
}

function use(counts: Map<string, number> | undefined, type: string, calls: number): void {
  if (counts !== undefined && calls > (counts.get(type) ?? 0)) counts.set(type, calls);
}

/**
 * The schedule without the outcomes no run used (types never called, outcomes past the last call),
 * which changes nothing about how it runs: the last outcome of a list repeats only for calls that
 * never came.
 */
export function trimSchedule(schedule: Schedule, usage: Usage): Schedule {
  const trim = <T>(lists: Record<string, T[]>, counts: Map<string, number>): Record<string, T[]> => {
    const out: Record<string, T[]> = {};
    for (const [type, list] of Object.entries(lists)) {
      const used = counts.get(type) ?? 0;
      if (used > 0) out[type] = list.slice(0, used);
    }
    return out;
  };
  return {
    ...schedule,
    activities: trim(schedule.activities, usage.activities),
    children: trim(schedule.children, usage.children),
  };
}

/**
 * The simulation script of a schedule. Each call builds fresh per-run state (the child counters), so
 * one script is used for exactly one simulated run.
 */
export function simulationScript(
  workflowType: string,
  schedule: Schedule,
  maxWorkflowTasks: number,
  usage?: Usage,
): SimulationScript {
  const activities = (call: ActivityCall): ActivityOutcomeScript => {
    const list = schedule.activities[call.activityType];
    if (list === undefined || list.length === 0) return { status: 'completed' };
    const index = Math.min(call.typeIndex, list.length - 1);
    use(usage?.activities, call.activityType, index + 1);
    return outcomeScript(list[index]!);
  };
  const childCalls = new Map<string, number>();
  const children = (call: { workflowType: string }): ChildOutcomeScript => {
    const list = schedule.children[call.workflowType];
    if (list === undefined || list.length === 0) return { status: 'completed' };
    const n = childCalls.get(call.workflowType) ?? 0;
    childCalls.set(call.workflowType, n + 1);
    const index = Math.min(n, list.length - 1);
    use(usage?.children, call.workflowType, index + 1);
    return childScript(list[index]!);
  };
  const signals: SignalScript[] = schedule.signals.map((s) => ({
    name: s.name,
    args: s.args,
    ...arrival(s.at),
  }));
  const updates: UpdateScript[] = schedule.updates.map((u, i) => ({
    name: u.name,
    args: u.args,
    updateId: `update-${i + 1}`,
    ...arrival(u.at),
  }));
  const script: SimulationScript = {
    workflowType,
    args: schedule.args,
    workflowId: `${workflowType}-property`,
    runId: `${workflowType}-property-run`,
    activities,
    children,
    signals,
    updates,
    maxWorkflowTasks,
  };
  if (schedule.cancel !== undefined) script.cancel = arrival(schedule.cancel);
  return script;
}
