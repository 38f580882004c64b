/** Finds the bench modules in bench/ and picks the ones asked for. */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchModule } from './types.ts';

/** Files in bench/ that are not bench modules. */
const NOT_MODULES = new Set(['main.ts']);

/** Names (file names without `.ts`) of every bench module in `dir`, sorted. */
export async function listBenchModules(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter(
      (e) =>
        e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts'),
    )
    .filter((e) => !NOT_MODULES.has(e.name))
    .map((e) => basename(e.name, '.ts'))
    .sort();
}

/**
 * The modules to run: all of them when `requested` is empty, else the named ones in the order given.
 * @throws Error naming unknown modules and listing the available ones.
 */
export function selectModules(available: readonly string[], requested: readonly string[]): string[] {
  if (requested.length === 0) return [...available];
  const unknown = requested.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench module(s): ${unknown.join(', ')}; available: ${available.join(', ') || 'none'}`,
    );
  }
  return [...new Set(requested)];
}

/**
 * Imports one bench module and checks that it exports `run`.
 * @throws Error when it does not.
 */
export async function loadBenchModule(dir: string, name: string): Promise<BenchModule> {
  const mod = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as Partial<BenchModule>;
  if (typeof mod.run !== 'function') {
    throw new Error(`bench/${name}.ts does not export run(): Promise<BenchResult[]>`);
  }
  return mod as BenchModule;
}
