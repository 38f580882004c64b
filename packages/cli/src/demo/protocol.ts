/** Messages between the demo and its worker child processes (over the Node IPC channel). */

/** How the demo configures one worker child. */
export interface ChildConfig {
  /** Embedded store directory, or a Postgres URL. */
  store: { dataDir: string } | { url: string; schema?: string };
  workflowsPath: string;
  activitiesPath: string;
  taskQueue: string;
  identity: string;
  leaseMs: number;
  /** Export of the activities module that creates the activities (called once), instead of its function exports. */
  activitiesFactory?: string;
  /** The store clock runs this far ahead of real time (time skipped so far by the demo). */
  clockOffsetMs?: number;
  /** Make this attempt of this activity slow, so the parent can kill the worker in the middle of it. */
  slow?: { activityType: string; workflowId: string; attempt: number; ms: number };
  /** Kill this process with SIGKILL the `nth` time the worker reaches `point` (a named fault point). */
  crash?: {
    point: 'workflowTask:beforeComplete' | 'workflowTask:afterComplete' | 'activity:beforeReport';
    nth: number;
  };
  /** Forward the worker's warn and error log lines to the parent. */
  forwardLogs?: boolean;
}

/** Parent to child. */
export type ToChild =
  /** Signal each workflow once `afterTimers` timers have started in its history (it is waiting with a timeout). */
  | {
      type: 'signal-when-waiting';
      workflowIds: string[];
      signal: string;
      args: unknown[];
      afterTimers: number;
    }
  /** Report `timers-started` once every workflow has started `count` timers. */
  | { type: 'wait-for-timers'; workflowIds: string[]; count: number }
  /** Move the store clock forward (time skipping: durable timers and deadlines fall due sooner). */
  | { type: 'skip'; ms: number }
  /** Send a signal now. */
  | { type: 'signal'; workflowId: string; signal: string; args: unknown[] }
  /** Report each workflow when it closes. */
  | { type: 'watch'; workflowIds: string[] }
  | { type: 'shutdown' };

/** Child to parent. */
export type FromChild =
  | { type: 'ready'; pid: number; buildId: string }
  | {
      type: 'activity';
      phase: 'start' | 'end' | 'error';
      activityType: string;
      workflowId: string;
      attempt: number;
      pid: number;
      at: number;
      error?: string;
    }
  | { type: 'signalled'; workflowId: string; signal: string }
  | { type: 'timers-started'; workflowIds: string[] }
  | { type: 'skipped'; ms: number; offsetMs: number }
  | { type: 'closed'; workflowId: string; status: string; result?: unknown; error?: string }
  | { type: 'stopped' }
  | { type: 'log'; level: string; msg: string; fields?: Record<string, unknown> }
  | { type: 'failed'; message: string };
