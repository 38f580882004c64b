/**
 * Vitest global setup: builds packages/runtime/dist (scripts/build.ts) in a child process before
 * any test runs, so every test run, however it is started, checks the prebuilt compiler and
 * runtime transforms of the current sources.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs the build; throws (failing the test run) when it fails. */
export function setup(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, 'build.ts')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}
