/**
 * The slot through which the deterministic globals reach the run that is executing (see `RunEnv` in
 * protocol/bundle.ts). The prelude publishes it as `globalThis.__repriseEnv`; the run instance fills
 * `current` for the length of `activate`/`conclude`.
 *
 * Sandbox-safe: no Node imports.
 */
import type { RunEnv } from '../../protocol/bundle.ts';
import { DeterminismViolationError } from './errors.ts';

/** The shared slot; sealed by the host after the bundle loads, so only `current` can change. */
export const envSlot: { current: RunEnv | undefined } = { current: undefined };

/**
 * The environment of the executing run. Throws when called between activations (for example at the
 * top level of a module while the bundle loads), where there is no workflow time or seed to use.
 */
export function currentEnv(global: string): RunEnv {
  const env = envSlot.current;
  if (env === undefined) {
    throw new DeterminismViolationError(
      global,
      'it was called outside a workflow activation, where no workflow time or run seed exists; call it from workflow code instead of at module load',
    );
  }
  return env;
}
