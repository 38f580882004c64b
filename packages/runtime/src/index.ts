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
