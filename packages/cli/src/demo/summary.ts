/**
 * The demo's proof: facts computed from the stored histories and from what the workers reported,
 * printed next to each other so the reader can check them, not take them on trust.
 */
import type { HistoryEvent, RunInfo } from '@reprise/history-store';
import { renderTable } from '../format/table.ts';
import type { FromChild } from './protocol.ts';

/** One activity attempt as a worker process reported it. */
export type AttemptReport = Extract<FromChild, { type: 'activity' }> & { worker: string };

/** Per scheduled activity: what the history records and what the workers did. */
export interface ActivityRow {
  workflowId: string;
  activityType: string;
  scheduledEventId: number;
  /** Attempts the workers started, in order, as `A#1 ✗`, `A#2 ☠`, `B#3 ✓`. */
  attempts: string;
  /** Attempt number on the recorded ActivityTaskStarted. */
  recordedAttempt: number | undefined;
  /** Outcome events recorded for this activity (must be exactly 1). */
  outcomes: number;
}

/** Facts checked after the demo. */
export interface Proof {
  rows: ActivityRow[];
  lost: AttemptReport[];
  allCompleted: boolean;
  exactlyOnce: boolean;
  denseIds: boolean;
}

const OUTCOMES = new Set([
  'ActivityTaskCompleted',
  'ActivityTaskFailed',
  'ActivityTaskTimedOut',
  'ActivityTaskCanceled',
]);

/** Computes the proof from histories, run descriptions, attempt reports and the set of killed workers. */
export function prove(
  histories: Map<string, HistoryEvent[]>,
  runs: RunInfo[],
  attempts: AttemptReport[],
  killed: Set<string>,
): Proof {
  const rows: ActivityRow[] = [];
  let denseIds = true;
  for (const [workflowId, events] of histories) {
    events.forEach((e, i) => {
      if (e.eventId !== i + 1) denseIds = false;
    });
    for (const e of events) {
      if (e.eventType !== 'ActivityTaskScheduled') continue;
      const related = events.filter(
        (x) =>
          'scheduledEventId' in x &&
          x.scheduledEventId === e.eventId &&
          x.eventType.startsWith('ActivityTask'),
      );
      const started = related.find((x) => x.eventType === 'ActivityTaskStarted');
      const mine = attempts.filter((a) => a.workflowId === workflowId && a.activityType === e.activityType);
      rows.push({
        workflowId,
        activityType: e.activityType,
        scheduledEventId: e.eventId,
        attempts: attemptTrail(mine, killed),
        recordedAttempt: started?.eventType === 'ActivityTaskStarted' ? started.attempt : undefined,
        outcomes: related.filter((x) => OUTCOMES.has(x.eventType)).length,
      });
    }
  }
  const finished = new Set(
    attempts
      .filter((a) => a.phase !== 'start')
      .map((a) => `${a.worker}|${a.workflowId}|${a.activityType}|${a.attempt}`),
  );
  const lost = attempts.filter(
    (a) => a.phase === 'start' && !finished.has(`${a.worker}|${a.workflowId}|${a.activityType}|${a.attempt}`),
  );
  return {
    rows,
    lost,
    allCompleted: runs.length === histories.size && runs.every((r) => r.status === 'completed'),
    exactlyOnce: rows.every((r) => r.outcomes === 1),
    denseIds,
  };
}

/** `A#1 ✗ A#2 killed B#3 ✓`: each attempt, which worker ran it, and how it ended. */
function attemptTrail(mine: AttemptReport[], killed: Set<string>): string {
  const ends = new Map<string, AttemptReport>();
  for (const a of mine) if (a.phase !== 'start') ends.set(`${a.worker}|${a.attempt}`, a);
  return mine
    .filter((a) => a.phase === 'start')
    .map((a) => {
      const end = ends.get(`${a.worker}|${a.attempt}`);
      const how = end
        ? end.phase === 'end'
          ? 'ok'
          : 'failed'
        : killed.has(a.worker)
          ? 'LOST (worker killed)'
          : 'abandoned';
      return `${a.worker}#${a.attempt} ${how}`;
    })
    .join(', ');
}

/** The proof as text: a table per activity, then one line per check. */
export function renderProof(p: Proof): string {
  const table = renderTable(p.rows, [
    { header: 'ORDER', cell: (r) => r.workflowId },
    { header: 'ACTIVITY', cell: (r) => r.activityType },
    { header: 'ATTEMPTS RUN BY WORKERS', cell: (r) => r.attempts },
    { header: 'RECORDED ATTEMPT', cell: (r) => String(r.recordedAttempt ?? '-'), align: 'right' },
    { header: 'RESULTS RECORDED', cell: (r) => String(r.outcomes), align: 'right' },
  ]);
  const mark = (ok: boolean) => (ok ? 'yes' : 'NO');
  const lost = p.lost
    .map((a) => `${a.activityType}(${a.workflowId}) attempt ${a.attempt} on worker ${a.worker}`)
    .join('; ');
  return [
    table,
    `lost attempts (started, never finished):  ${lost || 'none'}`,
    `every run completed:                      ${mark(p.allCompleted)}`,
    `each activity result recorded once:       ${mark(p.exactlyOnce)}`,
    `event ids dense, no duplicates:           ${mark(p.denseIds)}`,
    '',
  ].join('\n');
}
