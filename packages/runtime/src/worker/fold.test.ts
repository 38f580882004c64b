import type { HistoryStore, WorkflowTask, WorkflowTaskCompletion } from '@reprise/history-store';
import { describe, expect, it } from 'vitest';
import { type FoldHost, runFolded } from './fold.ts';
import type { CompletionRoute } from './workflow-tasks.ts';

const task = (token: string) => ({ taskId: '1', lease: { token } }) as unknown as WorkflowTask;
const completion = { events: [], buildId: 'b' } as unknown as WorkflowTaskCompletion;

function host(process: FoldHost['process']): FoldHost {
  return {
    store: {} as HistoryStore,
    activities: { slots: undefined, claimer: { identity: 'w', taskQueue: 'q', leaseMs: 1000 } },
    process,
  };
}

describe('runFolded', () => {
  it('hands the completion to the transaction and the committed activities back to the processing', async () => {
    let taken: unknown;
    const r = await runFolded(
      host(async (_wt, route) => {
        taken = await route.complete(task('a'), completion, 0);
      }),
      async (run) => {
        const decided = await run(task('a'));
        expect(decided?.completion).toBe(completion);
        return { workflowTask: task('a'), completed: { activityTasks: [] } };
      },
    );
    await r.processing;
    expect(taken).toEqual([]);
    expect(r.rerun).toBeUndefined();
  });

  it('a retried transaction aborts the first processing and returns the new task to run afresh', async () => {
    let firstError: unknown;
    const r = await runFolded(
      host(async (_wt, route: CompletionRoute) => {
        await route.complete(task('a'), completion, 0).catch((err) => {
          firstError = err;
        });
      }),
      async (run) => {
        await run(task('a'));
        expect(await run(task('b'))).toBeUndefined();
        return { workflowTask: task('b') };
      },
    );
    await r.processing;
    expect((firstError as { code?: string }).code).toBe('FOLD_ABORTED');
    expect(r.rerun?.lease.token).toBe('b');
  });

  it('a processing that ends without completing or detaching leaves its task to be run afresh', async () => {
    const r = await runFolded(
      host(async () => undefined),
      async (run) => {
        expect(await run(task('a'))).toBeUndefined();
        return { workflowTask: task('a') };
      },
    );
    expect(r.rerun?.lease.token).toBe('a');
  });

  it('a detached processing keeps its task', async () => {
    let after = false;
    const r = await runFolded(
      host(async (_wt, route) => {
        await route.detach();
        after = true;
      }),
      async (run) => {
        expect(await run(task('a'))).toBeUndefined();
        return { workflowTask: task('a') };
      },
    );
    await r.processing;
    expect(after).toBe(true);
    expect(r.rerun).toBeUndefined();
  });
});
