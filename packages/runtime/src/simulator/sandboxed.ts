/**
 * Simulating against real workflow code: a fresh run of a sandbox per simulated run.
 */
import type { WorkflowSandbox } from '../sandbox/index.ts';
import { type SimulateOptions, simulate } from './simulate.ts';
import type { SimulationResult, SimulationScript } from './types.ts';

/**
 * Runs one workflow of the sandbox's bundle against a script, in a new run instance that is disposed
 * afterwards. The history's build id is the bundle's.
 * @example
 * const sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
 * const { events, status } = await simulateWorkflow(sandbox, { workflowType: 'orderWorkflow', args: [order] });
 */
export async function simulateWorkflow(
  sandbox: WorkflowSandbox,
  script: SimulationScript,
  options: SimulateOptions = {},
): Promise<SimulationResult> {
  const workflowId = script.workflowId ?? `${script.workflowType}-1`;
  const runId = script.runId ?? `${workflowId}-run-1`;
  const run = await sandbox.newRun(runId);
  try {
    return await simulate(run, { ...script, workflowId, runId }, { buildId: sandbox.buildId, ...options });
  } finally {
    run.dispose();
  }
}
