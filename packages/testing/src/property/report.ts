/**
 * What a failed check hands back: a report with the seed and path that reproduce it, the shrunk
 * schedule, the explanation, and the minimal history written as a history file that can be
 * committed as a regression fixture.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyFromEvents, writeHistoryFile } from '@reprise/history-store';
import { RepriseError } from '@reprise/runtime';
import type { DeterminismProperty, Schedule } from './types.ts';
import { DeterminismViolation } from './violation.ts';

/** `checkDeterminism` found a schedule under which the workflow is not deterministic. */
export class DeterminismCheckError extends RepriseError {
  /** The property that failed. */
  readonly property: DeterminismProperty;
  /** fast-check seed and counterexample path: pass both back as options to replay exactly this schedule. */
  readonly seed: number;
  readonly path: string;
  /** The shrunk schedule. */
  readonly schedule: Schedule;
  /** What went wrong (a nondeterminism diff or a task-by-task comparison). */
  readonly explanation: string;
  /** The minimal history, written as a history file; absent when the run recorded none. */
  readonly historyFile: string | undefined;
  /** Schedules tried before the failure, and shrink steps after it. */
  readonly runs: number;
  readonly shrinks: number;

  constructor(fields: {
    workflowType: string;
    property: DeterminismProperty;
    seed: number;
    path: string;
    schedule: Schedule;
    explanation: string;
    historyFile: string | undefined;
    runs: number;
    shrinks: number;
    cause: unknown;
  }) {
    super('DETERMINISM_CHECK_FAILED', formatReport(fields), { cause: fields.cause });
    this.property = fields.property;
    this.seed = fields.seed;
    this.path = fields.path;
    this.schedule = fields.schedule;
    this.explanation = fields.explanation;
    this.historyFile = fields.historyFile;
    this.runs = fields.runs;
    this.shrinks = fields.shrinks;
  }
}

const HINTS: Record<DeterminismProperty, string> = {
  'replay-determinism':
    'the code read something that is not in the history (workflowInfo().unsafe, state set outside history); ' +
    'commit the history file under fixtures/histories/ so the replay gate keeps failing until it is fixed',
  'crash-equivalence':
    'state survived in the cached instance that a replay from history cannot rebuild (query or validator ' +
    'side effects, module-level caches); the history file is the uninterrupted run: keep the seed and path in a ' +
    'test, since replaying one history cannot lose an instance',
  'version-compatibility':
    'an unguarded code change: guard it with patched() or getVersion() (docs/versioning.md); commit the ' +
    'history file under fixtures/histories/ so the replay gate checks the guard',
  'workflow-task-failure':
    'the workflow code threw outside workflow semantics or broke a sandbox rule; the message names the cause',
};

/** Removes empty lists and records so that a printed schedule shows only what happens. */
function compact(schedule: Schedule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schedule)) {
    if (Array.isArray(value) && value.length === 0) continue;
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.keys(value).length === 0
    )
      continue;
    out[key] = value;
  }
  return out;
}

/** The schedule as indented JSON (`undefined` and bigints spelled out). */
export function formatSchedule(schedule: Schedule): string {
  return JSON.stringify(
    compact(schedule),
    (_key, value: unknown) =>
      value === undefined ? '<undefined>' : typeof value === 'bigint' ? `${value}n` : value,
    2,
  );
}

function formatReport(f: ConstructorParameters<typeof DeterminismCheckError>[0]): string {
  const lines = [
    `checkDeterminism(${f.workflowType}): ${f.property} failed after ${f.runs} schedule(s), shrunk in ${f.shrinks} step(s).`,
    `  reproduce: checkDeterminism(workflow, { ...options, seed: ${f.seed}, path: ${JSON.stringify(f.path)} })`,
    '  shrunk schedule:',
    ...formatSchedule(f.schedule)
      .split('\n')
      .map((l) => `    ${l}`),
    '  what went wrong:',
    ...f.explanation.split('\n').map((l) => `    ${l}`),
    f.historyFile === undefined
      ? '  minimal history: none (the run failed before it recorded one)'
      : `  minimal history: ${f.historyFile}`,
    `  hint: ${HINTS[f.property]}`,
  ];
  return lines.join('\n');
}

/** Writes the violation's history (with the reproduction facts in its header) and returns the file name. */
export async function writeMinimalHistory(
  violation: DeterminismViolation,
  details: {
    workflowType: string;
    seed: number;
    path: string;
    schedule: Schedule;
    outDir: string | undefined;
  },
): Promise<string | undefined> {
  const first = violation.events[0];
  if (first === undefined) return undefined;
  const started = first as { firstExecutionRunId?: string };
  const runId = started.firstExecutionRunId ?? `${details.workflowType}-run`;
  const history = historyFromEvents([...violation.events], {
    runId,
    ...(violation.buildId === undefined ? {} : { buildId: violation.buildId }),
  });
  history.header.determinism = {
    property: violation.property,
    seed: details.seed,
    path: details.path,
    schedule: details.schedule,
  };
  const dir = details.outDir ?? join(tmpdir(), 'reprise-determinism');
  const file = join(dir, `${details.workflowType}-${violation.property}-seed${details.seed}.json`);
  await writeHistoryFile(file, history);
  return file;
}

/** The explanation and property of whatever the failing predicate threw. */
export function describeFailure(error: unknown): { property: DeterminismProperty; explanation: string } {
  if (error instanceof DeterminismViolation) return { property: error.property, explanation: error.message };
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { property: 'workflow-task-failure', explanation: `the check itself failed: ${message}` };
}
