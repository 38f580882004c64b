/**
 * Data that leaves the sandbox: the commands workflow code produced in one activation, plus query
 * answers and update responses. Plain data only.
 *
 * Sandbox-safe: no Node imports.
 */
import type { FailureInfo } from './failure.ts';

/** Resolved activity options: every duration in milliseconds. */
export interface ActivityOptionsMs {
  taskQueue?: string;
  scheduleToCloseTimeoutMs?: number;
  scheduleToStartTimeoutMs?: number;
  startToCloseTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  retry?: {
    initialIntervalMs?: number;
    backoffCoefficient?: number;
    maximumIntervalMs?: number;
    maximumAttempts?: number;
    nonRetryableErrorTypes?: string[];
  };
  /** How cancellation is delivered: wait for the activity to acknowledge, or resolve at once. */
  cancellationType?: 'tryCancel' | 'waitCancellationCompleted' | 'abandon';
}

/** A marker: a decision recorded in history so replay takes the same branch. */
export type MarkerData =
  | { markerName: 'patch'; patchId: string; deprecated: boolean }
  | { markerName: 'version'; changeId: string; version: number }
  | { markerName: 'sideEffect'; id: string; value: unknown };

/** Source location of the workflow code that produced a command (after source mapping). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** The raw stack frame text, before source mapping. */
  frame?: string;
}

/** Fields every command may carry. */
interface CommandBase {
  /**
   * Raw stack trace (bundle coordinates) of the workflow call that produced the command; only with
   * `Activation.captureLocations`. The host maps it through the bundle's source map to a
   * {@link SourceLocation} in the workflow's own TypeScript.
   */
  stack?: string;
}

/** One decision of the workflow code. Order matters: it is the order of the events it becomes. */
export type Command = CommandBase &
  (
    | {
        kind: 'scheduleActivity';
        seq: number;
        activityId: string;
        activityType: string;
        args: unknown[];
        options: ActivityOptionsMs;
      }
    | { kind: 'requestCancelActivity'; seq: number }
    | { kind: 'startTimer'; seq: number; durationMs: number }
    | { kind: 'cancelTimer'; seq: number }
    | { kind: 'recordMarker'; marker: MarkerData }
    | {
        kind: 'startChild';
        seq: number;
        workflowId: string;
        workflowType: string;
        args: unknown[];
        taskQueue?: string;
        parentClosePolicy: 'terminate' | 'requestCancel' | 'abandon';
        workflowRunTimeoutMs?: number;
        workflowExecutionTimeoutMs?: number;
      }
    | { kind: 'requestCancelChild'; seq: number }
    | {
        kind: 'signalExternal';
        seq: number;
        workflowId: string;
        runId?: string;
        signalName: string;
        args: unknown[];
        childWorkflowOnly: boolean;
      }
    | { kind: 'requestCancelExternal'; seq: number; workflowId: string; runId?: string }
    | { kind: 'acceptUpdate'; updateId: string }
    | { kind: 'completeUpdate'; updateId: string; result?: unknown; failure?: FailureInfo }
    | { kind: 'rejectUpdate'; updateId: string; failure: FailureInfo }
    | { kind: 'completeWorkflow'; result: unknown }
    | { kind: 'failWorkflow'; failure: FailureInfo }
    | { kind: 'cancelWorkflow' }
    | {
        kind: 'continueAsNew';
        workflowType: string;
        args: unknown[];
        taskQueue?: string;
        workflowRunTimeoutMs?: number;
      }
  );

/** Kind names of every command. */
export type CommandKind = Command['kind'];

/** The answer to one query job. */
export interface QueryResult {
  queryId: string;
  result?: unknown;
  failure?: FailureInfo;
}

/** A log line written by workflow code (`log.*` or `console.*`). Never produced during replay. */
export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** Workflow time of the activation that wrote it. */
  timestamp: number;
  attributes?: Record<string, unknown>;
}

/** What one activation produced. */
export interface Completion {
  runId: string;
  commands: Command[];
  queryResults: QueryResult[];
  logs: LogRecord[];
  /**
   * Set when the activation itself failed (a bug or a determinism violation in workflow code, not a
   * workflow failure): the workflow task fails, nothing is recorded, and it is retried.
   */
  taskFailure?: FailureInfo & { code: string };
}
