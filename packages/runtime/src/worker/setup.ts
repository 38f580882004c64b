/**
 * Builds a worker's workflow side: compiles the workflows entry into one bundle (its content hash is
 * the build id recorded in history) and starts the sandbox that runs it.
 *
 * Host-only.
 */
import type { HistoryStore } from '@reprise/history-store';
import { compileWorkflows } from '../compiler/index.ts';
import { createWorkflowSandbox } from '../sandbox/index.ts';
import type { Logger } from './logger.ts';
import type { FaultPointHook, ResolvedWorkerOptions } from './options.ts';
import { WorkflowTaskProcessor } from './workflow-tasks.ts';

/** Compiles the workflows and returns a processor for their tasks. @throws the compiler's errors. */
export async function createWorkflowTaskProcessor(o: {
  workflowsPath: string;
  store: HistoryStore;
  options: ResolvedWorkerOptions;
  logger: Logger;
  isolation?: 'process' | 'inline';
  faultPoint?: FaultPointHook;
}): Promise<WorkflowTaskProcessor> {
  const started = Date.now();
  const bundle = await compileWorkflows({ workflowsPath: o.workflowsPath });
  let processor: WorkflowTaskProcessor | undefined;
  const sandbox = await createWorkflowSandbox(bundle, {
    ...(o.isolation ? { isolation: o.isolation } : {}),
    onRunsLost: (runIds, reason) => {
      o.logger.log('warn', 'sandbox lost runs; they will replay from history', {
        runs: runIds.length,
        reason,
      });
      processor?.evict(runIds);
    },
  });
  o.logger.log('info', 'workflows compiled', {
    buildId: bundle.buildId,
    entry: bundle.entry,
    ms: Date.now() - started,
  });
  processor = new WorkflowTaskProcessor({
    store: o.store,
    sandbox,
    buildId: bundle.buildId,
    options: o.options,
    logger: o.logger,
    ...(o.faultPoint ? { faultPoint: o.faultPoint } : {}),
  });
  return processor;
}
