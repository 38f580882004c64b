/**
 * Hand-made bundles for the sandbox's own tests and benchmark: the real prelude plus a minimal run
 * instance that follows protocol/bundle.ts, so the host can be exercised without the compiler.
 *
 * The workflow is the body of a function `(job, emit, state)` called for every job; it is evaluated
 * afresh by each `instantiate()`, so top-level `let`s in `setup` are per-run module state.
 */
import { preludeScript } from './prelude-script.ts';

/** Source pieces of a hand-made workflow. */
export interface TestWorkflowSource {
  /** Statements run once per instantiate (per-run "module state"). */
  setup?: string;
  /** Body of `function (job, emit, state)`, run for every job. */
  onJob: string;
  /** Statements run at the bundle's top level, after the prelude (as a library's top level would). */
  topLevel?: string;
}

/** Builds a bundle whose single workflow type is `probe`. */
export function testBundle(
  source: TestWorkflowSource,
  buildId = 'test-build',
): { code: string; buildId: string } {
  const instance = `
${source.topLevel ?? ''}
globalThis.__reprise = {
  buildId: ${JSON.stringify(buildId)},
  workflowTypes() { return ['probe']; },
  instantiate() {
    const slot = globalThis.__repriseEnv;
    const state = { commands: [], logs: [], act: undefined, seq: 0, s: [1, 2, 3, 4], timers: new Map() };
    const env = {
      now() { return state.act.timestamp; },
      random() {
        // xorshift128 over the run's seed.
        const s = state.s;
        let t = s[3];
        t ^= t << 11; t ^= t >>> 8;
        s[3] = s[2]; s[2] = s[1]; s[1] = s[0];
        t ^= s[0]; t ^= s[0] >>> 19;
        s[0] = t >>> 0;
        return s[0] / 4294967296;
      },
      setTimeout(callback, ms, args) {
        const seq = ++state.seq;
        state.timers.set(seq, () => callback(...args));
        state.commands.push({ kind: 'startTimer', seq, durationMs: ms });
        return seq;
      },
      clearTimeout(handle) {
        if (state.timers.delete(handle)) state.commands.push({ kind: 'cancelTimer', seq: handle });
      },
      log(level, args) {
        if (!state.act.isReplaying) state.logs.push({ level, message: args.map(String).join(' '), timestamp: state.act.timestamp });
      },
    };
    const emit = (command) => { state.commands.push(command); };
    const onJob = (function () {
      ${source.setup ?? ''}
      return function (job, emit, state) {
        ${source.onJob}
      };
    })();
    return {
      activate(activation) {
        state.act = activation;
        slot.current = env;
        try {
          for (const job of activation.jobs) {
            if (job.kind === 'initialize') state.s = job.randomnessSeed.slice();
            if (job.kind === 'fireTimer') { const fire = state.timers.get(job.seq); state.timers.delete(job.seq); if (fire) fire(); }
            onJob(job, emit, state);
          }
        } finally { slot.current = undefined; }
      },
      conclude() {
        slot.current = env;
        try {
          return { runId: state.act.runId, commands: state.commands.splice(0), queryResults: [], logs: state.logs.splice(0) };
        } finally { slot.current = undefined; }
      },
    };
  },
};`;
  return { code: preludeScript() + instance, buildId };
}

/** An activation for `runId` with the given jobs. */
export function testActivation(
  runId: string,
  jobs: import('../protocol/activation.ts').Job[],
  timestamp = Date.UTC(2026, 0, 1),
): import('../protocol/activation.ts').Activation {
  return { runId, timestamp, isReplaying: false, historyLength: 3, jobs };
}

/** A signal job: the hand-made workflows switch on its name. */
export function signal(name: string, ...args: unknown[]): import('../protocol/activation.ts').Job {
  return { kind: 'signal', name, args };
}

/** The `initialize` job with a fixed seed. */
export function initialize(
  runId: string,
  seed: number[] = [11, 22, 33, 44],
): import('../protocol/activation.ts').Job {
  return {
    kind: 'initialize',
    workflowType: 'probe',
    args: [],
    randomnessSeed: seed,
    info: {
      workflowId: `wf-${runId}`,
      runId,
      workflowType: 'probe',
      taskQueue: 'main',
      attempt: 1,
      firstExecutionRunId: runId,
      startTime: Date.UTC(2026, 0, 1),
      buildId: 'test-build',
    },
  };
}
