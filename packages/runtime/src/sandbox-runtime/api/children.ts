/**
 * Child workflows and handles to other workflows: start a child and await its result, signal it,
 * or signal/cancel any workflow by id.
 *
 * Sandbox-safe: no Node imports.
 */
import type { Command } from '../../protocol/completion.ts';
import { type Duration, parseDuration } from '../../protocol/duration.ts';
import { mutableRun } from '../current.ts';
import { uuid4From } from '../random.ts';
import type { Run } from '../run.ts';
import type { SignalDefinition } from './handlers.ts';

// biome-ignore lint/suspicious/noExplicitAny: workflow functions take the user's own argument types.
type WorkflowFunction = (...args: any[]) => Promise<unknown>;

/** Options of {@link startChild} and {@link executeChild}. */
export interface ChildWorkflowOptions<Args extends unknown[] = unknown[]> {
  args?: Args;
  /** Default: a UUID drawn from the run's deterministic PRNG. */
  workflowId?: string;
  /** Default: the parent's task queue. */
  taskQueue?: string;
  /** What happens to the child when the parent closes (default `terminate`). */
  parentClosePolicy?: 'terminate' | 'requestCancel' | 'abandon';
  workflowRunTimeout?: Duration;
  workflowExecutionTimeout?: Duration;
}

/** A started child workflow. */
export interface ChildWorkflowHandle<R> {
  readonly workflowId: string;
  /** The run id the child started with. */
  readonly firstExecutionRunId: string;
  /** The child's result; rejects with a `ChildWorkflowFailure` when it failed. */
  result(): Promise<R>;
  /** Signals the child. */
  signal<Args extends unknown[]>(def: SignalDefinition<Args> | string, ...args: Args): Promise<void>;
}

/** A handle to any workflow, by id. */
export interface ExternalWorkflowHandle {
  readonly workflowId: string;
  readonly runId: string | undefined;
  signal<Args extends unknown[]>(def: SignalDefinition<Args> | string, ...args: Args): Promise<void>;
  /** Requests cancellation of that workflow. */
  cancel(): Promise<void>;
}

type ResultOf<F> = F extends (...args: never[]) => Promise<infer R> ? R : unknown;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : unknown[];

/**
 * Starts a child workflow and resolves once it has started.
 * @param workflow the workflow function (its name is the type) or the type name.
 * @example const child = await startChild(shipment, { args: [orderId] }); await child.result();
 */
export function startChild<F extends WorkflowFunction>(
  workflow: F | string,
  options: ChildWorkflowOptions<ArgsOf<F>> = {},
): Promise<ChildWorkflowHandle<ResultOf<F>>> {
  const run = mutableRun('startChild');
  const workflowType = typeof workflow === 'string' ? workflow : workflow.name;
  if (typeof workflowType !== 'string' || workflowType === '') {
    throw new TypeError('startChild: pass a named workflow function or its type name');
  }
  const scope = run.currentScope;
  if (scope.consideredCancelled) return Promise.reject(scope.cancellationReason);
  const seq = run.nextSeq('child');
  const workflowId = options.workflowId ?? uuid4From(run.rng);
  const command: Extract<Command, { kind: 'startChild' }> = {
    kind: 'startChild',
    seq,
    workflowId,
    workflowType,
    args: options.args ?? [],
    parentClosePolicy: options.parentClosePolicy ?? 'terminate',
  };
  if (options.taskQueue !== undefined) command.taskQueue = options.taskQueue;
  if (options.workflowRunTimeout !== undefined) {
    command.workflowRunTimeoutMs = parseDuration(options.workflowRunTimeout, 'startChild workflowRunTimeout');
  }
  if (options.workflowExecutionTimeout !== undefined) {
    command.workflowExecutionTimeoutMs = parseDuration(
      options.workflowExecutionTimeout,
      'startChild workflowExecutionTimeout',
    );
  }
  run.emit(command);

  const started = run.operation<string>(scope);
  const result = run.operation<unknown>(scope);
  // The result is only observed through the handle; an unobserved failure is not an error here.
  result.promise.catch(() => undefined);
  let startedYet = false;
  const detach = scope.onCancel((reason) => {
    run.emit({ kind: 'requestCancelChild', seq });
    // Before it started there is nothing to wait for; after, the child's cancellation resolves it.
    if (!startedYet) {
      run.childStarts.delete(seq);
      run.childResults.delete(seq);
      started.reject(reason);
      result.reject(reason);
    }
  });
  run.childStarts.set(seq, {
    resolve: (runId) => {
      startedYet = true;
      started.resolve(runId);
    },
    reject: (err) => {
      detach();
      started.reject(err);
      result.reject(err);
    },
  });
  run.childResults.set(seq, {
    workflowType,
    workflowId,
    resolve: (value) => {
      detach();
      result.resolve(value);
    },
    reject: (err) => {
      detach();
      result.reject(err);
    },
  });
  return started.promise.then((runId) => ({
    workflowId,
    firstExecutionRunId: runId,
    result: () => result.promise as Promise<ResultOf<F>>,
    signal: (def, ...args) => signalWorkflow(mutableRun('signal'), workflowId, undefined, def, args, true),
  }));
}

/**
 * Starts a child workflow and returns its result.
 * @example const receipt = await executeChild(chargeCard, { args: [order], workflowId: `charge-${order.id}` });
 */
export async function executeChild<F extends WorkflowFunction>(
  workflow: F | string,
  options: ChildWorkflowOptions<ArgsOf<F>> = {},
): Promise<ResultOf<F>> {
  const handle = await startChild(workflow, options);
  return handle.result();
}

/** A handle to signal or cancel another workflow by id (and optionally run id). */
export function getExternalWorkflowHandle(workflowId: string, runId?: string): ExternalWorkflowHandle {
  if (typeof workflowId !== 'string' || workflowId === '') {
    throw new TypeError('getExternalWorkflowHandle: workflowId must be a non-empty string');
  }
  return {
    workflowId,
    runId,
    signal: (def, ...args) => signalWorkflow(mutableRun('signal'), workflowId, runId, def, args, false),
    cancel: () => {
      const run = mutableRun('cancel');
      const scope = run.currentScope;
      if (scope.consideredCancelled) return Promise.reject(scope.cancellationReason);
      const seq = run.nextSeq('cancelExternal');
      const command: Extract<Command, { kind: 'requestCancelExternal' }> = {
        kind: 'requestCancelExternal',
        seq,
        workflowId,
      };
      if (runId !== undefined) command.runId = runId;
      run.emit(command);
      const op = run.operation<void>(scope);
      run.externalCancels.set(seq, op);
      return op.promise;
    },
  };
}

function signalWorkflow(
  run: Run,
  workflowId: string,
  runId: string | undefined,
  def: SignalDefinition<unknown[]> | string,
  args: unknown[],
  childWorkflowOnly: boolean,
): Promise<void> {
  const signalName = typeof def === 'string' ? def : def.name;
  const scope = run.currentScope;
  if (scope.consideredCancelled) return Promise.reject(scope.cancellationReason);
  const seq = run.nextSeq('signalExternal');
  const command: Extract<Command, { kind: 'signalExternal' }> = {
    kind: 'signalExternal',
    seq,
    workflowId,
    signalName,
    args,
    childWorkflowOnly,
  };
  if (runId !== undefined) command.runId = runId;
  run.emit(command);
  const op = run.operation<void>(scope);
  run.externalSignals.set(seq, op);
  return op.promise;
}
