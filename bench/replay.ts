/**
 * Replay benchmark: 1,000 histories of the order workflow (3 activities, a 1-hour sleep, a signal
 * wait; 34 events each) replayed against the compiled sample, on one lane and on two lanes (worker
 * threads, each with its own inline sandbox) so both cores work; the median of interleaved rounds. Baseline, same run: the state machine alone replaying the same histories with
 * the commands recorded for them (no sandbox, no workflow code): the ceiling the sandbox costs against.
 *
 * Also: time to the first replay result after process start and compile, measured in a fresh process.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { HistoryEvent } from '../packages/history-store/src/index.ts';
import { compileWorkflows } from '../packages/runtime/src/compiler/index.ts';
import type { Command, Completion } from '../packages/runtime/src/protocol/index.ts';
import { Replayer } from '../packages/runtime/src/replay/index.ts';
import { createWorkflowSandbox } from '../packages/runtime/src/sandbox/index.ts';
import { simulateWorkflow } from '../packages/runtime/src/simulator/index.ts';
import { WorkflowStateMachine } from '../packages/runtime/src/state-machine/index.ts';
import { median } from './lib/measure.ts';
import { corpusRandom, orderScript } from './lib/order-corpus.ts';
import type { BenchResult } from './lib/types.ts';

const ORDER = fileURLToPath(new URL('../fixtures/workflows/order.ts', import.meta.url));
const COUNT = 1000;

interface Recorded {
  runId: string;
  events: HistoryEvent[];
  commands: Command[][];
}

/** 1,000 order runs with varied data and timing (a fixed-seed generator: the same corpus every run). */
async function recordCorpus(): Promise<Recorded[]> {
  const bundle = await compileWorkflows({ workflowsPath: ORDER });
  const sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
  const next = corpusRandom();
  const out: Recorded[] = [];
  try {
    for (let i = 0; i < COUNT; i++) {
      const script = orderScript(i, next, { approved: true, refund: false });
      const r = await simulateWorkflow(sandbox, script, { buildId: bundle.buildId });
      out.push({ runId: r.runId, events: r.events, commands: r.tasks.map((t) => t.commands) });
    }
  } finally {
    await sandbox.dispose();
  }
  return out;
}

/** Replays every history on one lane; throws on the first that does not replay. */
async function replayLane(replayer: Replayer, histories: readonly Recorded[]): Promise<void> {
  for (const h of histories) {
    const r = await replayer.replay({ events: h.events, runId: h.runId }, { validate: false });
    if (!r.ok) throw r.error;
  }
}

/** The state machine alone: the recorded commands stand in for the workflow code. */
function machineOnly(histories: readonly Recorded[], buildId: string): void {
  for (const h of histories) {
    const sm = new WorkflowStateMachine(h.runId, { buildId });
    sm.appendEvents(h.events);
    let task = 0;
    for (let a = sm.nextActivation(); a; a = sm.nextActivation()) {
      const completion: Completion = {
        runId: h.runId,
        commands: h.commands[task++]!,
        queryResults: [],
        logs: [],
      };
      sm.complete(completion);
    }
  }
}

/**
 * A worker thread with its own inline sandbox; `go(from, to)` replays that slice of the corpus.
 * Both lanes are worker threads, so the one-lane and two-lane figures compare like with like (the
 * main thread, which holds the corpus and the recording sandbox, would be a slower lane).
 */
function startLane(histories: Recorded[]): {
  ready: Promise<void>;
  go: (from: number, to: number) => Promise<void>;
  stop: () => Promise<void>;
} {
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { role: 'replay-lane', histories },
  });
  let settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
  const next = () =>
    new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
  const ready = next();
  worker.on('message', (m: { ready?: true; done?: true; error?: string }) => {
    if (m.ready || m.done) settle?.resolve();
    if (m.error) settle?.reject(new Error(m.error));
  });
  worker.on('error', (err) => settle?.reject(err));
  return {
    ready,
    go: (from, to) => {
      const done = next();
      worker.postMessage({ from, to });
      return done;
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}

const ROUNDS = 5;

/** Runs the replay benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const corpus = await recordCorpus();
  const events = corpus.reduce((n, h) => n + h.events.length, 0);
  const { buildId } = await compileWorkflows({ workflowsPath: ORDER });
  const half = COUNT >> 1;
  const lanes = [startLane(corpus), startLane(corpus)] as const;
  try {
    machineOnly(corpus.slice(0, 200), buildId); // warm-up
    await Promise.all(lanes.map((lane) => lane.ready));
    // Interleaved rounds, medians: a neighbour's burst on this shared machine costs one sample.
    const oneLane: number[] = [];
    const twoLanes: number[] = [];
    const machine: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let t = performance.now();
      await lanes[0].go(0, COUNT);
      oneLane.push(performance.now() - t);
      t = performance.now();
      await Promise.all([lanes[0].go(0, half), lanes[1].go(half, COUNT)]);
      twoLanes.push(performance.now() - t);
      t = performance.now();
      machineOnly(corpus, buildId);
      machine.push(performance.now() - t);
    }
    const oneLaneMs = median(oneLane);
    const twoLaneMs = median(twoLanes);
    const machineMs = median(machine);

    const first = JSON.parse(
      execFileSync(
        process.execPath,
        ['--no-node-snapshot', fileURLToPath(import.meta.url), '--first-result'],
        {
          encoding: 'utf8',
        },
      ),
    ) as { compiledAt: number; firstResultAt: number };

    const perSecond = (ms: number) => (COUNT * 1000) / ms;
    const machineBaseline = {
      name: 'state machine alone, recorded commands, 1 lane',
      value: perSecond(machineMs),
    };
    const load = `load ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
    return [
      {
        name: 'replay 1,000 order histories, 2 lanes (histories/s)',
        value: perSecond(twoLaneMs),
        unit: 'histories/s',
        baseline: machineBaseline,
        note: `target >= 2,600/s; ${(events / COUNT).toFixed(1)} events per history; scaling ${(oneLaneMs / twoLaneMs).toFixed(2)}x over one lane; ${load}`,
      },
      {
        name: 'replay 1,000 order histories, 1 lane (histories/s)',
        value: perSecond(oneLaneMs),
        unit: 'histories/s',
        baseline: machineBaseline,
        note: `${((oneLaneMs * 1000) / COUNT).toFixed(0)} µs per history, ${((machineMs * 1000) / COUNT).toFixed(1)} of them in the state machine`,
      },
      {
        name: 'replay 1,000 order histories, 2 lanes (events/s)',
        value: (events * 1000) / twoLaneMs,
        unit: 'events/s',
        baseline: { name: 'state machine alone, 1 lane', value: (events * 1000) / machineMs },
      },
      {
        name: 'replay: first result after compile (fresh process)',
        value: first.firstResultAt - first.compiledAt,
        unit: 'ms',
        note: `target < 50 ms; process start to compiled: ${first.compiledAt.toFixed(0)} ms`,
      },
    ];
  } finally {
    await Promise.all(lanes.map((lane) => lane.stop()));
  }
}

/** `--first-result`: a fresh process compiles the order workflow and replays one committed history. */
async function firstResult(): Promise<void> {
  const { readHistoryFile } = await import('../packages/history-store/src/index.ts');
  const history = await readHistoryFile(
    fileURLToPath(new URL('../fixtures/histories/order/approved.json', import.meta.url)),
  );
  const bundle = await compileWorkflows({ workflowsPath: ORDER });
  const compiledAt = performance.now();
  const replayer = await Replayer.create({ bundle });
  const result = await replayer.replay(history);
  const firstResultAt = performance.now();
  if (!result.ok) throw result.error;
  await replayer.dispose();
  process.stdout.write(JSON.stringify({ compiledAt, firstResultAt }));
}

async function laneMain(): Promise<void> {
  const histories = (workerData as { histories: Recorded[] }).histories;
  const replayer = await Replayer.create({ workflowsPath: ORDER });
  await replayLane(replayer, histories.slice(0, 200)); // warm-up
  parentPort!.postMessage({ ready: true });
  parentPort!.on('message', ({ from, to }: { from: number; to: number }) => {
    replayLane(replayer, histories.slice(from, to)).then(
      () => parentPort!.postMessage({ done: true }),
      (err: Error) => parentPort!.postMessage({ error: err.stack ?? err.message }),
    );
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'replay-lane') await laneMain();
else if (import.meta.main && process.argv.includes('--first-result')) await firstResult();
