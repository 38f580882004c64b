/**
 * The run whose activation is executing. Set by the run instance from the start of `activate` until
 * `conclude` returns the completion, which spans the microtask checkpoint where most workflow code
 * runs. The host runs one activation at a time per context, so one slot is enough.
 *
 * Sandbox-safe: no Node imports.
 */
import type { Run } from './run.ts';

let active: Run | undefined;

/** Makes `run` the executing run (or clears the slot). */
export function setActiveRun(run: Run | undefined): void {
  active = run;
}

/**
 * The executing run.
 * @param what the API being called, for the error message.
 * @throws Error when called outside workflow code (e.g. from a test or at module top level).
 */
export function activeRun(what: string): Run {
  if (active === undefined) {
    throw new Error(
      `${what}() can only be called from workflow code while a workflow task runs; ` +
        'call it inside a workflow function or a handler, not at module top level or from host code',
    );
  }
  return active;
}

/**
 * The executing run, checked for calls that change the run (emit commands or draw random numbers).
 * @throws Error inside a query handler or update validator, which must not change the run.
 */
export function mutableRun(what: string): Run {
  const run = activeRun(what);
  if (run.readOnlyReason !== undefined) {
    throw new Error(
      `${what}() cannot be called from ${run.readOnlyReason}: it would change the run, and queries and ` +
        'update validators must only read state; move the call into the workflow or a signal/update handler',
    );
  }
  return run;
}
