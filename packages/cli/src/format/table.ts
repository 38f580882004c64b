/** Plain-text tables: left-aligned columns, a header rule, cells truncated to a width. */

/** One column: its header, how to read a cell, and an optional maximum width. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  max?: number;
  align?: 'left' | 'right';
}

/** Renders `rows` as a table (with a trailing newline), or `empty` when there are none. */
export function renderTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  empty = '(none)\n',
): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((r) => columns.map((c) => clip(c.cell(r), c.max)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n')}\n`;
}

/** Key/value lines, keys aligned. */
export function renderFields(fields: [string, string | number | undefined][]): string {
  const shown = fields.filter((f): f is [string, string | number] => f[1] !== undefined && f[1] !== '');
  const w = Math.max(...shown.map(([k]) => k.length));
  return `${shown.map(([k, v]) => `${`${k}:`.padEnd(w + 2)}${v}`).join('\n')}\n`;
}

function clip(text: string, max: number | undefined): string {
  const one = text.replace(/\s+/g, ' ');
  return max !== undefined && one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** A time as `YYYY-MM-DD HH:MM:SS` (UTC). */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** A duration in ms as `850ms`, `12.3s`, `4m05s`, `2h10m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000)
    return `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
  if (ms < 86_400_000)
    return `${Math.floor(ms / 3_600_000)}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`;
  return `${(ms / 86_400_000).toFixed(1)}d`;
}

/** A value as compact JSON for a table cell. */
export function compactJson(v: unknown): string {
  if (v === undefined) return '';
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}
