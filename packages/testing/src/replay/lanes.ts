/**
 * Worker-thread replay lanes: each runs its own sandbox in its own thread, so a gate uses every
 * core. A lane takes a batch of histories at a time (one message each way per batch, not per
 * history) and answers with plain results.
 */
import { Worker } from 'node:worker_threads';
import type { LaneJob, LaneMessage, LaneSetup } from './lane-worker.ts';
import type { WireResult } from './wire.ts';

const LANE_MODULE = new URL('./lane-worker.ts', import.meta.url);

/** One worker-thread lane. */
export class WorkerLane {
  readonly #worker: Worker;
  #pending: { resolve: (r: WireResult[]) => void; reject: (e: Error) => void } | undefined;
  #dead: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (m: LaneMessage) => {
      const p = this.#pending;
      if (!p || 'ready' in m) return;
      this.#pending = undefined;
      if ('results' in m) p.resolve(m.results);
      else p.reject(new Error(`replay lane failed: ${m.error}`));
    });
    const die = (err: Error) => {
      this.#dead ??= err;
      this.#pending?.reject(err);
      this.#pending = undefined;
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`replay lane exited (code ${code})`)));
  }

  /** Starts a lane and waits until its sandbox is loaded. */
  static start(setup: LaneSetup): Promise<WorkerLane> {
    const worker = new Worker(LANE_MODULE, { workerData: setup });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      worker.once('error', onError);
      worker.once('message', (m: LaneMessage) => {
        worker.off('error', onError);
        if ('ready' in m) resolve(new WorkerLane(worker));
        else reject(new Error(`replay lane failed to start: ${'error' in m ? m.error : 'no ready message'}`));
      });
    });
  }

  /** Replays a batch; rejects if the lane dies (the caller gives the batch to another lane). */
  run(jobs: LaneJob[]): Promise<WireResult[]> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#worker.postMessage(jobs);
    });
  }

  /** Stops the lane. */
  async close(): Promise<void> {
    if (this.#dead) return;
    this.#dead = new Error('replay lane closed');
    await this.#worker.terminate();
  }
}
