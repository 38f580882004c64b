/**
 * `console` inside the sandbox, routed to the run's replay-aware logger (`RunEnv.log`), which drops
 * lines while replaying. Calls made while no activation runs (for example while the bundle loads)
 * belong to no run and are dropped.
 *
 * Sandbox-safe: no Node imports.
 */
import { envSlot } from './env.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

const emit = (level: Level, args: unknown[]): void => {
  envSlot.current?.log(level, args);
};

/** Installs `console` with the methods workflow code commonly uses. */
export function installConsole(global: typeof globalThis): void {
  const methods: Record<string, Level> = {
    log: 'info',
    info: 'info',
    debug: 'debug',
    trace: 'debug',
    dir: 'info',
    warn: 'warn',
    error: 'error',
  };
  const console = Object.create(null) as Record<string, unknown>;
  for (const [name, level] of Object.entries(methods)) {
    const method = {
      [name](...args: unknown[]): void {
        emit(level, args);
      },
    }[name];
    console[name] = method;
  }
  console.assert = function assert(condition?: unknown, ...args: unknown[]): void {
    if (!condition) emit('error', ['Assertion failed', ...args]);
  };
  Object.defineProperty(console, Symbol.toStringTag, { value: 'console' });
  Object.defineProperty(global, 'console', { value: console, writable: true, configurable: true });
}
