/**
 * Compiler benchmarks. The issue's target: compile the order workflow and its imports cold, in a
 * fresh process, under 150 ms. Each fresh-process figure is the wall time of a whole
 * `node --no-node-snapshot` process that loads the compiler and compiles, so the baseline is the
 * same process doing nothing (`node -e 0`), measured in the same run.
 *
 * The headline figure is what a user gets: the process imports `@reprise/runtime/compiler`, which
 * resolves to the prebuilt JavaScript in packages/runtime/dist (built by
 * packages/runtime/scripts/build.ts, run here first so the figures always match the sources). For
 * comparison, the same compile with the compiler loaded from its TypeScript sources
 * (`--conditions=reprise-source`), and with nothing prebuilt at all (sources, every module through
 * SWC).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clearCompileCache, compileWorkflows } from '../packages/runtime/src/compiler/index.ts';
import type { BenchResult } from './lib/types.ts';

const ROOT = join(import.meta.dirname, '..');
const ORDER = join(ROOT, 'fixtures/workflows/order.ts');
const FALLBACK = join(ROOT, 'fixtures/compiler/basic/index.ts');
const BUILD = join(ROOT, 'packages/runtime/scripts/build.ts');
/** The compiler's transform module (sources), to switch the prebuilt runtime transforms off. */
const SRC_TRANSFORM = pathToFileURL(join(ROOT, 'packages/runtime/src/compiler/transform.ts')).href;
const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall time of a fresh Node process running `script` from the workspace root, and what it printed. */
function spawnTimed(script: string, flags: string[] = ['--no-node-snapshot']): { ms: number; out: string } {
  const started = performance.now();
  const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { ms: performance.now() - started, out };
}

/**
 * How the fresh process loads the compiler: the prebuilt one (what a user gets), the TypeScript
 * sources, or the sources with the prebuilt runtime transforms switched off (every module through
 * SWC, as before either was prebuilt).
 */
type Variant = 'dist' | 'source' | 'source-no-prebuilt' | 'dist-snapshot';

/**
 * Every variant starts Node with `--no-node-snapshot`, as a worker must (isolated-vm), except
 * `dist-snapshot`: a process that only compiles (a CI step) keeps Node's startup snapshot.
 */
const FLAGS: Record<Variant, string[]> = {
  dist: ['--no-node-snapshot'],
  source: ['--no-node-snapshot', '--conditions=reprise-source'],
  'source-no-prebuilt': ['--no-node-snapshot', '--conditions=reprise-source'],
  'dist-snapshot': [],
};

function compileScript(variant: Variant, entry: string, cacheDir: string): string {
  const off =
    variant === 'source-no-prebuilt'
      ? `(await import(${JSON.stringify(SRC_TRANSFORM)})).usePrebuiltTransforms(false);\n`
      : '';
  return `const t = performance.now();
const { compileWorkflows } = await import('@reprise/runtime/compiler');
${off}const c = performance.now();
const b = await compileWorkflows({ workflowsPath: ${JSON.stringify(entry)}, cacheDir: ${JSON.stringify(cacheDir)} });
const end = performance.now();
process.stdout.write(JSON.stringify({ importMs: c - t, compileMs: end - c, modules: b.modules.length }));`;
}

/** Medians over fresh processes, each compiling with a new, empty cache directory. */
interface ColdFigures {
  wall: number;
  importMs: number;
  compileMs: number;
  modules: number;
}

interface ColdSamples {
  wall: number[];
  importMs: number[];
  compileMs: number[];
  modules: number;
}

function coldOnce(variant: Variant, entry: string, into: ColdSamples): void {
  const dir = mkdtempSync(join(tmpdir(), 'reprise-bench-compile-'));
  try {
    const r = spawnTimed(compileScript(variant, entry, dir), FLAGS[variant]);
    const inside = JSON.parse(r.out) as { importMs: number; compileMs: number; modules: number };
    into.wall.push(r.ms);
    into.importMs.push(inside.importMs);
    into.compileMs.push(inside.compileMs);
    into.modules = inside.modules;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function medians(s: ColdSamples): ColdFigures {
  return {
    wall: median(s.wall),
    importMs: median(s.importMs),
    compileMs: median(s.compileMs),
    modules: s.modules,
  };
}

/** Runs the compiler benchmarks. */
export async function run(): Promise<BenchResult[]> {
  execFileSync(process.execPath, [BUILD], { cwd: ROOT, stdio: 'ignore' });
  const entry = existsSync(ORDER) ? ORDER : FALLBACK;
  const label = existsSync(ORDER) ? 'order workflow' : 'fixtures/compiler/basic (order.ts missing)';
  const bareSamples: number[] = [];
  const bareSnapshotSamples: number[] = [];
  const samples: Record<Variant, ColdSamples> = {
    dist: { wall: [], importMs: [], compileMs: [], modules: 0 },
    source: { wall: [], importMs: [], compileMs: [], modules: 0 },
    'source-no-prebuilt': { wall: [], importMs: [], compileMs: [], modules: 0 },
    'dist-snapshot': { wall: [], importMs: [], compileMs: [], modules: 0 },
  };
  // Interleaved, so that a change of machine load hits the baseline and every variant alike.
  for (let i = 0; i < RUNS; i++) {
    bareSamples.push(spawnTimed('0').ms);
    bareSnapshotSamples.push(spawnTimed('0', []).ms);
    for (const variant of Object.keys(samples) as Variant[]) coldOnce(variant, entry, samples[variant]);
  }
  const baseline = { name: 'node -e 0 (bare process start)', value: median(bareSamples) };
  const dist = medians(samples.dist);
  const source = medians(samples.source);
  const unbuilt = medians(samples['source-no-prebuilt']);
  const snapshot = medians(samples['dist-snapshot']);

  const diskDir = mkdtempSync(join(tmpdir(), 'reprise-bench-compile-'));
  spawnTimed(compileScript('dist', entry, diskDir));
  const diskWall: number[] = [];
  const diskCompile: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnTimed(compileScript('dist', entry, diskDir));
    diskWall.push(r.ms);
    diskCompile.push((JSON.parse(r.out) as { compileMs: number }).compileMs);
  }

  // Warm: the in-process cache re-reads and re-hashes every input, then returns the same bundle.
  clearCompileCache();
  await compileWorkflows({ workflowsPath: entry, cacheDir: diskDir });
  const warm: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await compileWorkflows({ workflowsPath: entry, cacheDir: diskDir });
    warm.push(performance.now() - t);
  }
  rmSync(diskDir, { recursive: true, force: true });

  return [
    {
      name: `compile ${label}: fresh process, empty cache (wall)`,
      value: dist.wall,
      unit: 'ms',
      baseline,
      note: `${dist.modules} modules incl. sandbox runtime; target < 150 ms; prebuilt compiler (dist) and prebuilt runtime transforms; loading the compiler ${dist.importMs.toFixed(1)} ms`,
    },
    {
      name: `compile ${label}: fresh process with Node's startup snapshot, empty cache (wall)`,
      value: snapshot.wall,
      unit: 'ms',
      baseline: { name: 'node -e 0 with the startup snapshot', value: median(bareSnapshotSamples) },
      note: 'a process that only compiles (reprise compile as a CI step) needs no --no-node-snapshot; a worker does (isolated-vm)',
    },
    {
      name: `compile ${label}: fresh process, empty cache (compileWorkflows call only)`,
      value: dist.compileMs,
      unit: 'ms',
      note: 'includes loading @swc/core and transforming the workflow module; excludes process start and loading the compiler',
    },
    {
      name: `compile ${label}: fresh process, empty cache, compiler from TypeScript sources (wall)`,
      value: source.wall,
      unit: 'ms',
      baseline,
      note: `--conditions=reprise-source, prebuilt runtime transforms still used; loading the compiler through Node's type stripping ${source.importMs.toFixed(1)} ms, compileWorkflows ${source.compileMs.toFixed(1)} ms`,
    },
    {
      name: `compile ${label}: fresh process, empty cache, nothing prebuilt (wall)`,
      value: unbuilt.wall,
      unit: 'ms',
      baseline,
      note: `compiler from TypeScript sources and every module through SWC; loading the compiler ${unbuilt.importMs.toFixed(1)} ms, compileWorkflows ${unbuilt.compileMs.toFixed(1)} ms`,
    },
    {
      name: `compile ${label}: fresh process, disk cache warm (wall)`,
      value: median(diskWall),
      unit: 'ms',
      baseline,
      note: `prebuilt compiler; SWC output read from the disk cache, SWC never loaded; compileWorkflows call ${median(diskCompile).toFixed(1)} ms`,
    },
    {
      name: `compile ${label}: warm in-process cache`,
      value: median(warm) * 1000,
      unit: 'µs',
      note: 'validates every input file by content hash and every resolution miss by stat',
    },
  ];
}

if (import.meta.main) {
  for (const r of await run()) {
    console.log(
      `${r.name}: ${r.value.toFixed(1)} ${r.unit}${r.baseline ? ` (baseline ${r.baseline.name}: ${r.baseline.value.toFixed(1)} ms)` : ''}${r.note ? ` - ${r.note}` : ''}`,
    );
  }
}
