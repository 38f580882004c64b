/**
 * The simulator: runs a workflow to its end without a store, against a scripted outside world, and
 * records the history a worker and a store would write. Fixtures, benchmarks and property tests use it.
 */
export { simulateWorkflow } from './sandboxed.ts';
export { type SimulateOptions, SimulationError, simulate } from './simulate.ts';
export type {
  ActivationTarget,
  ActivityCall,
  ActivityOutcomeScript,
  Arrival,
  ChildOutcomeScript,
  SignalScript,
  SimulatedTask,
  SimulationResult,
  SimulationScript,
  SimulationStatus,
  UpdateScript,
} from './types.ts';
