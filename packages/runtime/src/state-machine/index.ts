/**
 * The workflow state machine: pure and synchronous. Recorded history events in, activation jobs out;
 * commands in, checked against the history (replay) or turned into new events (live).
 *
 * How a worker uses it for one workflow task:
 * 1. `new WorkflowStateMachine(runId, { buildId })`, then `appendEvents(task.history)` (for a cached run,
 *    only the new events; events the machine wrote itself are recognised and skipped).
 * 2. Loop `nextActivation(live)` → sandbox `activate` → `complete(completion)`. Recorded tasks come back
 *    with `isReplaying: true` and outcome `replayed`; the last, live task (built from `live`: claim time,
 *    queries, updates) gives outcome `recorded` with the events to append through the store, starting
 *    with WorkflowTaskStarted (id `task.startedEventId`) and WorkflowTaskCompleted.
 * 3. A `NondeterminismError` or a `taskFailed` outcome means: fail the workflow task (nothing is
 *    appended), discard the machine and the run instance.
 *
 * Ordering guarantees (what workflow authors can rely on):
 * - Jobs of one workflow task are the events since the previous task, in history order; events that
 *   arrive while a task runs are buffered by the store after its completion, so a signal that arrives
 *   while an activity runs is seen at the next workflow task, never in the middle of one.
 * - Replay delivers exactly the same jobs in the same activations as the live run did, so
 *   `Promise.race` between a timer, an activity and a signal resolves the same way on every replay.
 * - Timer ids are `String(seq)`; activity, child and external-signal/cancel results are matched to the
 *   code's `seq` through the scheduled/initiated event id.
 *
 * Sandbox-safe style: no Node imports.
 */
export { closingCommands, InvalidCommandError } from './commands.ts';
export {
  type CommandSummary,
  describeCommand,
  describeEvent,
  formatMs,
  summarizeCommand,
} from './describe.ts';
export {
  type DivergenceKind,
  formatNondeterminism,
  HistoryError,
  isNondeterminismError,
  type NondeterminismDetails,
  NondeterminismError,
} from './errors.ts';
export { hashValue } from './hash.ts';
export { WorkflowStateMachine } from './machine.ts';
export { commandEventTypes, eventTypeOfCommand } from './matching.ts';
export { timerIdOf } from './seq-maps.ts';
export type {
  CompletionOutcome,
  LiveTask,
  QueryRequest,
  ReplayComparison,
  StateMachineOptions,
  UpdateRequest,
} from './types.ts';
