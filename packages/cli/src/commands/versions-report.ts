/**
 * `reprise versions report`: which patch ids and change ids the stored runs (or a folder of history
 * files) use, by how many open and retained closed runs, and whether each old branch can go.
 */
import type { VersionsReport } from '@reprise/versioning/analysis';
import type { CliCommand, CliIO } from '../command.ts';
import { CliError } from '../command.ts';
import { renderTable } from '../format/table.ts';
import { dbOption, parse, usageError } from './shared/args.ts';
import { withStore } from './shared/db.ts';

const usage = `reprise versions report [--db <url>] [<history files or folders>...] [--type <workflowType>] [--json]

  With history files or folders, analyses those (a history without a closing event counts as open).
  Otherwise analyses every open and retained closed run in the store: --db postgres://…, DATABASE_URL,
  or the embedded store in ./.reprise.`;

const command: CliCommand = {
  path: ['versions', 'report'],
  summary: 'Which patch/version branches open and retained runs still need, and which can be deleted.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { ...dbOption, type: { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    if (positionals.length > 0 && values.db !== undefined) {
      throw usageError('pass either history files/folders or --db, not both', usage);
    }
    const analysis = await import('@reprise/versioning/analysis');
    const histories = await loadOrExplain(io, async () => {
      if (positionals.length > 0) return analysis.readHistorySources(positionals, io.cwd);
      const filter = values.type === undefined ? {} : { workflowType: values.type };
      return withStore(values.db, io, (store) => analysis.readStoreHistories(store, filter));
    });
    const selected =
      values.type === undefined ? histories : histories.filter((h) => h.workflowType === values.type);
    const report = analysis.analyzeVersions(selected);
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
    return 0;
  },
};
export default command;

/** Runs a loader, turning the analysis' bad-input errors into a usage-style CLI error. */
export async function loadOrExplain<T>(_io: CliIO, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    if (code === 'INVALID_HISTORY_FILE' || code === 'MALFORMED_MARKER') {
      throw new CliError(
        (err as Error).message,
        'pass history files exported by reprise, or folders of them',
        2,
      );
    }
    throw err;
  }
}

interface Row {
  workflowType: string;
  api: string;
  id: string;
  branch: string;
  open: number;
  closed: number;
  verdict: string;
}

/** The report as text: one table row per branch, then one verdict line per id. */
export function renderReport(report: VersionsReport): string {
  const { histories, undecided } = report;
  const lines = [
    `${histories.open + histories.closed} histories: ${histories.open} open, ${histories.closed} retained closed` +
      (undecided.open + undecided.closed > 0
        ? ` (${undecided.open + undecided.closed} completed no workflow task yet and need no branch)`
        : ''),
    '',
  ];
  const rows: Row[] = [];
  for (const u of report.usages) {
    const base = { workflowType: u.workflowType, id: u.id };
    if (u.api === 'patch') {
      for (const b of u.branches)
        rows.push({ ...base, api: 'patch', branch: b.branch, ...b.counts, verdict: b.verdict });
    } else {
      for (const b of u.branches) {
        const branch = b.version === -1 ? 'DEFAULT_VERSION (no marker)' : `version ${b.version}`;
        rows.push({ ...base, api: 'getVersion', branch, ...b.counts, verdict: b.verdict });
      }
    }
  }
  if (rows.length === 0) {
    lines.push('No patch or version markers in these histories: no versioning branch is in use.', '');
    return lines.join('\n');
  }
  lines.push(
    renderTable(rows, [
      { header: 'TYPE', cell: (r) => r.workflowType },
      { header: 'API', cell: (r) => r.api },
      { header: 'ID', cell: (r) => r.id },
      { header: 'BRANCH', cell: (r) => r.branch },
      { header: 'OPEN', cell: (r) => String(r.open), align: 'right' },
      { header: 'CLOSED', cell: (r) => String(r.closed), align: 'right' },
      { header: 'VERDICT', cell: (r) => r.verdict },
    ]),
  );
  lines.push('Verdicts:');
  for (const u of report.usages) lines.push(`  ${u.workflowType} ${u.id}: ${u.summary}`);
  for (const c of report.conflicts) {
    lines.push(
      `  warning: ${c.workflowType} '${c.id}' is recorded both as a patch (${c.patchSources.length} runs) and as a change id (${c.versionSources.length} runs); give one of them a new id`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
