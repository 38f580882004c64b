/**
 * `checkDeterminism`: generates schedules of the outside world for one workflow, checks the three
 * determinism properties for each (see properties.ts), and on failure shrinks the schedule, writes
 * the minimal history and throws a report. Works in any test runner: it throws or returns.
 */
import {
  compileWorkflows,
  createWorkflowSandbox,
  Replayer,
  type WorkflowBundle,
  type WorkflowSandbox,
} from '@reprise/runtime';
import * as fc from 'fast-check';
import { scheduleArbitrary } from './arbitraries.ts';
import { type CheckContext, checkSchedule, type PreviousVersion } from './properties.ts';
import { DeterminismCheckError, describeFailure, writeMinimalHistory } from './report.ts';
import { trimSchedule, type Usage } from './script.ts';
import type { CheckDeterminismOptions, DeterminismStats, Schedule, WorkflowUnderTest } from './types.ts';
import { DeterminismViolation } from './violation.ts';

const DEFAULT_RUNS = 200;

function validate(workflow: WorkflowUnderTest, options: CheckDeterminismOptions): void {
  if (typeof workflow?.workflowsPath !== 'string' || typeof workflow.workflowType !== 'string') {
    throw new TypeError(
      "checkDeterminism: the first argument must be { workflowsPath: 'src/workflows.ts', workflowType: 'orderWorkflow' }",
    );
  }
  const runs = options.numRuns ?? DEFAULT_RUNS;
  if (!Number.isInteger(runs) || runs < 1) {
    throw new TypeError(
      `checkDeterminism: numRuns must be a positive integer, got ${String(options.numRuns)}`,
    );
  }
  if (options.path !== undefined && options.seed === undefined) {
    throw new TypeError(
      'checkDeterminism: path replays a counterexample of one seed; pass the seed printed with it',
    );
  }
}

/**
 * Runs the shrunk schedule once more, recording which outcomes it uses: the report then shows only
 * those, and a failure that does not repeat is called out (it depends on something outside the
 * schedule). Writes the history, logs the report and returns the error to throw.
 */
async function failureReport(
  ctx: CheckContext,
  workflow: WorkflowUnderTest,
  options: CheckDeterminismOptions,
  buildId: string,
  shrunk: Schedule,
  details: {
    seed: number;
    counterexamplePath: string | null;
    numRuns: number;
    numShrinks: number;
    errorInstance: unknown;
  },
): Promise<DeterminismCheckError> {
  const usage: Usage = { activities: new Map(), children: new Map() };
  let failure: unknown = details.errorInstance;
  let note = '';
  try {
    await checkSchedule({ ...ctx, usage }, shrunk);
    note = '\n(this schedule passed when run again: the failure depends on something outside the schedule)';
  } catch (again) {
    failure = again;
  }
  const schedule = note === '' ? trimSchedule(shrunk, usage) : shrunk;
  const { property, explanation } = describeFailure(failure);
  const violation = failure instanceof DeterminismViolation ? failure : undefined;
  if (violation && violation.buildId === undefined) violation.buildId = buildId;
  const path = details.counterexamplePath ?? '';
  const historyFile = violation
    ? await writeMinimalHistory(violation, {
        workflowType: workflow.workflowType,
        seed: details.seed,
        path,
        schedule,
        outDir: options.outDir,
      })
    : undefined;
  const error = new DeterminismCheckError({
    workflowType: workflow.workflowType,
    property,
    seed: details.seed,
    path,
    schedule,
    explanation: explanation + note,
    historyFile,
    runs: details.numRuns,
    shrinks: details.numShrinks,
    cause: failure,
  });
  (options.log ?? console.error)(error.message);
  return error;
}

async function sandboxOf(bundle: WorkflowBundle): Promise<WorkflowSandbox> {
  return createWorkflowSandbox(bundle, { isolation: 'inline' });
}

/**
 * Explores schedules of the outside world for one workflow and checks that it is deterministic:
 * (1) every recorded history replays to the identical commands; (2) evicting or crashing the run at
 * any workflow task boundary, and answering queries between tasks, changes neither its result nor
 * its history; (3) with `previousVersions`, histories recorded by older code replay under the new code.
 *
 * Resolves with statistics when every schedule passes. Otherwise it shrinks the failing schedule,
 * writes the minimal history as a history file, logs a report (seed, path, shrunk schedule, diff)
 * and rejects with a {@link DeterminismCheckError} carrying the same facts.
 * @throws TypeError for malformed options; CompileError when the code does not compile.
 * @example
 * import * as fc from 'fast-check';
 * import { checkDeterminism } from '@reprise/testing';
 *
 * it('the order workflow is deterministic', async () => {
 *   await checkDeterminism({ workflowsPath: 'src/workflows.ts', workflowType: 'orderWorkflow' }, {
 *     inputs: fc.tuple(fc.record({ orderId: fc.string(), amountCents: fc.nat(), items: fc.constant([]) })),
 *     activities: { checkInventory: fc.record({ ok: fc.boolean(), reserved: fc.nat() }), chargePayment: fc.constant('ch_1') },
 *     signals: { approve: fc.tuple(fc.constantFrom('ana', 'bo')) },
 *     queries: { status: fc.constant([]) },
 *   });
 * });
 */
export async function checkDeterminism(
  workflow: WorkflowUnderTest,
  options: CheckDeterminismOptions,
): Promise<DeterminismStats> {
  validate(workflow, options);
  const started = performance.now();
  const arbitrary = scheduleArbitrary(options);
  const bundle = await compileWorkflows({ workflowsPath: workflow.workflowsPath });
  const previousBundles = await Promise.all(
    (options.previousVersions ?? []).map(async (path) => ({
      path,
      bundle: await compileWorkflows({ workflowsPath: path }),
    })),
  );
  const opened: { dispose(): Promise<void> }[] = [];
  try {
    const primary = await sandboxOf(bundle);
    opened.push(primary);
    const types = primary.workflowTypes();
    if (!types.includes(workflow.workflowType)) {
      throw new TypeError(
        `checkDeterminism: ${workflow.workflowsPath} exports no workflow '${workflow.workflowType}'; ` +
          `it exports: ${types.join(', ') || '(nothing)'}`,
      );
    }
    const secondary = await sandboxOf(bundle);
    opened.push(secondary);
    const replayer = await Replayer.create({ bundle });
    opened.push(replayer);
    const previous: PreviousVersion[] = [];
    for (const p of previousBundles) {
      const sandbox = await sandboxOf(p.bundle);
      opened.push(sandbox);
      previous.push({ workflowsPath: p.path, sandbox });
    }
    const ctx: CheckContext = {
      workflowType: workflow.workflowType,
      workers: { primary, secondary },
      replayer,
      previous,
      compare: options.compare,
      maxWorkflowTasks: options.maxWorkflowTasks ?? 1000,
      counters: { workflowTasks: 0, replays: 0, resumes: 0, queries: 0, statuses: {} },
    };
    const details = await fc.check(
      fc.asyncProperty(arbitrary, (schedule) => checkSchedule(ctx, schedule)),
      {
        numRuns: options.numRuns ?? DEFAULT_RUNS,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.path === undefined ? {} : { path: options.path }),
      },
    );
    if (details.failed && details.counterexample !== null) {
      const [shrunk] = details.counterexample as [Schedule];
      throw await failureReport(ctx, workflow, options, bundle.buildId, shrunk, details);
    }
    if (details.failed) {
      throw new Error(
        `checkDeterminism(${workflow.workflowType}): fast-check gave up: ${String(details.errorInstance)}`,
      );
    }
    return {
      runs: details.numRuns,
      seed: details.seed,
      workflowTasks: ctx.counters.workflowTasks,
      replays: ctx.counters.replays,
      resumes: ctx.counters.resumes,
      queries: ctx.counters.queries,
      statuses: ctx.counters.statuses,
      durationMs: performance.now() - started,
    };
  } finally {
    for (const item of opened.reverse()) await item.dispose();
  }
}
