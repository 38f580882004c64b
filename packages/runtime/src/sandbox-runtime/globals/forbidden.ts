/**
 * Globals that would let a replay diverge from the first run, each refused with the reason.
 *
 * Constructors and functions that code calls directly throw a DeterminismViolationError; namespaces
 * that libraries feature-detect (`typeof WebAssembly`) are removed instead, so the library takes its
 * portable path rather than crashing. `process`, `require`, `fetch`, `performance` never exist in
 * an isolate; `fetch` is added as a refusal because its absence reads like a bug.
 *
 * Sandbox-safe: no Node imports.
 */
import { forbiddenFunction } from './errors.ts';

/** What each refused global is, and why: the source of the docs table too. */
export const REFUSED_GLOBALS: Readonly<Record<string, { mode: 'throws' | 'absent'; reason: string }>> = {
  WeakRef: {
    mode: 'throws',
    reason: 'when a target is collected depends on the garbage collector, not on history',
  },
  FinalizationRegistry: {
    mode: 'throws',
    reason: 'cleanup callbacks run when the garbage collector decides, not at a recorded point',
  },
  SharedArrayBuffer: {
    mode: 'throws',
    reason: 'shared memory can change under the workflow between replays',
  },
  Atomics: { mode: 'absent', reason: 'only meaningful with shared memory, which the sandbox does not have' },
  WebAssembly: {
    mode: 'absent',
    reason: 'its memory lives outside the isolate heap limit and its float NaN bits may differ between hosts',
  },
  fetch: { mode: 'throws', reason: 'I/O belongs in activities; call one with proxyActivities()' },
  eval: {
    mode: 'throws',
    reason: 'code built from strings escapes the compiler module policy and source maps',
  },
  Function: {
    mode: 'throws',
    reason:
      'code built from strings escapes the compiler module policy and source maps (the constructor only)',
  },
  process: { mode: 'absent', reason: 'the host process is not reachable from workflow code' },
  require: { mode: 'absent', reason: 'modules are resolved at compile time; import them instead' },
  performance: {
    mode: 'absent',
    reason: 'a high-resolution clock differs between runs; use Date.now() (workflow time)',
  },
  Temporal: { mode: 'absent', reason: 'Temporal.Now reads the wall clock; use Date (workflow time)' },
};

const reason = (name: string): string => REFUSED_GLOBALS[name]!.reason;

/** Removes or replaces every refused global, and the string-evaluating function constructors. */
export function installForbidden(global: typeof globalThis): void {
  const g = global as unknown as Record<string, unknown>;
  for (const [name, entry] of Object.entries(REFUSED_GLOBALS)) {
    if (entry.mode === 'absent') delete g[name];
  }
  for (const name of ['WeakRef', 'FinalizationRegistry', 'SharedArrayBuffer', 'fetch', 'eval']) {
    Object.defineProperty(global, name, {
      value: forbiddenFunction(name, reason(name)),
      writable: true,
      configurable: true,
    });
  }
  // Every function kind's constructor compiles strings; `instanceof Function` must keep working.
  const kinds: [string, object][] = [
    ['Function', Function.prototype],
    ['AsyncFunction', Object.getPrototypeOf(async () => {}) as object],
    ['GeneratorFunction', Object.getPrototypeOf(function* () {}) as object],
    ['AsyncGeneratorFunction', Object.getPrototypeOf(async function* () {}) as object],
  ];
  for (const [name, proto] of kinds) {
    const refused = forbiddenFunction(name, reason('Function'));
    Object.defineProperty(refused, 'prototype', { value: proto });
    Object.defineProperty(proto, 'constructor', { value: refused, writable: true, configurable: true });
    if (name === 'Function')
      Object.defineProperty(global, 'Function', { value: refused, writable: true, configurable: true });
  }
  // Legacy RegExp statics (RegExp.$1, lastMatch, ...) expose the last match of any run in the context.
  for (const key of Reflect.ownKeys(RegExp)) {
    if (
      typeof key === 'string' &&
      (key.startsWith('$') || /^(?:input|last(?:Match|Paren)|(?:left|right)Context)$/.test(key))
    ) {
      delete (RegExp as unknown as Record<string, unknown>)[key];
    }
  }
}
