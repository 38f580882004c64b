/**
 * Property-based determinism: fast-check arbitraries of the outside world, the determinism
 * properties, and `checkDeterminism`, which ties them together for one workflow.
 */
export {
  activityOutcome,
  activityOutcomes,
  arrivalPoint,
  childOutcomes,
  disruptions,
  messages,
  queryPoints,
  scheduleArbitrary,
  spreadMs,
  taskBoundary,
} from './arbitraries.ts';
export { checkDeterminism } from './check.ts';
export { DeterminismCheckError, formatSchedule } from './report.ts';
export { outcomeScript, simulationScript } from './script.ts';
export type {
  ActivityModel,
  ActivityModelInput,
  ArrivalPoint,
  CheckDeterminismOptions,
  ChildModel,
  ChildModelInput,
  DeterminismProperty,
  DeterminismStats,
  Disruption,
  GeneratedChildOutcome,
  GeneratedOutcome,
  OutcomeKind,
  Schedule,
  ScheduledQuery,
  ScheduledSignal,
  ScheduledUpdate,
  WorkflowUnderTest,
} from './types.ts';
export { OUTCOME_KINDS } from './types.ts';
