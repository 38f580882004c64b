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
