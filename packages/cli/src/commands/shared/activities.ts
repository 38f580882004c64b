/** Loads an activities module for `reprise worker`: every exported function is an activity. */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ActivityImplementations } from '@reprise/runtime';
import { CliError } from '../../command.ts';

/** Imports `path` (relative to `cwd`) and returns its function exports by name. */
export async function loadActivities(path: string, cwd: string): Promise<ActivityImplementations> {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(file))
    throw new CliError(
      `activities module not found: ${file}`,
      'pass the file that exports your activity functions',
      2,
    );
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new CliError(
      `cannot load activities module ${file}: ${(err as Error).message}`,
      'run it with node to see the full error',
    );
  }
  const out: ActivityImplementations = {};
  for (const [name, value] of Object.entries(mod)) {
    // Classes (error types, helpers) are exported alongside activities; only plain functions count.
    if (typeof value === 'function' && !/^class[\s{]/.test(Function.prototype.toString.call(value)))
      out[name] = value as ActivityImplementations[string];
  }
  if (Object.keys(out).length === 0)
    throw new CliError(`${file} exports no functions`, 'export each activity as a named async function');
  return out;
}
