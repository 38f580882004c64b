import type { RunRecord } from './records.ts';
import type { RunInfo } from './types.ts';

/** The visible part of a run record. */
export function toRunInfo(run: RunRecord): RunInfo {
  const info: RunInfo = {
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.workflowType,
    taskQueue: run.taskQueue,
    status: run.status,
    startTime: run.startTime,
    historyLength: run.nextEventId - 1,
  };
  if (run.closeTime !== undefined) info.closeTime = run.closeTime;
  if (run.parent) info.parent = { workflowId: run.parent.workflowId, runId: run.parent.runId };
  if (run.buildId !== undefined) info.buildId = run.buildId;
  if (run.blocked) info.blocked = { ...run.blocked };
  return info;
}

/** Cursor for run pages: newest start first, ties broken by run id. */
export function encodeCursor(run: { startTime: number; runId: string }): string {
  return Buffer.from(JSON.stringify([run.startTime, run.runId])).toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor}; a malformed one is a clear error. */
export function decodeCursor(cursor: string): { startTime: number; runId: string } {
  try {
    const [startTime, runId] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, string];
    if (typeof startTime === 'number' && typeof runId === 'string') return { startTime, runId };
  } catch {
    // fall through to the error below
  }
  throw new Error(`listRuns: malformed cursor '${cursor}': pass nextCursor from the previous page unchanged`);
}
