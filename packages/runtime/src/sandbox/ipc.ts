/**
 * Messages between the host and the sandbox child process (Node IPC with the `advanced`
 * serialization, i.e. structured clone, so payloads keep the same types as across the isolate
 * boundary). Activations travel in batches: one message each way for everything queued in a tick.
 */

import { RepriseError } from '../errors.ts';
import type { Activation } from '../protocol/activation.ts';
import type { Completion } from '../protocol/completion.ts';
import {
  type RunLostReason,
  SandboxCopyError,
  SandboxMemoryError,
  SandboxProtocolError,
  SandboxRunLostError,
  WorkflowBundleError,
  WorkflowTaskTimeoutError,
} from './errors.ts';

/** One activation request. */
export interface ActivationRequest {
  id: number;
  runId: string;
  fresh: boolean;
  activation: Activation;
}

/** Host to child. */
export type HostMessage =
  | { t: 'load'; code: string; buildId: string; memoryLimitMb: number; activationTimeoutMs: number }
  | { t: 'batch'; items: ActivationRequest[]; drops: string[] };

/** An error as plain data. */
export interface ErrorRecord {
  code: string;
  message: string;
  runId?: string;
  lostRunIds?: string[];
  timeoutMs?: number;
  memoryLimitMb?: number;
  reason?: RunLostReason;
  buildId?: string;
}

/** One activation's outcome. */
export type ActivationResult = { id: number; completion: Completion } | { id: number; error: ErrorRecord };

/** Child to host. */
export type ChildMessage =
  | { t: 'loaded'; workflowTypes: string[] }
  | { t: 'loadFailed'; error: ErrorRecord }
  | { t: 'results'; items: ActivationResult[] };

/** Flattens an error for IPC. */
export function toErrorRecord(error: unknown): ErrorRecord {
  if (!(error instanceof RepriseError)) {
    return { code: 'SANDBOX_INTERNAL', message: error instanceof Error ? error.message : String(error) };
  }
  const record: ErrorRecord = { code: error.code, message: error.message };
  const fields = error as unknown as Record<string, unknown>;
  if (typeof fields.runId === 'string') record.runId = fields.runId;
  if (Array.isArray(fields.lostRunIds)) record.lostRunIds = [...(fields.lostRunIds as string[])];
  if (typeof fields.timeoutMs === 'number') record.timeoutMs = fields.timeoutMs;
  if (typeof fields.memoryLimitMb === 'number') record.memoryLimitMb = fields.memoryLimitMb;
  if (typeof fields.reason === 'string') record.reason = fields.reason as RunLostReason;
  if (typeof fields.buildId === 'string') record.buildId = fields.buildId;
  return record;
}

/** Rebuilds the typed error a record stands for. */
export function fromErrorRecord(record: ErrorRecord): RepriseError {
  const runId = record.runId ?? '?';
  switch (record.code) {
    case 'WORKFLOW_TASK_TIMEOUT':
      return new WorkflowTaskTimeoutError(runId, record.timeoutMs ?? 0);
    case 'SANDBOX_MEMORY_LIMIT':
      return new SandboxMemoryError(runId, record.memoryLimitMb ?? 0, record.lostRunIds ?? []);
    case 'SANDBOX_RUN_LOST':
      return Object.assign(new SandboxRunLostError(runId, record.reason ?? 'discarded', 'see below'), {
        message: record.message,
      });
    case 'WORKFLOW_BUNDLE':
      return Object.assign(new WorkflowBundleError(record.buildId ?? '?', ''), { message: record.message });
    case 'SANDBOX_COPY':
      return Object.assign(new SandboxCopyError(runId, ''), { message: record.message });
    case 'SANDBOX_PROTOCOL':
      return Object.assign(new SandboxProtocolError(record.runId, ''), { message: record.message });
    default:
      return new RepriseError(record.code, record.message);
  }
}
