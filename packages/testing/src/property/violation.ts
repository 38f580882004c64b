/**
 * The error a property check throws inside fast-check: which property failed, the explanation (a
 * nondeterminism diff or a task-by-task comparison), and the history that shows it, so the report
 * can write it as a regression fixture.
 */
import type { HistoryEvent } from '@reprise/history-store';
import type { DeterminismProperty } from './types.ts';

/** One property failed for one schedule. */
export class DeterminismViolation extends Error {
  readonly property: DeterminismProperty;
  /** The history that shows the failure (the one that does not replay, or the uninterrupted run's). */
  readonly events: readonly HistoryEvent[];
  /** Build id of the code that recorded `events`, for the history file header. */
  buildId: string | undefined;

  constructor(
    property: DeterminismProperty,
    message: string,
    events: readonly HistoryEvent[],
    buildId?: string,
  ) {
    super(message);
    this.name = 'DeterminismViolation';
    this.property = property;
    this.events = events;
    this.buildId = buildId;
  }
}
