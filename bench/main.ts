/**
 * `pnpm bench [module...]`: runs the bench modules in bench/ (all of them, or the ones named, e.g.
 * `pnpm bench replay codec`), one after another in this process, prints one table, and saves the
 * report to bench/results/<timestamp>.json and bench/results/latest.json. A module that throws is
 * reported and the others still run; the exit code is then 1.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { listBenchModules, loadBenchModule, selectModules } from './lib/discover.ts';
import { formatNumber, formatTable, ratioOf, writeReport } from './lib/report.ts';
import type { BenchReport, BenchResult, ModuleReport } from './lib/types.ts';

const BENCH_DIR = import.meta.dirname;

async function main(argv: readonly string[]): Promise<number> {
  const available = await listBenchModules(BENCH_DIR);
  let selected: string[];
  try {
    selected = selectModules(available, argv);
  } catch (err) {
    console.error(`pnpm bench: ${(err as Error).message}`);
    return 2;
  }
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: availableParallelism(),
    loadBefore: loadavg(),
    loadAfter: [],
    modules: [],
  };
  console.log(`bench: ${selected.join(', ')} (node ${process.version}, load ${loadavg()[0]!.toFixed(2)})`);
  for (const name of selected) {
    const started = performance.now();
    const entry: ModuleReport = { module: name, durationMs: 0, results: [] };
    try {
      const mod = await loadBenchModule(BENCH_DIR, name);
      entry.results = await mod.run();
      for (const r of entry.results) {
        const ratio = ratioOf(r);
        console.log(`  ${name}: ${r.name} = ${formatNumber(r.value)} ${r.unit}${ratio ? ` (${ratio})` : ''}`);
      }
    } catch (err) {
      entry.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.error(`  ${name}: FAILED: ${entry.error}`);
    }
    entry.durationMs = Math.round(performance.now() - started);
    report.modules.push(entry);
  }
  report.finishedAt = new Date().toISOString();
  report.loadAfter = loadavg();
  const rows = report.modules.flatMap((m) =>
    m.results.map((result: BenchResult) => ({ module: m.module, result })),
  );
  console.log(`\n${formatTable(rows)}\n`);
  const path = await writeReport(join(BENCH_DIR, 'results'), report);
  console.log(`saved ${path} (and bench/results/latest.json)`);
  const failed = report.modules.filter((m) => m.error !== undefined);
  if (failed.length > 0) console.error(`failed: ${failed.map((m) => m.module).join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
