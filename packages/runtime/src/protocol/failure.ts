/**
 * The failure shape shared by history and the sandbox. Re-declared (structurally identical to the
 * history store's `FailureInfo`) so sandbox-safe code does not import the store package.
 *
 * Sandbox-safe: no Node imports.
 */
export interface FailureInfo {
  message: string;
  source:
    | 'ApplicationFailure'
    | 'ActivityFailure'
    | 'ChildWorkflowFailure'
    | 'TimeoutFailure'
    | 'CancelledFailure'
    | 'TerminatedFailure'
    | 'ServerFailure';
  type?: string;
  nonRetryable?: boolean;
  stack?: string;
  details?: unknown[];
  timeoutType?: 'startToClose' | 'scheduleToClose' | 'scheduleToStart' | 'heartbeat' | 'run';
  activityType?: string;
  workflowType?: string;
  cause?: FailureInfo;
}
