/**
 * Workflows for the test environment's own tests: timers in children, an activity that watches the
 * clock, a timer racing a signal, and code that throws. Compiled by the environment like any
 * workflows entry.
 */
import {
  condition,
  defineSignal,
  executeChild,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
} from '@reprise/runtime/workflow';

/** Activities these workflows call. */
export interface ClockActivities {
  /** Reads the environment's time, waits `ms` of wall time, reads it again. */
  readClockAround(ms: number): Promise<[number, number]>;
}

const { readClockAround } = proxyActivities<ClockActivities>({ startToCloseTimeout: '1 minute' });

/** Sleeps, then returns the workflow time it woke at. */
export async function sleeperWorkflow(duration: string): Promise<number> {
  await sleep(duration);
  return Date.now();
}

/** Runs the clock-reading activity once. */
export async function activityClockWorkflow(ms: number): Promise<[number, number]> {
  return readClockAround(ms);
}

/** Two sleeping children (2 and 3 days) while the parent sleeps 1 day; returns every wake time. */
export async function parentOfSleepersWorkflow(): Promise<{
  started: number;
  parent: number;
  children: number[];
}> {
  const started = Date.now();
  const slow = await startChild(sleeperWorkflow, { args: ['3 days'], workflowId: 'child-3d' });
  const fast = executeChild(sleeperWorkflow, { args: ['2 days'], workflowId: 'child-2d' });
  await sleep('1 day');
  const parent = Date.now();
  return { started, parent, children: [await fast, await slow.result()] };
}

/** Wakes the racing workflow before its timer. */
export const wakeSignal = defineSignal<[string]>('wake');

/** A timer racing a signal, twice: returns which won each round. */
export async function raceTwiceWorkflow(): Promise<string[]> {
  const got: string[] = [];
  setHandler(wakeSignal, (v) => {
    got.push(v);
  });
  const rounds: string[] = [];
  for (let i = 1; i <= 2; i++) {
    const signalled = await condition(() => got.length >= i, '1 day');
    rounds.push(signalled ? `signal:${got[i - 1]}` : 'timer');
  }
  return rounds;
}

/** Throws a plain error: a workflow task failure, not a workflow failure. */
export async function brokenWorkflow(): Promise<never> {
  await sleep('1 minute');
  throw new Error('a bug in workflow code');
}
