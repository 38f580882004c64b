/**
 * `compileWorkflows()`: a workflows entry file in, one sandbox bundle out (see protocol/bundle.ts),
 * with a source map, a content-hash build id, and two caches so a worker or replay compiles once:
 * an in-process cache validated against every input file, and a disk cache of SWC outputs.
 */
import { dirname, join, resolve } from 'node:path';
import { emitBundle } from './emit.ts';
import { type Graph, type GraphRoots, walkGraph } from './graph.ts';
import { createHash, readFileSync, statSync } from './node-builtins.ts';
import { RUNTIME_SRC } from './resolve.ts';
import { BundleMapper, type IndexSourceMap, type OriginalLocation } from './sourcemap.ts';
import { type DiskCache, transformModule, transformModuleSync } from './transform.ts';

/** What to compile and how. */
export interface CompileOptions {
  /** The workflows entry file (TypeScript or JavaScript); its function exports are workflow types. */
  workflowsPath: string;
  /**
   * Module ids are relative to this directory. Defaults to the nearest ancestor of the entry file
   * holding a package.json (the entry's own directory when there is none).
   */
  root?: string;
  /** Use the in-process and disk caches (default true). */
  cache?: boolean;
  /** Disk cache directory. Defaults to `node_modules/.cache/reprise` in the nearest folder holding `node_modules`. */
  cacheDir?: string;
  /**
   * The sandbox module exporting `createRunInstance(workflows)`. Defaults to the runtime's own
   * `sandbox-runtime/instance.ts`; embedders and tests of the bundle format may pass another.
   */
  instancePath?: string;
}

/** A compiled bundle: the script, its map, and helpers to read stack traces of it. */
export interface WorkflowBundle {
  /** The script to evaluate in a fresh sandbox context. */
  code: string;
  /** Source map v3 of `code` (an index map with one section per module). */
  sourceMap: IndexSourceMap;
  /** Content hash of `code`: changes when, and only when, the code changes. */
  buildId: string;
  /** Project-relative id of the entry module. */
  entry: string;
  /** Ids of every module in the bundle, in bundle order (runtime modules as `reprise:...`). */
  modules: string[];
  /** Maps a 1-based bundle line/column, as in a V8 stack trace of the script, to the original source. */
  mapLocation(line: number, column: number): OriginalLocation | undefined;
  /** True for files of Reprise's own sandbox runtime, whose stack frames replay reports skip. */
  isRuntimeFile(file: string): boolean;
}

interface CacheEntry {
  bundle: WorkflowBundle;
  /** Every file read (modules and package.json files) with the hash of its content. */
  inputs: [path: string, hash: string][];
  /** Paths resolution looked for and did not find. */
  missing: string[];
}

const memory = new Map<string, CacheEntry>();

/** Compiles a workflows entry file into one bundle; module transforms run on SWC's thread pool. */
export async function compileWorkflows(options: CompileOptions): Promise<WorkflowBundle> {
  const setup = prepare(options);
  const hit = setup.memoryKey ? lookup(setup.memoryKey) : undefined;
  if (hit) return hit;
  const walk = walkGraph(setup.roots);
  let step = walk.next();
  while (!step.done) {
    step = walk.next(await Promise.all(step.value.map((m) => transformModule(m.id, m.source, setup.disk))));
  }
  return finish(setup.memoryKey, step.value);
}

/** Synchronous {@link compileWorkflows}, for callers that cannot await (same output). */
export function compileWorkflowsSync(options: CompileOptions): WorkflowBundle {
  const setup = prepare(options);
  const hit = setup.memoryKey ? lookup(setup.memoryKey) : undefined;
  if (hit) return hit;
  const walk = walkGraph(setup.roots);
  let step = walk.next();
  while (!step.done) {
    step = walk.next(step.value.map((m) => transformModuleSync(m.id, m.source, setup.disk)));
  }
  return finish(setup.memoryKey, step.value);
}

/** Drops every bundle held by the in-process cache (the disk cache is kept). */
export function clearCompileCache(): void {
  memory.clear();
}

function prepare(options: CompileOptions) {
  const entry = resolve(options.workflowsPath);
  const root = resolve(options.root ?? projectRoot(entry));
  const roots: GraphRoots = {
    root,
    entry,
    prelude: join(RUNTIME_SRC, 'sandbox-runtime', 'prelude.ts'),
    instance: resolve(options.instancePath ?? join(RUNTIME_SRC, 'sandbox-runtime', 'instance.ts')),
  };
  const useCache = options.cache !== false;
  const cacheDir = options.cacheDir ?? (useCache ? defaultCacheDir(entry) : undefined);
  const disk: DiskCache | undefined = useCache && cacheDir ? { dir: resolve(cacheDir) } : undefined;
  const memoryKey = useCache ? JSON.stringify(roots) : undefined;
  return { roots, disk, memoryKey };
}

function lookup(key: string): WorkflowBundle | undefined {
  const entry = memory.get(key);
  if (!entry) return undefined;
  for (const [path, hash] of entry.inputs) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
    if (contentHash(text) !== hash) return undefined;
  }
  for (const path of entry.missing) {
    if (exists(path)) return undefined;
  }
  return entry.bundle;
}

function finish(memoryKey: string | undefined, graph: Graph): WorkflowBundle {
  const emitted = emitBundle(graph);
  const mapper = new BundleMapper(emitted.sourceMap.sections, emitted.lineCounts);
  const bundle: WorkflowBundle = {
    code: emitted.code,
    sourceMap: emitted.sourceMap,
    buildId: emitted.buildId,
    entry: graph.modules[graph.entry]!.id,
    modules: graph.modules.map((m) => m.id),
    mapLocation: (line, column) => mapper.map(line, column),
    isRuntimeFile: (file) => file.startsWith('reprise:'),
  };
  if (memoryKey !== undefined) {
    const inputs: CacheEntry['inputs'] = graph.modules.map((m) => [m.path, contentHash(m.source)]);
    for (const [path, text] of graph.host.packageFiles) inputs.push([path, contentHash(text)]);
    memory.set(memoryKey, { bundle, inputs, missing: [...graph.host.missing] });
  }
  return bundle;
}

function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

function projectRoot(entry: string): string {
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if (exists(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return dirname(entry);
  }
}

function defaultCacheDir(entry: string): string | undefined {
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if (exists(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'reprise');
    if (dirname(dir) === dir) return undefined;
  }
}
