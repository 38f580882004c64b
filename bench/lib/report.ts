/** Prints results as a table and saves reports under bench/results/. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchReport, BenchResult } from './types.ts';

/** A number with at most 3 significant decimals and thousands separators. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** `value / baseline`, the figure that survives a busy machine; empty without a baseline. */
export function ratioOf(result: BenchResult): string {
  if (!result.baseline || result.baseline.value === 0) return '';
  return `${(result.value / result.baseline.value).toFixed(2)}x`;
}

/** The results of every module as one aligned text table. */
export function formatTable(rows: readonly { module: string; result: BenchResult }[]): string {
  const header = ['name', 'value', 'unit', 'baseline', 'ratio'];
  const lines = rows.map(({ module, result }) => [
    `${module}: ${result.name}`,
    formatNumber(result.value),
    result.unit,
    result.baseline ? `${result.baseline.name} ${formatNumber(result.baseline.value)}` : '',
    ratioOf(result),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

/**
 * Writes the report to `<dir>/<timestamp>.json` and `<dir>/latest.json`.
 * @returns the path of the timestamped file.
 */
export async function writeReport(dir: string, report: BenchReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const path = join(dir, `${stamp}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  await writeFile(path, text);
  await writeFile(join(dir, 'latest.json'), text);
  return path;
}
