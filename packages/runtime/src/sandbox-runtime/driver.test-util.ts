/**
 * A test driver for run instances in plain Node: activates, lets microtasks drain the way the host's
 * checkpoint does, and concludes until the completion is ready.
 */
import type { Activation, Job, WorkflowInfoInit } from '../protocol/activation.ts';
import type { Command, Completion } from '../protocol/completion.ts';
import { createRunInstance, type WorkflowExports } from './instance.ts';

/** The epoch the driver's workflow time starts at (2026-01-01T00:00:00Z). */
export const T0 = Date.UTC(2026, 0, 1);

/** Options of one {@link RunDriver.activate} call. */
export interface ActivateOptions {
  isReplaying?: boolean;
  captureLocations?: boolean;
  /** Advances workflow time by this many ms before the activation. */
  advanceMs?: number;
  continueAsNewSuggested?: boolean;
  /** The PRNG seed of the initialize job (default [1, 2, 3, 4]). */
  seed?: number[];
}

/** Drives one run instance through activations. */
export class RunDriver {
  readonly instance;
  readonly runId: string;
  now = T0;
  historyLength = 3;

  constructor(exports: WorkflowExports, runId = 'run-1') {
    this.instance = createRunInstance(exports);
    this.runId = runId;
  }

  /** Starts the run: an activation with the initialize job (plus `extraJobs`). */
  start(
    workflowType: string,
    args: unknown[],
    extraJobs: Job[] = [],
    options: ActivateOptions = {},
  ): Promise<Completion> {
    const init = initializeJob(workflowType, args, this.runId);
    if (options.seed !== undefined && init.kind === 'initialize') init.randomnessSeed = options.seed;
    return this.activate([init, ...extraJobs], options);
  }

  /** Runs one activation to its completion. */
  async activate(jobs: Job[], options: ActivateOptions = {}): Promise<Completion> {
    this.now += options.advanceMs ?? 0;
    this.historyLength += 3 + jobs.length;
    const activation: Activation = {
      runId: this.runId,
      timestamp: this.now,
      isReplaying: options.isReplaying ?? false,
      historyLength: this.historyLength,
      jobs,
    };
    if (options.captureLocations) activation.captureLocations = true;
    if (options.continueAsNewSuggested) activation.continueAsNewSuggested = true;
    this.instance.activate(activation);
    for (let round = 0; round < 1000; round++) {
      await macrotask();
      const completion = this.instance.conclude();
      if (completion !== undefined) return completion;
    }
    throw new Error('conclude() kept asking for another checkpoint (1000 rounds)');
  }
}

/** An initialize job with fixed facts. */
export function initializeJob(workflowType: string, args: unknown[], runId = 'run-1'): Job {
  const info: WorkflowInfoInit = {
    workflowId: `wf-${runId}`,
    runId,
    workflowType,
    taskQueue: 'main',
    attempt: 1,
    firstExecutionRunId: runId,
    startTime: T0,
    buildId: 'test-build',
  };
  return { kind: 'initialize', workflowType, args, info, randomnessSeed: [1, 2, 3, 4] };
}

/** Commands without their `stack` (for table assertions). */
export function kinds(completion: Completion): string[] {
  return completion.commands.map((c) => c.kind);
}

/** The commands of a completion, with `stack` removed. */
export function commandsOf(completion: Completion): Command[] {
  return completion.commands.map((c) => {
    const { stack: _stack, ...rest } = c;
    return rest as Command;
  });
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
