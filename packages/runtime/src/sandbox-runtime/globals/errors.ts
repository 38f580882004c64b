/**
 * The error workflow code sees when it reaches for something that would make replay diverge.
 *
 * Sandbox-safe: no Node imports.
 */

/** Stable code of {@link DeterminismViolationError}; the host recognizes the error by it. */
export const DETERMINISM_VIOLATION = 'DETERMINISM_VIOLATION';

/**
 * Thrown inside the sandbox when workflow code uses a global whose result could differ between the
 * first run and a replay (garbage collection, wall-clock time, I/O, shared memory, code from strings).
 * The host recognizes it by `name` and `code`, since class identity does not cross the boundary.
 */
export class DeterminismViolationError extends Error {
  /** Always {@link DETERMINISM_VIOLATION}. */
  readonly code: string = DETERMINISM_VIOLATION;
  /** The global (or member) that was used, e.g. `WeakRef` or `setInterval`. */
  readonly global: string;
  constructor(global: string, reason: string) {
    super(`${global} cannot be used in workflow code: ${reason}`);
    this.name = 'DeterminismViolationError';
    this.global = global;
  }
}

/** Makes a function that throws a {@link DeterminismViolationError} whenever it is called or constructed. */
export function forbiddenFunction(global: string, reason: string): (...args: unknown[]) => never {
  // A declaration (not an arrow or a method) so that `new WeakRef()` throws our error too.
  function refused(): never {
    throw new DeterminismViolationError(global, reason);
  }
  const fn = refused;
  Object.defineProperty(fn, 'name', { value: global.slice(global.lastIndexOf('.') + 1) });
  return fn;
}
