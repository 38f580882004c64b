/**
 * The sandbox prelude as one script, for hand-made bundles in tests and benchmarks (the compiler
 * builds its own). Each module of the prelude's import graph is transformed with SWC to CommonJS and
 * wrapped in a small registry, in file order; the result is cached per process.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';

const PRELUDE = resolve(dirname(fileURLToPath(import.meta.url)), '../sandbox-runtime/prelude.ts');
let cached: string | undefined;

/** Returns the prelude (deterministic globals and the run-environment slot) as a self-contained script. */
export function preludeScript(): string {
  if (cached !== undefined) return cached;
  const modules = new Map<string, string>();
  const visit = (file: string): void => {
    if (modules.has(file)) return;
    modules.set(file, '');
    const { code } = transformSync(readFileSync(file, 'utf8'), {
      filename: file,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs', importInterop: 'none' },
    });
    const deps = [...code.matchAll(/require\("(\.[^"]+)"\)/g)].map((m) => resolve(dirname(file), m[1]!));
    for (const dep of deps) visit(dep);
    modules.set(
      file,
      code.replace(
        /require\("(\.[^"]+)"\)/g,
        (_, spec: string) => `__req(${JSON.stringify(resolve(dirname(file), spec))})`,
      ),
    );
  };
  visit(PRELUDE);
  const table = [...modules].map(
    ([file, code]) => `${JSON.stringify(file)}: function (exports, __req) {\n${code}\n}`,
  );
  cached = `(function () {
  const defs = {${table.join(',\n')}};
  const done = Object.create(null);
  function __req(file) {
    if (done[file]) return done[file];
    const exports = (done[file] = {});
    defs[file](exports, __req);
    return exports;
  }
  __req(${JSON.stringify(PRELUDE)});
})();\n`;
  return cached;
}
