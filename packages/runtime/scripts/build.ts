/**
 * Builds `packages/runtime/dist`, what a published `@reprise/runtime` ships next to its sources:
 *
 * - `dist/compiler/index.js`: the workflow compiler (src/compiler and the few runtime files it
 *   imports) as one plain ES module, types stripped by SWC, with a source map back to `src`.
 *   A fresh process that imports `@reprise/runtime/compiler` loads it instead of paying for Node's
 *   TypeScript loader.
 * - `dist/runtime-transforms.txt`: the SWC output of every sandbox-runtime module a bundle can
 *   include, keyed by the same content key as the compiler's disk cache (see compiler/transform.ts).
 *   A module edited after the build simply misses and goes through SWC.
 *
 * Run with Node 24: `node packages/runtime/scripts/build.ts` (`pnpm build`). It runs on `pnpm install`,
 * before every Vitest run and before `pnpm bench compile`; unchanged files are not rewritten, and
 * files it no longer produces are removed.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type { Options } from '@swc/core';
import { type GraphRoots, walkGraph } from '../src/compiler/graph.ts';
import { RUNTIME_SRC, VERSIONING_SRC } from '../src/compiler/resolve.ts';
import { findRequires } from '../src/compiler/scan.ts';
import { decodeMappings, type RawSourceMap } from '../src/compiler/sourcemap.ts';
import {
  formatPrebuiltTransforms,
  PREBUILT_TRANSFORMS_PATH,
  type TransformedModule,
  transformKey,
  transformUncached,
} from '../src/compiler/transform.ts';

type Swc = typeof import('@swc/core');
const swc = createRequire(import.meta.url)('@swc/core') as Swc;

const PACKAGE = join(import.meta.dirname, '..');
const SRC = join(PACKAGE, 'src');
const DIST = join(PACKAGE, 'dist');
const COMPILER_OUT = join(DIST, 'compiler', 'index.js');
// Assembled, so that tools reading this script (Vitest imports it in tests) do not take the
// comment for this file's own source map.
const SOURCE_MAPPING_COMMENT = ['//#', 'sourceMappingURL=index.js.map'].join(' ');

/** Writes `text` to `path` atomically, unless the file already holds exactly that text. */
function writeIfChanged(path: string, text: string): void {
  try {
    if (readFileSync(path, 'utf8') === text) return;
  } catch {}
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** SWC options that turn one TypeScript file of `src` into a CommonJS factory body. */
function factoryOptions(file: string): Options {
  return {
    filename: file,
    swcrc: false,
    configFile: false,
    isModule: true,
    sourceMaps: true,
    inlineSourcesContent: false,
    // Sources as seen from the output file, dist/compiler/index.js.
    sourceFileName: relative(dirname(COMPILER_OUT), file).split(sep).join('/'),
    jsc: {
      parser: { syntax: 'typescript' },
      target: 'esnext',
      // The sources are written for Node's type stripping: every import that stays is a value import,
      // and class fields have define semantics. Keep both exactly.
      transform: { verbatimModuleSyntax: true, useDefineForClassFields: true },
    },
    // `import.meta` stays as it is: the output is one ES module in dist/compiler, two levels below
    // the package root like src/compiler, so `import.meta.dirname`-relative paths hold.
    module: { type: 'commonjs', importInterop: 'swc', preserveImportMeta: true },
  };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One base64 VLQ field of a source map. */
function vlq(value: number): string {
  let rest = value < 0 ? -value * 2 + 1 : value * 2;
  let out = '';
  do {
    const digit = rest % 32;
    rest = Math.floor(rest / 32);
    out += BASE64[rest > 0 ? digit + 32 : digit];
  } while (rest > 0);
  return out;
}

/**
 * One plain source map for modules placed at line offsets of a file. (Node's `--enable-source-maps`
 * does not read index maps with `sections` from a file, so the sections are merged here.) Names
 * are dropped; positions are kept exactly.
 */
function flatMap(sections: { line: number; map: RawSourceMap }[]): RawSourceMap {
  const lines: string[] = [];
  const sources: string[] = [];
  let source = 0;
  let srcLine = 0;
  let srcColumn = 0;
  for (const section of sections) {
    const base = sources.length;
    sources.push(...section.map.sources);
    while (lines.length < section.line) lines.push('');
    for (const row of decodeMappings(section.map.mappings)) {
      let genColumn = 0;
      const segments: string[] = [];
      for (const seg of row) {
        segments.push(
          vlq(seg.genColumn - genColumn) +
            vlq(base + seg.source - source) +
            vlq(seg.line - srcLine) +
            vlq(seg.column - srcColumn),
        );
        genColumn = seg.genColumn;
        source = base + seg.source;
        srcLine = seg.line;
        srcColumn = seg.column;
      }
      lines.push(segments.join(','));
    }
  }
  return { version: 3, file: 'index.js', sources, names: [], mappings: lines.join(';') };
}

/**
 * The compiler as one ES module, dist/compiler/index.js (plus a source map back to `src`):
 * every module of `src/compiler/index.ts`'s import graph becomes a CommonJS factory in a small
 * registry, like a workflow bundle, and the file re-exports the entry's exports. One file instead
 * of one ES module per source file saves the ES loader's per-module work in every fresh process
 * (~8 ms for the compiler's 14 modules). Node built-ins come from `process.getBuiltinModule`,
 * without building ES facades for them (see compiler/node-builtins.ts).
 */
async function buildCompiler(): Promise<{ paths: string[]; modules: number }> {
  const entry = join(SRC, 'compiler', 'index.ts');
  const files: string[] = [entry];
  const parts: string[] = [];
  const sections: { line: number; map: RawSourceMap }[] = [];
  let line = 0;
  const push = (text: string): void => {
    parts.push(text);
    line += countLines(text);
  };
  push(
    `// @reprise/runtime's workflow compiler, built by scripts/build.ts from src/compiler. Do not edit.\nconst defs = [\n`,
  );
  for (let index = 0; index < files.length; index++) {
    const file = files[index]!;
    const rel = relative(SRC, file).split(sep).join('/');
    if (rel.startsWith('..')) throw new Error(`the compiler imports ${file}, outside ${SRC}`);
    const result = swc.transformSync(readFileSync(file, 'utf8'), factoryOptions(file));
    const map: Record<string, number> = {};
    for (const { specifier } of findRequires(result.code)) {
      if (specifier in map) continue;
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        const target = join(dirname(file), specifier);
        let at = files.indexOf(target);
        if (at < 0) at = files.push(target) - 1;
        map[specifier] = at;
      } else if (!specifier.startsWith('node:')) {
        throw new Error(`${rel}: '${specifier}' must be imported with \`import type\` or loaded lazily`);
      }
    }
    push(`// ${index}: ${rel}\n[function (module, exports, require) {\n`);
    sections.push({ line, map: JSON.parse(result.map!) as RawSourceMap });
    push(result.code.endsWith('\n') ? result.code : `${result.code}\n`);
    push(`}, ${JSON.stringify(map)}],\n`);
  }
  const names = Object.keys(await import(entry)).sort();
  push(`];
const cache = [];
function load(index) {
  const cached = cache[index];
  if (cached !== undefined) return cached.exports;
  const [factory, deps] = defs[index];
  const module = { exports: {} };
  cache[index] = module;
  factory.call(undefined, module, module.exports, (specifier) => {
    const dep = deps[specifier];
    if (dep !== undefined) return load(dep);
    const builtin = process.getBuiltinModule(specifier);
    if (builtin === undefined) throw new Error(\`@reprise/runtime compiler: cannot load '\${specifier}'\`);
    return builtin;
  });
  return module.exports;
}
export const { ${names.join(', ')} } = load(0);
${SOURCE_MAPPING_COMMENT}
`);
  writeIfChanged(COMPILER_OUT, parts.join(''));
  writeIfChanged(`${COMPILER_OUT}.map`, JSON.stringify(flatMap(sections)));
  return { paths: [COMPILER_OUT, `${COMPILER_OUT}.map`], modules: files.length };
}

/**
 * SWC outputs of every `reprise:` module a bundle can hold: the graphs of the prelude and run
 * instance with each entry workflow code can import from Reprise (`@reprise/runtime/workflow` and
 * `@reprise/versioning`), transformed exactly as the compiler does.
 */
export function runtimeTransforms(): [key: string, out: TransformedModule][] {
  const entries = new Map<string, TransformedModule>();
  for (const entry of [join(RUNTIME_SRC, 'workflow.ts'), join(VERSIONING_SRC, 'index.ts')]) {
    const roots: GraphRoots = {
      root: RUNTIME_SRC,
      entry,
      prelude: join(RUNTIME_SRC, 'sandbox-runtime', 'prelude.ts'),
      instance: join(RUNTIME_SRC, 'sandbox-runtime', 'instance.ts'),
    };
    const walk = walkGraph(roots);
    let step = walk.next();
    while (!step.done) {
      step = walk.next(step.value.map((m) => transformUncached(m.id, m.source)));
    }
    for (const mod of step.value.modules) {
      if (!mod.id.startsWith('reprise:') || mod.id.endsWith('.json')) continue;
      entries.set(transformKey(mod.id, mod.source), mod.out);
    }
  }
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Removes files under `dir` that this build did not produce (interrupted writes of others are left). */
function removeStale(dir: string, keep: Set<string>): void {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (keep.has(path) || /\.tmp-\d+$/.test(name)) continue;
    try {
      if (!statSync(path).isDirectory()) rmSync(path, { force: true });
    } catch {}
  }
}

/** Builds `dist`; returns how many compiler modules and prebuilt runtime transforms it holds. */
export async function build(): Promise<{ compilerModules: number; runtimeTransforms: number }> {
  const started = performance.now();
  const compiler = await buildCompiler();
  const transforms = runtimeTransforms();
  writeIfChanged(PREBUILT_TRANSFORMS_PATH, formatPrebuiltTransforms(transforms));
  removeStale(DIST, new Set([...compiler.paths, PREBUILT_TRANSFORMS_PATH]));
  const ms = (performance.now() - started).toFixed(0);
  console.log(
    `@reprise/runtime: built dist (compiler: ${compiler.modules} modules in one file; ${transforms.length} prebuilt runtime transforms) in ${ms} ms`,
  );
  return { compilerModules: compiler.modules, runtimeTransforms: transforms.length };
}

if (import.meta.main) await build();
