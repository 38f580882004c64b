/** Test helpers for the conformance suite: a manual clock and builders for synthetic completions. */
import type { NewEvent } from '../events/events.ts';
import type { Clock, HistoryStore, WorkflowTask, WorkflowTaskCompletion } from '../store/types.ts';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Makes a store for one test; `dispose` runs after it (drop a schema, close a pool). */
export type StoreFactory = (ctx: { clock: Clock; random: () => number }) => Promise<{
  store: HistoryStore;
  dispose?: () => Promise<void>;
}>;

/** The id `WorkflowTaskCompleted` takes in a completion of `task`. */
export const completedId = (task: WorkflowTask) => task.startedEventId + 1;

/** A completion of `task` with the given command events (ids and times come from the store). */
export function completion(task: WorkflowTask, ...commands: NewEvent[]): WorkflowTaskCompletion {
  return {
    events: [
      { eventType: 'WorkflowTaskStarted', scheduledEventId: task.scheduledEventId, identity: 'worker-1' },
      {
        eventType: 'WorkflowTaskCompleted',
        scheduledEventId: task.scheduledEventId,
        startedEventId: task.startedEventId,
        identity: 'worker-1',
        buildId: 'build-1',
      },
      ...commands,
    ],
    buildId: 'build-1',
  };
}

/** Command event builders, each tied to the task whose completion carries it. */
export const cmd = {
  activity: (
    task: WorkflowTask,
    activityId: string,
    extra: Partial<Extract<NewEvent, { eventType: 'ActivityTaskScheduled' }>> = {},
  ): NewEvent => ({
    eventType: 'ActivityTaskScheduled',
    workflowTaskCompletedEventId: completedId(task),
    activityId,
    activityType: 'charge',
    taskQueue: 'acts',
    input: [activityId],
    ...extra,
  }),
  timer: (task: WorkflowTask, timerId: string, ms: number): NewEvent => ({
    eventType: 'TimerStarted',
    workflowTaskCompletedEventId: completedId(task),
    timerId,
    startToFireTimeoutMs: ms,
  }),
  complete: (task: WorkflowTask, result: unknown): NewEvent => ({
    eventType: 'WorkflowExecutionCompleted',
    workflowTaskCompletedEventId: completedId(task),
    result,
  }),
  fail: (task: WorkflowTask, message: string): NewEvent => ({
    eventType: 'WorkflowExecutionFailed',
    workflowTaskCompletedEventId: completedId(task),
    failure: { message, source: 'ApplicationFailure' },
  }),
};

/** Claims exactly one workflow task on `queue` (fails the test otherwise). */
export async function claimOne(store: HistoryStore, queue = 'wf', leaseMs = 10_000): Promise<WorkflowTask> {
  const tasks = await store.claimWorkflowTasks({ taskQueue: queue, owner: 'worker-1', leaseMs });
  if (tasks.length !== 1) throw new Error(`expected one workflow task on '${queue}', got ${tasks.length}`);
  return tasks[0]!;
}

/** Event types of a run's history, in order. */
export async function types(store: HistoryStore, workflowId: string, runId?: string): Promise<string[]> {
  return (await store.readHistory(workflowId, runId)).map((e) => e.eventType);
}

/** Starts a run with defaults: type `order`, queue `wf`. */
export function start(store: HistoryStore, workflowId: string, extra: Record<string, unknown> = {}) {
  return store.startWorkflow({ workflowId, workflowType: 'order', taskQueue: 'wf', input: [1], ...extra });
}
