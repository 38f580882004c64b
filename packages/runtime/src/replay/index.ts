/**
 * Replay: run recorded histories against workflow code with no side effects and report, per
 * history, success or the first divergence as a `NondeterminismError` with its source location.
 */
import { Replayer } from './replayer.ts';
import type { HistoryInput, ReplayOptions, ReplayResult, ReplaySource } from './types.ts';

export { WorkflowTaskFailedError } from './errors.ts';
export { type LocatableBundle, locateStack } from './locate.ts';
export { Replayer } from './replayer.ts';
export type { HistoryInput, ReplayedRun, ReplayOptions, ReplayResult, ReplaySource } from './types.ts';

/**
 * Replays one history. Resolves `{ ok: true, ... }` or `{ ok: false, error }`; it rejects only when
 * the code cannot be compiled or the sandbox cannot start.
 * @example
 * const result = await replayHistory({ workflowsPath: 'src/workflows.ts' }, JSON.parse(text));
 * if (!result.ok) console.error(result.error.message); // an expected-versus-actual diff
 */
export async function replayHistory(
  source: ReplaySource,
  history: HistoryInput,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const replayer = await Replayer.create(source, options);
  try {
    return await replayer.replay(history);
  } finally {
    await replayer.dispose();
  }
}

/** The outcome of a batch of replays. */
export interface ReplayBatchResult {
  /** True when every history replayed. */
  ok: boolean;
  results: ReplayResult[];
  replayed: number;
  failed: number;
}

/** Replays many histories against one sandbox, in order. */
export async function replayHistories(
  source: ReplaySource,
  histories: Iterable<HistoryInput> | AsyncIterable<HistoryInput>,
  options: ReplayOptions = {},
): Promise<ReplayBatchResult> {
  const replayer = await Replayer.create(source, options);
  const results: ReplayResult[] = [];
  try {
    for await (const h of histories) results.push(await replayer.replay(h));
  } finally {
    await replayer.dispose();
  }
  const failed = results.filter((r) => !r.ok).length;
  return { ok: failed === 0, results, replayed: results.length - failed, failed };
}
