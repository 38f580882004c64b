/**
 * The workflow sandbox (host side): bundles load into isolated-vm isolates with deterministic
 * globals, and each run is driven by `activate(activation) -> completion`.
 */
import { InlineSandbox } from './inline-sandbox.ts';
import { ProcessSandbox } from './process-sandbox.ts';
import type { SandboxOptions, WorkflowSandbox } from './types.ts';

export {
  type RunLostReason,
  SandboxCopyError,
  SandboxCrashedError,
  SandboxMemoryError,
  SandboxProtocolError,
  SandboxRunLostError,
  WorkflowBundleError,
  WorkflowTaskTimeoutError,
} from './errors.ts';
export { InlineSandbox } from './inline-sandbox.ts';
export { ProcessSandbox } from './process-sandbox.ts';
export type { SandboxIsolation, SandboxOptions, SandboxRun, WorkflowSandbox } from './types.ts';

/** Default heap limit of an isolate, MB. */
export const DEFAULT_MEMORY_LIMIT_MB = 64;
/** Default CPU deadline of one activation, ms. */
export const DEFAULT_ACTIVATION_TIMEOUT_MS = 1000;

/**
 * Loads a compiled bundle into a sandbox. Rejects with WorkflowBundleError when the bundle cannot
 * load (syntax error, throwing top level, missing `__reprise`).
 *
 * @example
 * const { code, buildId } = await compileWorkflows({ workflowsPath: './src/workflows.ts' });
 * const sandbox = await createWorkflowSandbox({ code, buildId }, { isolation: 'inline' });
 * const run = await sandbox.newRun(runId);
 * const completion = await run.activate(activation);
 */
export async function createWorkflowSandbox(
  bundle: { code: string; buildId: string },
  options: SandboxOptions = {},
): Promise<WorkflowSandbox> {
  const limits = {
    memoryLimitMb: options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB,
    activationTimeoutMs: options.activationTimeoutMs ?? DEFAULT_ACTIVATION_TIMEOUT_MS,
  };
  const plain = { code: bundle.code, buildId: bundle.buildId };
  if ((options.isolation ?? 'process') === 'inline') return new InlineSandbox(plain, options, limits).load();
  return new ProcessSandbox(plain, options, limits).load();
}
