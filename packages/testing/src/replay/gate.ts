/**
 * The replay gate: every history of a corpus (files, a JSONL stream, histories in memory, or runs in
 * a store) replayed against the workflow code, on as many lanes as there are cores, with one
 * result per history and a verdict. A reader fills a bounded queue while the lanes drain it, so a
 * store-backed corpus of any size replays in constant memory for the histories in flight.
 */
import { availableParallelism } from 'node:os';
import { compileWorkflows, Replayer, type ReplayResult } from '@reprise/runtime';
import type { LaneJob } from './lane-worker.ts';
import { WorkerLane } from './lanes.ts';
import { type HistoryItem, type InvalidItem, openSource } from './sources.ts';
import { summarize } from './summary.ts';
import type { GateHistoryResult, GateOptions, GateSource, GateVerdict } from './types.ts';
import { fromWire, isOpen, statusOf } from './wire.ts';

/**
 * Histories read before another lane is worth starting: a lane costs a thread and a sandbox (about
 * 100 ms), so small corpora replay on this thread alone. The backlog cannot be the signal: this
 * thread's lane replays without yielding to I/O, so the queue rarely grows past one read chunk.
 */
const START_AFTER = 64;
/** Histories a worker lane takes per message. */
const BATCH = 16;
/** The reader pauses when this many histories wait: memory stays bounded for any corpus size. */
const HIGH_WATER = 512;

interface Job {
  index: number;
  item: HistoryItem;
}

/**
 * Replays every history of `source` against the workflow code and returns one result per history
 * and the verdict. Never throws for a history that fails or cannot be read: that is in its result.
 * Throws when the code does not compile, or the source itself cannot be opened (an unreachable store).
 * @example
 * const verdict = await replayHistories('fixtures/histories', { workflowsPath: 'src/workflows.ts' });
 * if (!verdict.ok) for (const r of verdict.results) if (!r.ok) console.error(r.error?.message);
 * @example
 * // Production runs, straight from Postgres:
 * await replayHistories({ db: process.env.DATABASE_URL!, workflowType: 'orderWorkflow', limit: 10_000 },
 *   { workflowsPath: 'src/workflows.ts' });
 */
export async function replayHistories(source: GateSource, options: GateOptions): Promise<GateVerdict> {
  const t0 = performance.now();
  const bundle = options.bundle ?? (await compileWorkflows({ workflowsPath: options.workflowsPath! }));
  const stream = openSource(source);
  const main = await Replayer.create({ bundle });
  const concurrency = Math.max(1, Math.min(options.concurrency ?? defaultConcurrency(), 32));
  const locateLimit = options.locateLimit ?? 100;
  const results: GateHistoryResult[] = [];
  const queue: Job[] = [];
  const lanes: WorkerLane[] = [];
  const loops: Promise<void>[] = [];
  const starts: Promise<void>[] = [];
  const relocate: Job[] = [];
  const more = new Signal();
  const room = new Signal();
  let sourceDone = false;
  let located = 0;
  let done = 0;
  let failed = 0;

  const record = (index: number, r: GateHistoryResult) => {
    results[index] = r;
    done++;
    if (!r.ok) failed++;
    options.onProgress?.({ done, total: stream.total(), failed, elapsedMs: performance.now() - t0 });
  };
  const take = async (max: number): Promise<Job[]> => {
    for (;;) {
      if (queue.length > 0) {
        const jobs = queue.splice(0, max);
        room.notify();
        return jobs;
      }
      if (sourceDone) return [];
      await more.wait();
    }
  };
  const mainLoop = async () => {
    for (let jobs = await take(1); jobs.length > 0; jobs = await take(1)) {
      const job = jobs[0]!;
      const started = performance.now();
      const locate = located < locateLimit;
      const r = await main.replay(inputOf(job), { validate: job.item.validate, locate });
      const result = fromReplay(r, job.item, performance.now() - started);
      if (result.status === 'nondeterminism' && locate) located++;
      record(job.index, result);
    }
  };
  const laneLoop = async (lane: WorkerLane) => {
    for (let jobs = await take(BATCH); jobs.length > 0; jobs = await take(BATCH)) {
      let wire: Awaited<ReturnType<WorkerLane['run']>>;
      try {
        wire = await lane.run(jobs.map(laneJobOf));
      } catch {
        // The lane died (out of memory, a crash): its histories go back to the others.
        queue.unshift(...jobs);
        more.notify();
        return;
      }
      for (const w of wire) {
        const job = jobs.find((j) => j.index === w.index)!;
        const result = fromWire(w, job.item.source);
        if (result.status === 'nondeterminism' && located < locateLimit) {
          located++;
          relocate.push(job);
        }
        record(w.index, result);
      }
    }
  };
  const maybeStartLane = (read: number) => {
    // Every attempt counts, so a lane that cannot start is not retried for each new history.
    if (starts.length + 1 >= concurrency || read < START_AFTER) return;
    const starting = WorkerLane.start({
      bundle: {
        code: bundle.code,
        buildId: bundle.buildId,
        sourceMap: bundle.sourceMap,
        entry: bundle.entry,
        modules: bundle.modules,
      },
    }).then(
      (lane) => {
        lanes.push(lane);
        loops.push(laneLoop(lane));
      },
      // A lane that cannot start only costs speed: the lanes already running carry on.
      () => undefined,
    );
    starts.push(starting);
  };
  const read = async () => {
    let index = 0;
    try {
      for await (const item of stream.items) {
        const i = index++;
        if (item.kind === 'invalid') {
          record(i, invalidResult(item));
          continue;
        }
        queue.push({ index: i, item });
        more.notify();
        maybeStartLane(index);
        while (queue.length >= HIGH_WATER) await room.wait();
      }
    } finally {
      sourceDone = true;
      more.notify();
    }
  };

  try {
    loops.push(mainLoop());
    await read();
    await Promise.all(starts);
    await Promise.all(loops);
    // Histories handed back by a lane that died after the others finished.
    await mainLoop();
    for (const job of relocate) {
      const r = await main.replay(inputOf(job), { validate: false, locate: true });
      if (!r.ok && statusOf(r.error) === 'nondeterminism') results[job.index]!.error = r.error;
    }
  } finally {
    await Promise.all(lanes.map((l) => l.close()));
    await main.dispose();
  }
  return summarize(results, {
    buildId: bundle.buildId,
    durationMs: performance.now() - t0,
    lanes: 1 + lanes.length,
    allowEmpty: options.allowEmpty ?? false,
  });
}

/**
 * One lane per core, at most 8. Inside vitest, one: isolated-vm aborts the process when a worker
 * thread's isolate starts in a vitest worker that has also loaded the workflow API module on the host
 * (the test environment does). Pass `concurrency` to choose explicitly.
 */
function defaultConcurrency(): number {
  if (process.env.VITEST !== undefined) return 1;
  return Math.min(availableParallelism(), 8);
}

function inputOf(job: Job) {
  const { item } = job;
  return {
    events: item.events,
    name: item.source,
    ...(item.workflowId !== undefined && { workflowId: item.workflowId }),
    ...(item.runId !== undefined && { runId: item.runId }),
  };
}

function laneJobOf(job: Job): LaneJob {
  return { index: job.index, ...inputOf(job), validate: job.item.validate };
}

function fromReplay(r: ReplayResult, item: HistoryItem, durationMs: number): GateHistoryResult {
  const out: GateHistoryResult = {
    source: item.source,
    workflowId: r.workflowId,
    runId: r.runId,
    workflowType: r.workflowType,
    status: r.ok ? 'ok' : statusOf(r.error),
    ok: r.ok,
    eventCount: item.events.length,
    durationMs,
    open: isOpen(item.events),
  };
  if (!r.ok) out.error = r.error;
  return out;
}

function invalidResult(item: InvalidItem): GateHistoryResult {
  return {
    source: item.source,
    workflowId: '?',
    runId: '?',
    workflowType: '?',
    status: 'invalid',
    ok: false,
    eventCount: 0,
    durationMs: 0,
    error: item.error,
    open: false,
  };
}

/** A wake-up for whoever waits: every `notify` releases all current waiters. */
class Signal {
  #waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  notify(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const resolve of w) resolve();
  }
}
