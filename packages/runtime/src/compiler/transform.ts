/**
 * One module through SWC: TypeScript or JavaScript (ESM or CommonJS) in, a CommonJS body plus its
 * source map out. SWC is loaded on first use only, so a compile served entirely from the prebuilt
 * runtime transforms and the disk cache never pays for loading the native binding.
 *
 * Lookup order for a module: the prebuilt outputs of the sandbox runtime (`reprise:` modules only,
 * written by `scripts/build.ts`), then the disk cache, then SWC. All three are keyed by the same
 * content key, so a stale or missing prebuilt file only costs speed, never correctness.
 */
import { join } from 'node:path';
import type { Options } from '@swc/core';
import { WorkflowSyntaxError } from './errors.ts';
import {
  createHash,
  createRequire,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from './node-builtins.ts';
import { findRequires, type RequireSite } from './scan.ts';
import type { RawSourceMap } from './sourcemap.ts';

type Swc = typeof import('@swc/core');

const require = createRequire(import.meta.url);
let swc: Swc | undefined;
function loadSwc(): Swc {
  swc ??= require('@swc/core') as Swc;
  return swc;
}

/** Bumped whenever the options below or the output format change, to retire old cache entries. */
const FORMAT = 1;
const SWC_VERSION = (
  JSON.parse(readFileSync(require.resolve('@swc/core/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** A module after SWC: the function body, its map, and the static requires it makes. */
export interface TransformedModule {
  code: string;
  map: RawSourceMap;
  requires: RequireSite[];
}

/** SWC options for a file, chosen by extension. `id` becomes the map's only source. */
export function swcOptions(id: string): Options {
  const ext = id.slice(id.lastIndexOf('.'));
  const ts = ext === '.ts' || ext === '.tsx' || ext === '.mts' || ext === '.cts';
  const jsx = ext === '.tsx' || ext === '.jsx';
  return {
    filename: id,
    swcrc: false,
    configFile: false,
    // Plain .js/.cjs may be CommonJS scripts: parsing them as modules would make them strict.
    isModule: ts || ext === '.mjs' ? true : 'unknown',
    sourceMaps: true,
    inputSourceMap: false,
    jsc: {
      parser: ts ? { syntax: 'typescript', tsx: jsx } : { syntax: 'ecmascript', jsx },
      target: 'es2022',
      externalHelpers: false,
    },
    module: { type: 'commonjs', importInterop: 'swc', ignoreDynamic: false },
  };
}

/** Where per-module outputs are kept between processes, or undefined for no disk cache. */
export interface DiskCache {
  dir: string;
}

/**
 * The content key of a module's SWC output: output format, SWC version, module id and source. The
 * disk cache and the prebuilt runtime transforms are both keyed by it.
 */
export function transformKey(id: string, source: string): string {
  return createHash('sha256').update(`${FORMAT}\0${SWC_VERSION}\0${id}\0`).update(source).digest('hex');
}

/** Where `scripts/build.ts` writes the prebuilt runtime transforms (the same path from `src` and `dist`). */
export const PREBUILT_TRANSFORMS_PATH = join(import.meta.dirname, '../../dist/runtime-transforms.txt');

/** The first line of a prebuilt-transforms file; a file with another header is ignored. */
function prebuiltHeader(): string {
  return JSON.stringify({ reprisePrebuiltTransforms: FORMAT, swc: SWC_VERSION });
}

let prebuiltPath: string | false = PREBUILT_TRANSFORMS_PATH;
/** Content key to the JSON text of a prebuilt output; undefined until first needed. */
let prebuilt: Map<string, string> | undefined;

/**
 * Chooses the prebuilt-transforms file consulted for `reprise:` modules (`false`: none), and drops
 * the copy loaded from the previous one. Defaults to {@link PREBUILT_TRANSFORMS_PATH}.
 */
export function usePrebuiltTransforms(path: string | false): void {
  prebuiltPath = path;
  prebuilt = undefined;
}

/**
 * Serialises prebuilt transforms: a header line, then one line per module, `<key> <JSON output>`.
 * Values stay JSON text until looked up, so loading the file parses only what a compile uses.
 */
export function formatPrebuiltTransforms(entries: Iterable<[key: string, out: TransformedModule]>): string {
  const lines = [prebuiltHeader()];
  for (const [key, out] of entries) lines.push(`${key} ${JSON.stringify(out)}`);
  return `${lines.join('\n')}\n`;
}

function loadPrebuilt(): Map<string, string> {
  if (prebuilt) return prebuilt;
  prebuilt = new Map();
  if (prebuiltPath === false) return prebuilt;
  let text: string;
  try {
    text = readFileSync(prebuiltPath, 'utf8');
  } catch {
    return prebuilt;
  }
  const lines = text.split('\n');
  if (lines[0] !== prebuiltHeader()) return prebuilt;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    // A key is 64 hex digits; anything else (a truncated or damaged line) is skipped.
    if (line.length > 65 && line[64] === ' ') prebuilt.set(line.slice(0, 64), line.slice(65));
  }
  return prebuilt;
}

/** A stored SWC output (prebuilt or disk cache), or undefined when the text is not one. */
function parseTransformed(text: string): TransformedModule | undefined {
  try {
    const value = JSON.parse(text) as TransformedModule;
    if (
      typeof value.code === 'string' &&
      typeof value.map?.mappings === 'string' &&
      Array.isArray(value.requires)
    ) {
      return value;
    }
  } catch {}
  return undefined;
}

function readPrebuilt(id: string, key: string): TransformedModule | undefined {
  if (!id.startsWith('reprise:')) return undefined;
  const text = loadPrebuilt().get(key);
  return text === undefined ? undefined : parseTransformed(text);
}

function readCached(cache: DiskCache | undefined, key: string): TransformedModule | undefined {
  if (!cache) return undefined;
  try {
    return parseTransformed(readFileSync(join(cache.dir, key.slice(0, 2), `${key}.json`), 'utf8'));
  } catch {
    return undefined;
  }
}

function writeCached(cache: DiskCache | undefined, key: string, value: TransformedModule): void {
  if (!cache) return;
  // A cache that cannot be written only costs speed: never fail a compile over it.
  try {
    const dir = join(cache.dir, key.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, join(dir, `${key}.json`));
  } catch {}
}

function finish(id: string, code: string, map: string | undefined): TransformedModule {
  // Packages ship `//# sourceMappingURL=` comments that point at files the sandbox cannot see.
  const body = code.replace(/\n\/\/[#@] sourceMappingURL=[^\n]*\s*$/, '\n');
  const parsed: RawSourceMap = map
    ? (JSON.parse(map) as RawSourceMap)
    : { version: 3, sources: [id], names: [], mappings: '' };
  parsed.sources = [id];
  return { code: body, map: parsed, requires: findRequires(body) };
}

function jsonModule(id: string, source: string): TransformedModule {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (err) {
    const message = (err as Error).message;
    const pos = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
    const before = source.slice(0, pos).split('\n');
    throw new WorkflowSyntaxError(
      { file: id, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 },
      message,
    );
  }
  const code = `module.exports = ${JSON.stringify(value)};\n`;
  return {
    code,
    map: { version: 3, sources: [id], sourcesContent: [source], names: [], mappings: '' },
    requires: [],
  };
}

/** Runs SWC on one module synchronously, with no cache of any kind. @throws WorkflowSyntaxError */
export function transformUncached(id: string, source: string): TransformedModule {
  if (id.endsWith('.json')) return jsonModule(id, source);
  try {
    const result = loadSwc().transformSync(source, swcOptions(id));
    return finish(id, result.code, result.map);
  } catch (err) {
    throw syntaxError(id, err);
  }
}

/** Transforms one module synchronously, through the prebuilt runtime transforms and the disk cache. */
export function transformModuleSync(
  id: string,
  source: string,
  cache: DiskCache | undefined,
): TransformedModule {
  if (id.endsWith('.json')) return jsonModule(id, source);
  const key = transformKey(id, source);
  const cached = readPrebuilt(id, key) ?? readCached(cache, key);
  if (cached) return cached;
  const out = transformUncached(id, source);
  writeCached(cache, key, out);
  return out;
}

/** Transforms one module on SWC's thread pool, through the prebuilt runtime transforms and the disk cache. */
export async function transformModule(
  id: string,
  source: string,
  cache: DiskCache | undefined,
): Promise<TransformedModule> {
  if (id.endsWith('.json')) return jsonModule(id, source);
  const key = transformKey(id, source);
  const cached = readPrebuilt(id, key) ?? readCached(cache, key);
  if (cached) return cached;
  let out: TransformedModule;
  try {
    const result = await loadSwc().transform(source, swcOptions(id));
    out = finish(id, result.code, result.map);
  } catch (err) {
    throw syntaxError(id, err);
  }
  writeCached(cache, key, out);
  return out;
}

/**
 * Turns SWC's diagnostic text into a typed error. SWC prints the snippet's first line in the
 * `,-[file:line:col]` header and marks the error with `^` under a numbered source line.
 */
export function syntaxError(id: string, err: unknown): WorkflowSyntaxError {
  const text = String(err instanceof Error ? err.message : err);
  const lines = text.split('\n');
  const message = lines.find((l) => /^\s*x /.test(l))?.replace(/^\s*x\s+/, '') ?? lines[0] ?? 'syntax error';
  const header = /,-\[.*:(\d+):(\d+)\]/.exec(text);
  let line = Number(header?.[1] ?? 1);
  let column = Number(header?.[2] ?? 1);
  for (let i = 1; i < lines.length; i++) {
    const caret = /^(\s*):(\s*)\^/.exec(lines[i]!);
    const source = /^\s*(\d+) \| /.exec(lines[i - 1] ?? '');
    if (caret && source) {
      line = Number(source[1]);
      column = caret[0].length - source[0].length;
      break;
    }
  }
  return new WorkflowSyntaxError({ file: id, line, column: Math.max(1, column) }, message);
}
