/**
 * Timers inside the sandbox. `setTimeout` is a durable timer recorded in history (`RunEnv.setTimeout`);
 * the other macrotask schedulers would fire at host-dependent moments and are refused.
 *
 * Sandbox-safe: no Node imports.
 */
import { currentEnv } from './env.ts';
import { forbiddenFunction } from './errors.ts';

/** `setTimeout` as a durable timer: survives worker restarts and fires in workflow time. */
export function setTimeout(callback: unknown, ms?: unknown, ...args: unknown[]): number {
  if (typeof callback !== 'function') {
    throw new TypeError('setTimeout in workflow code needs a function callback; strings are never evaluated');
  }
  const delay = Number(ms);
  return currentEnv('setTimeout').setTimeout(
    callback as (...a: unknown[]) => void,
    Number.isFinite(delay) && delay > 0 ? delay : 0,
    args,
  );
}

/** Cancels a durable timer made by {@link setTimeout}; other values are ignored, as on the web. */
export function clearTimeout(handle?: unknown): void {
  if (typeof handle === 'number') currentEnv('clearTimeout').clearTimeout(handle);
}

/** `queueMicrotask`: deterministic (it runs before the activation concludes), so it stays. */
export function queueMicrotask(callback: unknown): void {
  if (typeof callback !== 'function') throw new TypeError('queueMicrotask needs a function callback');
  void Promise.resolve().then(callback as () => void);
}

/** Installs the timer globals. */
export function installTimers(global: typeof globalThis): void {
  const define = (name: string, value: unknown): void => {
    Object.defineProperty(global, name, { value, writable: true, configurable: true });
  };
  define('setTimeout', setTimeout);
  define('clearTimeout', clearTimeout);
  define('queueMicrotask', queueMicrotask);
  define(
    'setInterval',
    forbiddenFunction('setInterval', 'a repeating timer has no durable equivalent; call sleep() in a loop'),
  );
  define('clearInterval', forbiddenFunction('clearInterval', 'setInterval is not available; see sleep()'));
  define(
    'setImmediate',
    forbiddenFunction(
      'setImmediate',
      'the sandbox has no macrotask queue; use `await Promise.resolve()` or sleep()',
    ),
  );
  define('clearImmediate', forbiddenFunction('clearImmediate', 'setImmediate is not available'));
}
