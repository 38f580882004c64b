// The test environment: real workers on an in-process store with time skipping; activities alone.
export {
  TestClient,
  type TestSignalWithStartOptions,
  type TestStartOptions,
  TestWorkflowHandle,
} from './env/client.ts';
export {
  type TestEnvironmentOptions,
  TestWorkflowEnvironment,
} from './env/environment.ts';
export { BlockedRunError, TestEnvironmentError } from './env/errors.ts';
export {
  defaultMockActivityInfo,
  MockActivityEnvironment,
  type MockActivityEvents,
} from './mock-activity/environment.ts';
// Property-based determinism: arbitraries of the outside world, the three properties, checkDeterminism.
export {
  type ActivityModel,
  type ActivityModelInput,
  type ArrivalPoint,
  activityOutcome,
  activityOutcomes,
  arrivalPoint,
  type CheckDeterminismOptions,
  type ChildModel,
  type ChildModelInput,
  checkDeterminism,
  childOutcomes,
  DeterminismCheckError,
  type DeterminismProperty,
  type DeterminismStats,
  type Disruption,
  disruptions,
  formatSchedule,
  type GeneratedChildOutcome,
  type GeneratedOutcome,
  messages,
  OUTCOME_KINDS,
  type OutcomeKind,
  outcomeScript,
  queryPoints,
  type Schedule,
  type ScheduledQuery,
  type ScheduledSignal,
  type ScheduledUpdate,
  scheduleArbitrary,
  simulationScript,
  spreadMs,
  taskBoundary,
  type WorkflowUnderTest,
} from './property/index.ts';
// The replay gate for CI: histories from files, JSONL, memory or a store, replayed on every core.
export {
  type GateHistoryResult,
  type GateOptions,
  type GateProgress,
  type GateSource,
  type GateStatus,
  type GateTypeSummary,
  type GateVerdict,
  type GivenHistory,
  gateJUnit,
  replayHistories,
  replayHistory,
  type StoreQuery,
} from './replay/index.ts';
