/**
 * The link between the sandbox's per-kind sequence numbers and the history's event ids. Workflow code
 * names an activity, timer or child by `seq`; history names them by scheduled/initiated event id or
 * timer id. Both directions are filled when a command's event is recorded (live) or matched (replay).
 *
 * Sandbox-safe: no Node imports.
 */

/** Sequence numbers of a run's outstanding and past commands, by the event ids that name them. */
export class SeqMaps {
  /** Activity seq by ActivityTaskScheduled event id. */
  readonly activityByEvent = new Map<number, number>();
  /** ActivityTaskScheduled event id by activity seq. */
  readonly activityEventBySeq = new Map<number, number>();
  /** Timer seq by timer id. */
  readonly timerById = new Map<string, number>();
  /** TimerStarted event id by timer seq. */
  readonly timerEventBySeq = new Map<number, number>();
  /** Child seq by StartChildWorkflowExecutionInitiated event id. */
  readonly childByEvent = new Map<number, number>();
  /** Child workflow id by child seq (for cancel requests). */
  readonly childWorkflowIdBySeq = new Map<number, string>();
  /** Signal-external seq by initiated event id. */
  readonly signalByEvent = new Map<number, number>();
  /** Cancel-external seq by initiated event id; a cancel of a child records `undefined` (no job). */
  readonly cancelByEvent = new Map<number, number | undefined>();
  /** WorkflowExecutionUpdateAccepted event id by update id. */
  readonly updateAcceptedById = new Map<string, number>();
}

/** The timer id a timer command's event takes. Stable across replays because `seq` is. */
export function timerIdOf(seq: number): string {
  return String(seq);
}
