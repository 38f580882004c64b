/**
 * Signals, queries and updates: how the outside world talks to a running workflow.
 *
 * Sandbox-safe: no Node imports.
 */
import { activeRun } from '../current.ts';
import { flushBufferedSignals, flushBufferedUpdates } from '../handlers.ts';

/** A signal: a one-way message that changes workflow state. Recorded in history. */
export interface SignalDefinition<Args extends unknown[] = [], Name extends string = string> {
  type: 'signal';
  name: Name;
  /** Phantom field carrying the argument types; never set. */
  readonly __args?: Args;
}

/** A query: a read-only question answered from workflow state. Never recorded. */
export interface QueryDefinition<Ret, Args extends unknown[] = [], Name extends string = string> {
  type: 'query';
  name: Name;
  readonly __args?: Args;
  readonly __ret?: Ret;
}

/** An update: a request that may change state and returns a result. Recorded in history. */
export interface UpdateDefinition<Ret, Args extends unknown[] = [], Name extends string = string> {
  type: 'update';
  name: Name;
  readonly __args?: Args;
  readonly __ret?: Ret;
}

/** Defines a signal by name. @example export const approve = defineSignal<[string]>('approve'); */
export function defineSignal<Args extends unknown[] = [], Name extends string = string>(
  name: Name,
): SignalDefinition<Args, Name> {
  return { type: 'signal', name: checkName('defineSignal', name) };
}

/** Defines a query by name. @example export const status = defineQuery<string>('status'); */
export function defineQuery<Ret, Args extends unknown[] = [], Name extends string = string>(
  name: Name,
): QueryDefinition<Ret, Args, Name> {
  return { type: 'query', name: checkName('defineQuery', name) };
}

/** Defines an update by name. @example export const setLimit = defineUpdate<number, [number]>('setLimit'); */
export function defineUpdate<Ret, Args extends unknown[] = [], Name extends string = string>(
  name: Name,
): UpdateDefinition<Ret, Args, Name> {
  return { type: 'update', name: checkName('defineUpdate', name) };
}

/** Options of an update handler. */
export interface UpdateHandlerOptions<Args extends unknown[]> {
  /**
   * Runs before the handler, read-only; throwing rejects the update (nothing else is recorded).
   * Returning normally accepts it.
   */
  validator?: (...args: Args) => void;
}

/**
 * Registers (or with `undefined`, removes) the handler of a signal, query or update.
 *
 * Signals received before their handler was set are delivered to it now, in arrival order. Query
 * handlers must be synchronous and read-only: calls that would change the run (activities, timers,
 * `Math.random`, ...) throw inside them. Update handlers may be async; their validator runs first.
 * @example
 * setHandler(approve, (who) => { approvedBy = who; });
 * setHandler(status, () => currentStatus);
 */
export function setHandler<Args extends unknown[], Name extends string>(
  def: SignalDefinition<Args, Name>,
  handler: ((...args: Args) => void | Promise<void>) | undefined,
): void;
export function setHandler<Ret, Args extends unknown[], Name extends string>(
  def: QueryDefinition<Ret, Args, Name>,
  handler: ((...args: Args) => Ret) | undefined,
): void;
export function setHandler<Ret, Args extends unknown[], Name extends string>(
  def: UpdateDefinition<Ret, Args, Name>,
  handler: ((...args: Args) => Ret | Promise<Ret>) | undefined,
  options?: UpdateHandlerOptions<Args>,
): void;
export function setHandler(
  def:
    | SignalDefinition<unknown[]>
    | QueryDefinition<unknown, unknown[]>
    | UpdateDefinition<unknown, unknown[]>,
  handler: ((...args: never[]) => unknown) | undefined,
  options?: UpdateHandlerOptions<never[]>,
): void {
  const run = activeRun('setHandler');
  if (handler !== undefined && typeof handler !== 'function') {
    throw new TypeError(
      `setHandler(${JSON.stringify(def?.name)}): the handler must be a function or undefined`,
    );
  }
  switch (def?.type) {
    case 'signal':
      if (handler === undefined) run.signalHandlers.delete(def.name);
      else {
        run.signalHandlers.set(def.name, handler);
        flushBufferedSignals(run, def.name);
      }
      return;
    case 'query':
      if (handler === undefined) run.queryHandlers.delete(def.name);
      else run.queryHandlers.set(def.name, handler);
      return;
    case 'update':
      if (handler === undefined) run.updateHandlers.delete(def.name);
      else {
        run.updateHandlers.set(def.name, { handler, validator: options?.validator });
        flushBufferedUpdates(run, def.name);
      }
      return;
    default:
      throw new TypeError(
        'setHandler: the first argument must come from defineSignal, defineQuery or defineUpdate',
      );
  }
}

function checkName<Name extends string>(api: string, name: Name): Name {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`${api}: the name must be a non-empty string (it is recorded in history)`);
  }
  return name;
}
