/**
 * Host-side check of a completion that came out of the sandbox. The bundle is untrusted: anything
 * that is not a well-formed {@link Completion} for this run becomes a SandboxProtocolError naming
 * the first bad field, instead of reaching the state machine. Payloads (`args`, `result`, `details`,
 * marker values) are opaque user data and are not walked; every structural object is checked for an
 * own `__proto__` key so that nothing downstream can re-point a prototype with it.
 */
import type { Completion } from '../protocol/completion.ts';
import { SandboxProtocolError } from './errors.ts';

type Check = (value: unknown) => boolean;
type Fields = Record<string, [check: Check, optional?: true]>;

const str: Check = (v) => typeof v === 'string';
const num: Check = (v) => typeof v === 'number' && !Number.isNaN(v);
const int: Check = (v) => Number.isSafeInteger(v);
const bool: Check = (v) => typeof v === 'boolean';
const array: Check = (v) => Array.isArray(v);
const any: Check = () => true;
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.hasOwn(v, '__proto__');

const FAILURE_SOURCES = oneOf(
  'ApplicationFailure',
  'ActivityFailure',
  'ChildWorkflowFailure',
  'TimeoutFailure',
  'CancelledFailure',
  'TerminatedFailure',
  'ServerFailure',
);
const failure: Check = (v) =>
  isRecord(v) &&
  str(v.message) &&
  FAILURE_SOURCES(v.source) &&
  (v.cause === undefined || failure(v.cause)) &&
  (v.details === undefined || array(v.details));
/** A check of an object's fields; built once per shape, since every completion is checked on the hot path. */
const record = (fields: Fields): Check => {
  const entries = Object.entries(fields);
  return (v) => {
    if (!isRecord(v)) return false;
    for (const [k, [check, optional]] of entries) {
      const value = v[k];
      if (!((optional && value === undefined) || check(value))) return false;
    }
    return true;
  };
};
const options = record({
  taskQueue: [str, true],
  scheduleToCloseTimeoutMs: [num, true],
  scheduleToStartTimeoutMs: [num, true],
  startToCloseTimeoutMs: [num, true],
  heartbeatTimeoutMs: [num, true],
  retry: [isRecord, true],
  cancellationType: [oneOf('tryCancel', 'waitCancellationCompleted', 'abandon'), true],
});
const marker: Check = (v) =>
  isRecord(v) &&
  ((v.markerName === 'patch' && str(v.patchId) && bool(v.deprecated)) ||
    (v.markerName === 'version' && str(v.changeId) && int(v.version)) ||
    (v.markerName === 'sideEffect' && str(v.id)));

const COMMANDS: Record<string, Fields> = {
  scheduleActivity: { seq: [int], activityId: [str], activityType: [str], args: [array], options: [options] },
  requestCancelActivity: { seq: [int] },
  startTimer: { seq: [int], durationMs: [num] },
  cancelTimer: { seq: [int] },
  recordMarker: { marker: [marker] },
  startChild: {
    seq: [int],
    workflowId: [str],
    workflowType: [str],
    args: [array],
    taskQueue: [str, true],
    parentClosePolicy: [oneOf('terminate', 'requestCancel', 'abandon')],
    workflowRunTimeoutMs: [num, true],
    workflowExecutionTimeoutMs: [num, true],
  },
  requestCancelChild: { seq: [int] },
  signalExternal: {
    seq: [int],
    workflowId: [str],
    runId: [str, true],
    signalName: [str],
    args: [array],
    childWorkflowOnly: [bool],
  },
  requestCancelExternal: { seq: [int], workflowId: [str], runId: [str, true] },
  acceptUpdate: { updateId: [str] },
  completeUpdate: { updateId: [str], result: [any, true], failure: [failure, true] },
  rejectUpdate: { updateId: [str], failure: [failure] },
  completeWorkflow: { result: [any, true] },
  failWorkflow: { failure: [failure] },
  cancelWorkflow: {},
  continueAsNew: {
    workflowType: [str],
    args: [array],
    taskQueue: [str, true],
    workflowRunTimeoutMs: [num, true],
  },
};
const COMMAND_CHECKS: Record<string, Check> = Object.fromEntries(
  Object.entries(COMMANDS).map(([kind, fields]) => [kind, record(fields)]),
);
const queryResult = record({ queryId: [str], result: [any, true], failure: [failure, true] });
const logRecord = record({
  level: [oneOf('debug', 'info', 'warn', 'error')],
  message: [str],
  timestamp: [num],
  attributes: [isRecord, true],
});

/** Returns `value` as a {@link Completion} of `runId`, or throws a SandboxProtocolError saying what is wrong. */
export function checkCompletion(value: unknown, runId: string): Completion {
  const bad = (what: string): never => {
    throw new SandboxProtocolError(runId, `conclude() returned ${what}`);
  };
  if (!isRecord(value)) return bad('something that is not a completion object');
  if (value.runId !== runId) return bad(`a completion for run ${JSON.stringify(value.runId)}`);
  if (!Array.isArray(value.commands)) return bad('a completion without a commands array');
  value.commands.forEach((command: unknown, i) => {
    const kind = isRecord(command) ? command.kind : undefined;
    const check =
      typeof kind === 'string' && Object.hasOwn(COMMAND_CHECKS, kind) ? COMMAND_CHECKS[kind] : undefined;
    if (check === undefined) bad(`commands[${i}] with an unknown kind ${JSON.stringify(kind)}`);
    if (
      !check!(command) ||
      ((command as { stack?: unknown }).stack !== undefined && !str((command as { stack?: unknown }).stack))
    ) {
      bad(`a malformed ${String(kind)} command at commands[${i}]`);
    }
  });
  if (!Array.isArray(value.queryResults) || !value.queryResults.every(queryResult))
    bad('malformed queryResults');
  if (!Array.isArray(value.logs) || !value.logs.every(logRecord)) bad('malformed logs');
  const task = value.taskFailure;
  if (task !== undefined && !(failure(task) && str((task as { code?: unknown }).code)))
    bad('a malformed taskFailure');
  return value as unknown as Completion;
}
