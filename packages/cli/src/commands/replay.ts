/**
 * `reprise replay`: the replay gate for CI. Replays history files, folders and JSONL corpora, and
 * runs straight from a store, against the workflow code; prints every divergence as a diff and a
 * table per workflow type. Exit 0 when all replay, 1 on nondeterminism (or a workflow task that
 * throws while replaying), 2 on bad input: unreadable or impossible histories, bad flags, code that
 * does not compile, a store that cannot be opened, or nothing to replay (unless --allow-empty).
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { GateProgress, GateSource, GateVerdict, StoreQuery } from '@reprise/testing';
import { type CliCommand, CliError, type CliIO } from '../command.ts';
import { formatDuration, renderTable } from '../format/table.ts';
import { isRunStatus, parse, parseIntFlag, RUN_STATUSES, requireFlag, usageError } from './shared/args.ts';
import { storeLocation } from './shared/db.ts';
import { compileEntry, replayOptions, writeJUnitReport } from './shared/replay.ts';

const usage = `reprise replay --workflows <entry> [<files|folders>...] [--db <url|dir> [--query <k=v,...>]]
               [--junit <file>] [--allow-empty] [--concurrency <n>]

  --query   which runs of the store to replay: type=<workflowType>, status=<s>[|<s>...],
            startedAfter=<ISO time | ms | duration ago, e.g. 7d>, limit=<n>
  Exit 0 when every history replays, 1 on nondeterminism, 2 on bad input or an empty corpus.`;

/** Diffs printed in full; the rest are counted (the JUnit report has every one). */
const FULL_DIFFS = 20;

const command: CliCommand = {
  path: ['replay'],
  summary: 'Replay histories (files, folders, JSONL, runs in a store) against workflow code: the CI gate.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        ...replayOptions,
        query: { type: 'string' },
        'allow-empty': { type: 'boolean' },
        concurrency: { type: 'string' },
      },
      usage,
    );
    const entry = requireFlag(values.workflows, '--workflows <entry>', usage);
    if (values.query !== undefined && values.db === undefined) {
      throw usageError('--query selects runs in a store: pass --db as well', usage);
    }
    if (positionals.length === 0 && values.db === undefined) {
      throw new CliError(
        'nothing to replay',
        'pass history files or folders, or --db <url> to replay runs from a store',
        2,
      );
    }
    const concurrency = parseIntFlag(values.concurrency, '--concurrency', 0) || undefined;
    const sources: (string | StoreQuery)[] = positionals.map((p) => resolve(io.cwd, p));
    if (values.db !== undefined) {
      const loc = storeLocation(values.db, io);
      sources.push({ db: loc.kind === 'postgres' ? loc.url : loc.dataDir, ...parseQuery(values.query) });
    }
    const bundle = await compileEntry(entry, io.cwd);
    const { replayHistories, gateJUnit } = await import('@reprise/testing');
    const progress = progressReporter(io);
    const verdict = await replayHistories(sources as GateSource, {
      bundle,
      onProgress: progress,
      allowEmpty: values['allow-empty'] ?? false,
      ...(concurrency !== undefined && { concurrency }),
    }).catch((err: Error) => {
      throw new CliError(
        `cannot read the histories: ${err.message}`,
        'check the --db location and that the store is reachable',
        2,
      );
    });
    progress.end();
    for (const r of verdict.results) {
      if (isAbsolute(r.source) && r.source.startsWith(io.cwd)) r.source = relative(io.cwd, r.source);
    }
    io.stdout(renderVerdict(verdict, entry));
    if (values.junit) await writeJUnitReport(io, values.junit, gateJUnit(verdict));
    if (verdict.invalid > 0) return 2;
    if (!verdict.ok && !verdict.empty) return 1;
    if (verdict.empty && !values['allow-empty']) {
      io.stderr(
        'reprise replay: no histories to replay\nhint: an empty corpus never passes the gate (did the fixtures move?); pass --allow-empty if that is intended\n',
      );
      return 2;
    }
    return 0;
  },
};
export default command;

/** Parses `--query type=…,status=a|b,startedAfter=…,limit=…`. */
export function parseQuery(text: string | undefined): Omit<StoreQuery, 'db'> {
  const q: Omit<StoreQuery, 'db'> = {};
  if (text === undefined || text.trim() === '') return q;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0 || value === '') throw queryError(`'${part}' is not key=value`);
    switch (key) {
      case 'type':
      case 'workflowType':
        q.workflowType = value;
        break;
      case 'status': {
        const list = value.split('|');
        const bad = list.find((s) => !isRunStatus(s));
        if (bad !== undefined)
          throw queryError(`unknown status '${bad}' (one of ${RUN_STATUSES.join(', ')})`);
        q.status = list.filter(isRunStatus);
        break;
      }
      case 'startedAfter':
        q.startedAfter = parseTime(value);
        break;
      case 'limit':
        q.limit = parseIntFlag(value, 'limit', 1);
        break;
      default:
        throw queryError(`unknown key '${key}' (type, status, startedAfter, limit)`);
    }
  }
  return q;
}

function queryError(what: string): CliError {
  return new CliError(
    `--query: ${what}`,
    'e.g. --query type=orderWorkflow,status=completed|failed,startedAfter=7d,limit=1000',
    2,
  );
}

/** ISO text, ms since the epoch, or a duration meaning that long ago (`90m`, `12h`, `7d`). */
function parseTime(value: string): number {
  const ago = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(value);
  if (ago) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's' | 'm' | 'h' | 'd'];
    return Date.now() - Number(ago[1]) * unit;
  }
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw queryError(`startedAfter '${value}' is not a time`);
  return ms;
}

/**
 * Progress on stderr: on a terminal one line rewritten at most every 100 ms; in CI logs a line per
 * 10% when the total is known, else per 1,000 histories.
 */
function progressReporter(io: CliIO): ((p: GateProgress) => void) & { end(): void } {
  let last = 0;
  let lastStep = 0;
  let shown = false;
  const line = (p: GateProgress) =>
    `replayed ${p.done}${p.total !== undefined ? `/${p.total}` : ''}${p.failed ? `, ${p.failed} failed` : ''} (${formatDuration(p.elapsedMs)})`;
  const report = (p: GateProgress) => {
    // Short runs print only the summary.
    if (p.elapsedMs < 1000) return;
    if (io.isTTY) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      io.stderr(`\r\x1b[2K${line(p)}`);
      return;
    }
    const step = p.total ? Math.floor((p.done * 10) / p.total) : Math.floor(p.done / 1000);
    if (step > lastStep && p.done > 0) {
      lastStep = step;
      io.stderr(`${line(p)}\n`);
    }
  };
  return Object.assign(report, {
    end: () => {
      if (shown) io.stderr('\r\x1b[2K');
    },
  });
}

/** Every failure (the first ones in full), the table per workflow type, and the verdict line. */
export function renderVerdict(v: GateVerdict, entry: string): string {
  const out: string[] = [];
  const failures = v.results.filter((r) => !r.ok);
  for (const r of failures.slice(0, FULL_DIFFS)) {
    out.push(`--- ${r.source} (${r.status})`, (r.error?.message ?? '').trimEnd(), '');
  }
  if (failures.length > FULL_DIFFS) {
    out.push(
      `... and ${failures.length - FULL_DIFFS} more failures (the --junit report lists every one)`,
      '',
    );
  }
  out.push(
    renderTable(
      v.byType,
      [
        { header: 'WORKFLOW TYPE', cell: (t) => t.workflowType },
        { header: 'HISTORIES', cell: (t) => String(t.histories), align: 'right' },
        { header: 'EVENTS', cell: (t) => String(t.events), align: 'right' },
        { header: 'OK', cell: (t) => String(t.ok), align: 'right' },
        { header: 'FAILED', cell: (t) => String(t.failed), align: 'right' },
        { header: 'TIME', cell: (t) => formatDuration(t.timeMs), align: 'right' },
      ],
      '(no histories)\n',
    ).trimEnd(),
    '',
  );
  const took = `in ${formatDuration(v.durationMs)} on ${v.lanes} lane${v.lanes === 1 ? '' : 's'}`;
  const against = `against ${entry} (build ${v.buildId.slice(0, 12)})`;
  if (v.empty) out.push(`${v.ok ? 'OK' : 'FAILED'}: no histories to replay ${against}.`);
  else if (v.ok) out.push(`OK: all ${v.total} histories replay ${against} ${took}.`);
  else {
    const parts = [
      v.nondeterministic && `${v.nondeterministic} nondeterministic`,
      v.failed && `${v.failed} failed while replaying`,
      v.invalid && `${v.invalid} unreadable or invalid`,
    ].filter(Boolean);
    out.push(`FAILED: ${parts.join(', ')}; ${v.replayed} of ${v.total} histories replay ${against} ${took}.`);
  }
  return `${out.join('\n')}\n`;
}
