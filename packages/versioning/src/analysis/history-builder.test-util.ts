/**
 * Builds small valid histories for analysis tests: one workflow task that records the given
 * versioning markers, and a completion when the run is closed.
 */
import { type HistoryEvent, type NewEvent, validateEvent } from '@reprise/history-store';
import type { VersioningMarker } from '../host.ts';
import { markerDetails } from '../markers.ts';
import type { VersionedHistory } from './types.ts';

let counter = 0;

/** A history of `workflowType` recording `markers` in its first workflow task. */
export function buildHistory(opts: {
  workflowType?: string;
  open?: boolean;
  markers?: VersioningMarker[];
  /** False: the run completed no workflow task yet. */
  decided?: boolean;
}): VersionedHistory {
  const n = ++counter;
  const workflowType = opts.workflowType ?? 'order';
  const events: NewEvent[] = [
    {
      eventType: 'WorkflowExecutionStarted',
      workflowId: `wf-${n}`,
      workflowType,
      taskQueue: 'q',
      input: [],
      randomnessSeed: [1, 2, 3, 4],
      attempt: 1,
      firstExecutionRunId: `run-${n}`,
    },
    { eventType: 'WorkflowTaskScheduled', taskQueue: 'q', attempt: 1 },
  ];
  if (opts.decided !== false) {
    events.push(
      { eventType: 'WorkflowTaskStarted', scheduledEventId: 2, identity: 'w' },
      {
        eventType: 'WorkflowTaskCompleted',
        scheduledEventId: 2,
        startedEventId: 3,
        identity: 'w',
        buildId: 'b',
      },
    );
    for (const m of opts.markers ?? []) {
      events.push({
        eventType: 'MarkerRecorded',
        workflowTaskCompletedEventId: 4,
        markerName: m.markerName,
        details: markerDetails(m),
      });
    }
    if (opts.open === false) {
      events.push({ eventType: 'WorkflowExecutionCompleted', workflowTaskCompletedEventId: 4, result: null });
    }
  }
  const full = events.map(
    (e, i) => ({ ...e, eventId: i + 1, eventTime: 1_700_000_000_000 + i }) as HistoryEvent,
  );
  for (const e of full) {
    const problem = validateEvent(e);
    if (problem) throw new Error(problem);
  }
  return {
    source: `test-${n}.json`,
    workflowId: `wf-${n}`,
    runId: `run-${n}`,
    workflowType,
    open: opts.open !== false,
    events: full,
  };
}

/** Shorthands for markers. */
export const mark = {
  patch: (patchId: string, deprecated = false): VersioningMarker => ({
    markerName: 'patch',
    patchId,
    deprecated,
  }),
  version: (changeId: string, version: number): VersioningMarker => ({
    markerName: 'version',
    changeId,
    version,
  }),
};
