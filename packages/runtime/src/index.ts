// Activities: the context an activity sees, and the runner for one attempt.
export {
  ActivityCancelledError,
  ActivityContext,
  type ActivityContextHost,
  type ActivityInfo,
  activityContext,
} from './activity/context.ts';
export { toFailureInfo } from './activity/failure.ts';
export {
  type ActivityFunction,
  type ActivityImplementations,
  type AttemptResult,
  type RunActivityOptions,
  runActivityTask,
} from './activity/runner.ts';

// The client (start workflows, reach running ones).
export {
  Client,
  type ClientOptions,
  type SignalWithStartOptions,
  type StartOptions,
  type WorkflowRef,
} from './client/client.ts';
export {
  FailureError,
  WorkflowAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from './client/errors.ts';
export { type MessageRef, type ResultOptions, WorkflowHandle } from './client/handle.ts';

// The workflow compiler (entry file in, one sandbox bundle out).
export {
  CompileError,
  type CompileOptions,
  clearCompileCache,
  compileWorkflows,
  compileWorkflowsSync,
  DisallowedModuleError,
  type ImportLink,
  ModuleNotFoundError,
  type WorkflowBundle,
  WorkflowSyntaxError,
} from './compiler/index.ts';

// Errors.
export { isRepriseError, RepriseError } from './errors.ts';

// The activation protocol (what crosses the sandbox boundary).
export type {
  Activation,
  ActivityOptionsMs,
  Command,
  CommandKind,
  Completion,
  FailureInfo,
  Job,
  LogRecord,
  MarkerData,
  QueryResult,
  SourceLocation,
} from './protocol/index.ts';
// Replay: recorded histories against workflow code, with no side effects.
export {
  type HistoryInput,
  type ReplayBatchResult,
  type ReplayedRun,
  Replayer,
  type ReplayOptions,
  type ReplayResult,
  type ReplaySource,
  replayHistories,
  replayHistory,
  WorkflowTaskFailedError,
} from './replay/index.ts';
// The sandbox (isolated-vm isolates with deterministic globals; activate -> completion).
export {
  createWorkflowSandbox,
  DEFAULT_ACTIVATION_TIMEOUT_MS,
  DEFAULT_MEMORY_LIMIT_MB,
  type RunLostReason,
  SandboxCopyError,
  SandboxCrashedError,
  type SandboxIsolation,
  SandboxMemoryError,
  type SandboxOptions,
  SandboxProtocolError,
  type SandboxRun,
  SandboxRunLostError,
  WorkflowBundleError,
  type WorkflowSandbox,
  WorkflowTaskTimeoutError,
} from './sandbox/index.ts';
// The simulator: a workflow run to its end against a scripted world, recording its history.
export {
  type ActivationTarget,
  type ActivityCall,
  type ActivityOutcomeScript,
  type ChildOutcomeScript,
  type SignalScript,
  type SimulatedTask,
  type SimulateOptions,
  SimulationError,
  type SimulationResult,
  type SimulationScript,
  type SimulationStatus,
  simulate,
  simulateWorkflow,
  type UpdateScript,
} from './simulator/index.ts';
// The workflow state machine (history in, activations out; commands in, events or replay checks out).
export {
  type CommandSummary,
  type CompletionOutcome,
  type DivergenceKind,
  HistoryError,
  hashValue,
  InvalidCommandError,
  isNondeterminismError,
  type LiveTask,
  type NondeterminismDetails,
  NondeterminismError,
  type QueryRequest,
  type ReplayComparison,
  type StateMachineOptions,
  type UpdateRequest,
  WorkflowStateMachine,
} from './state-machine/index.ts';
// The worker (claims tasks, runs workflow tasks in sandboxes and activities on the host).
export { JsonLogger, type LogFields, type Logger, type LogLevel, silentLogger } from './worker/logger.ts';
export {
  type FaultPoint,
  type FaultPointHook,
  type WorkerOptions,
  WorkerOptionsError,
} from './worker/options.ts';
export { Worker, type WorkerState, type WorkerStats } from './worker/worker.ts';
