/**
 * `reprise versions check`: replays histories (files, folders, or runs in a store) against new
 * workflow code and prints, per workflow type, how many replay, each failure with its diff, and which
 * patch/version branch each history takes. Exit 0 only when every history replays.
 */
import { resolve } from 'node:path';
import type { VersionCheckResult, VersionedHistory } from '@reprise/versioning/analysis';
import type { CliCommand } from '../command.ts';
import { CliError } from '../command.ts';
import { renderTable } from '../format/table.ts';
import { parse, requireFlag, usageError } from './shared/args.ts';
import { withStore } from './shared/db.ts';
import { replayOptions, writeJUnitReport } from './shared/replay.ts';
import { loadOrExplain } from './versions-report.ts';

const usage = `reprise versions check --workflows <entry> [<history files or folders>...] [--db <url> [--open]] [--junit <file>]

  Replays every history against the workflow code at <entry>. With --db, also replays the runs in
  the store (every open and retained closed run; --open: only open runs). Exit code 0 only when every
  history replays; 1 when any fails; 2 on bad input or when there is nothing to replay.`;

const command: CliCommand = {
  path: ['versions', 'check'],
  summary:
    'Replay histories against new workflow code: what replays, what fails and why, which branches each takes.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        ...replayOptions,
        open: { type: 'boolean' },
      },
      usage,
    );
    const entry = requireFlag(values.workflows, '--workflows <entry>', usage);
    if (values.open && values.db === undefined) {
      throw usageError('--open selects runs in a store: pass --db as well', usage);
    }
    const analysis = await import('@reprise/versioning/analysis');
    const histories: VersionedHistory[] = await loadOrExplain(io, async () => {
      const fromFiles = positionals.length > 0 ? await analysis.readHistorySources(positionals, io.cwd) : [];
      if (values.db === undefined) return fromFiles;
      const filter = values.open ? { openOnly: true } : {};
      return [
        ...fromFiles,
        ...(await withStore(values.db, io, (s) => analysis.readStoreHistories(s, filter))),
      ];
    });
    if (histories.length === 0) {
      throw new CliError(
        'no histories to replay',
        positionals.length + (values.db === undefined ? 0 : 1) === 0
          ? 'pass history files or folders, or --db to replay runs from a store'
          : 'the files, folders or store hold no histories; an empty set never passes the check',
        2,
      );
    }
    const workflowsPath = resolve(io.cwd, entry);
    const { Replayer } = await import('@reprise/runtime');
    const replayer = await Replayer.create({ workflowsPath });
    let result: VersionCheckResult;
    try {
      result = await analysis.checkVersions({
        workflowsPath,
        histories,
        replay: async (_path, h) => {
          const r = await replayer.replay({
            events: h.events,
            workflowId: h.workflowId,
            runId: h.runId,
            name: h.source,
          });
          return r.ok ? { ok: true } : { ok: false, error: r.error };
        },
        ...(io.isTTY ? { onProgress: (done, total) => io.stderr(`\rreplayed ${done}/${total}`) } : {}),
      });
    } finally {
      await replayer.dispose();
    }
    if (io.isTTY) io.stderr('\n');
    io.stdout(renderCheck(result, entry));
    if (values.junit) await writeJUnitReport(io, values.junit, analysis.versionCheckJUnit(result));
    return result.ok ? 0 : 1;
  },
};
export default command;

/** The check result as text: a summary per workflow type, branches, then every failure in full. */
export function renderCheck(result: VersionCheckResult, entry: string): string {
  const out: string[] = [`Replayed ${result.total} histories against ${entry}`, ''];
  for (const t of result.workflowTypes) {
    out.push(`${t.workflowType}: ${t.replayed} replay, ${t.failed} fail`);
    if (t.branchCounts.length > 0) {
      out.push(
        renderTable(t.branchCounts, [
          { header: '  BRANCH', cell: (b) => `  ${b.branch}` },
          { header: 'REPLAY', cell: (b) => String(b.replayed), align: 'right' },
          { header: 'FAIL', cell: (b) => String(b.failed), align: 'right' },
        ]).trimEnd(),
      );
    }
    for (const h of t.histories) {
      const branches = h.branches.map((b) =>
        b.api === 'patch' ? `${b.id}=${b.marker}` : `${b.id}=v${b.version}`,
      );
      const state = h.open ? 'open' : 'closed';
      out.push(
        `  ${h.ok ? 'ok  ' : 'FAIL'} ${h.source} (${state}${branches.length ? `; ${branches.join(', ')}` : ''})`,
      );
    }
    out.push('');
  }
  const failures = result.workflowTypes.flatMap((t) => t.histories.filter((h) => !h.ok));
  for (const h of failures) {
    out.push(`--- ${h.source}`, h.failure!.message.trimEnd(), '');
  }
  out.push(
    result.ok
      ? `OK: all ${result.total} histories replay.`
      : `FAILED: ${result.failed} of ${result.total} histories do not replay against ${entry}.`,
    '',
  );
  return out.join('\n');
}
