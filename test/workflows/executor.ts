/**
 * A small in-process executor for the sample workflows: runs a run instance against real activity
 * implementations, fires timers in workflow-time order, retries activities per their retry policy,
 * runs children recursively, and delivers scripted jobs (signals, updates, cancellation) whenever
 * the workflow would otherwise wait for a timer. No store, no sandbox: it checks the workflow logic.
 */
import { toFailureInfo } from '../../packages/runtime/src/activity/failure.ts';
import type { Job } from '../../packages/runtime/src/protocol/activation.ts';
import type { Command, Completion } from '../../packages/runtime/src/protocol/completion.ts';
import { initializeJob, RunDriver } from '../../packages/runtime/src/sandbox-runtime/driver.test-util.ts';
import type { WorkflowExports } from '../../packages/runtime/src/sandbox-runtime/instance.ts';

// biome-ignore lint/suspicious/noExplicitAny: activity implementations take their own argument types.
type Activities = Record<string, (...args: any[]) => Promise<unknown>>;

/** What the executor saw. */
export interface Execution {
  /** The terminal command (completeWorkflow, failWorkflow, cancelWorkflow, continueAsNew). */
  result: Command;
  /** Every command, in order, across activations. */
  commands: Command[];
  completions: Completion[];
  /** Activity attempts, `type:attempt:outcome`. */
  attempts: string[];
}

/** Options of {@link execute}. */
export interface ExecuteOptions {
  activities: object;
  /** Batches of jobs delivered, one per wait, before the next timer fires; `[]` skips a wait. */
  script?: Job[][];
  runId?: string;
}

/** Runs `workflowType` to its end. */
export async function execute(
  exports: WorkflowExports,
  workflowType: string,
  args: unknown[],
  options: ExecuteOptions,
): Promise<Execution> {
  const runId = options.runId ?? 'run-1';
  const driver = new RunDriver(exports, runId);
  const activities = options.activities as Activities;
  const script = [...(options.script ?? [])];
  const timers = new Map<number, number>();
  const ready: Job[] = [];
  const out: Execution = { result: { kind: 'cancelWorkflow' }, commands: [], completions: [], attempts: [] };
  let jobs: Job[] = [initializeJob(workflowType, args, runId)];
  for (let step = 0; step < 500; step++) {
    const completion = await driver.activate(jobs, {});
    out.completions.push(completion);
    if (completion.taskFailure) throw new Error(`task failed: ${completion.taskFailure.message}`);
    for (const command of completion.commands) {
      out.commands.push(command);
      switch (command.kind) {
        case 'scheduleActivity':
          ready.push(await runActivity(command, activities, out.attempts));
          break;
        case 'startTimer':
          timers.set(command.seq, driver.now + command.durationMs);
          break;
        case 'cancelTimer':
          timers.delete(command.seq);
          break;
        case 'startChild': {
          const child = await execute(exports, command.workflowType, command.args, {
            activities,
            runId: `${command.workflowId}-run`,
          });
          ready.push({ kind: 'resolveChildStart', seq: command.seq, runId: `${command.workflowId}-run` });
          const r = child.result;
          ready.push({
            kind: 'resolveChild',
            seq: command.seq,
            result:
              r.kind === 'completeWorkflow'
                ? { status: 'completed', result: r.result }
                : r.kind === 'failWorkflow'
                  ? { status: 'failed', failure: r.failure }
                  : { status: 'cancelled', failure: { message: 'cancelled', source: 'CancelledFailure' } },
          });
          break;
        }
        case 'signalExternal':
          ready.push({ kind: 'resolveSignalExternal', seq: command.seq });
          break;
        case 'completeWorkflow':
        case 'failWorkflow':
        case 'cancelWorkflow':
        case 'continueAsNew':
          out.result = command;
          return out;
        default:
          break;
      }
    }
    if (ready.length > 0) {
      jobs = ready.splice(0, ready.length);
      continue;
    }
    // An empty batch lets this wait end with the next timer instead.
    const scripted = script.shift();
    if (scripted !== undefined && scripted.length > 0) {
      jobs = scripted;
      continue;
    }
    const next = [...timers].sort((a, b) => a[1] - b[1] || a[0] - b[0])[0];
    if (next === undefined) throw new Error(`run ${runId} is blocked with nothing left to deliver`);
    timers.delete(next[0]);
    driver.now = Math.max(driver.now, next[1]);
    jobs = [{ kind: 'fireTimer', seq: next[0] }];
  }
  throw new Error(`run ${runId} did not finish in 500 activations`);
}

async function runActivity(
  command: Extract<Command, { kind: 'scheduleActivity' }>,
  activities: Activities,
  attempts: string[],
): Promise<Job> {
  const impl = activities[command.activityType];
  if (impl === undefined) throw new Error(`no implementation for activity ${command.activityType}`);
  const max = command.options.retry?.maximumAttempts ?? 0;
  const nonRetryable = command.options.retry?.nonRetryableErrorTypes ?? [];
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await impl(...command.args);
      attempts.push(`${command.activityType}:${attempt}:ok`);
      return { kind: 'resolveActivity', seq: command.seq, result: { status: 'completed', result } };
    } catch (err) {
      const failure = toFailureInfo(err);
      attempts.push(`${command.activityType}:${attempt}:${failure.type}`);
      const final =
        failure.nonRetryable === true ||
        nonRetryable.includes(failure.type ?? '') ||
        (max > 0 && attempt >= max) ||
        attempt >= 50;
      if (final) return { kind: 'resolveActivity', seq: command.seq, result: { status: 'failed', failure } };
    }
  }
}
