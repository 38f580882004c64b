/**
 * A worker-thread replay lane: its own sandbox over the gate's bundle, replaying the batches the
 * gate sends and answering with plain results. Source locations of divergences are found on the
 * gate's thread, which holds the bundle's source map.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HistoryEvent } from '@reprise/history-store';
import { Replayer, type WorkflowBundle } from '@reprise/runtime';
import { toWire, type WireResult } from './wire.ts';

/** What the gate gives a lane when it starts. */
export interface LaneSetup {
  bundle: Pick<WorkflowBundle, 'code' | 'buildId' | 'sourceMap' | 'entry' | 'modules'>;
}

/** One history sent to a lane. */
export interface LaneJob {
  index: number;
  events: readonly HistoryEvent[];
  workflowId?: string;
  runId?: string;
  name: string;
  validate: boolean;
}

/** Messages a lane sends. */
export type LaneMessage = { ready: true } | { results: WireResult[] } | { error: string };

async function main(): Promise<void> {
  const port = parentPort!;
  const setup = workerData as LaneSetup;
  const replayer = await Replayer.create(
    {
      bundle: {
        ...setup.bundle,
        // Lanes replay with `locate: false`: the gate's thread maps stacks with the real source map.
        mapLocation: () => undefined,
        isRuntimeFile: (file) => file.startsWith('reprise:'),
      },
    },
    { locate: false },
  );
  // The gate ends a lane by terminating its thread, which takes the isolate with it.
  port.on('message', (jobs: LaneJob[]) => {
    replayBatch(replayer, jobs).then(
      (results) => port.postMessage({ results } satisfies LaneMessage),
      (err: Error) => port.postMessage({ error: err.stack ?? err.message } satisfies LaneMessage),
    );
  });
  port.postMessage({ ready: true } satisfies LaneMessage);
}

async function replayBatch(replayer: Replayer, jobs: LaneJob[]): Promise<WireResult[]> {
  const out: WireResult[] = [];
  for (const job of jobs) {
    const t0 = performance.now();
    const r = await replayer.replay(
      {
        events: job.events,
        name: job.name,
        ...(job.workflowId !== undefined && { workflowId: job.workflowId }),
        ...(job.runId !== undefined && { runId: job.runId }),
      },
      { locate: false, validate: job.validate },
    );
    out.push(toWire(job.index, r, job.events, performance.now() - t0));
  }
  return out;
}

await main();
