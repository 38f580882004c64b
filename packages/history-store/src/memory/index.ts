import { TxHistoryStore } from '../store/tx-store.ts';
import type { Clock, HistoryStore } from '../store/types.ts';
import { MemoryBackend } from './backend.ts';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Time source; `Date.now` by default. Tests pass a manual clock to skip time. */
  clock?: Clock;
  /** Source of retry jitter in [0, 1). */
  random?: () => number;
}

/**
 * A {@link HistoryStore} held in memory: the same semantics as the Postgres store, nothing durable.
 * For tests and the test environment.
 *
 * @example
 * const store = createMemoryStore();
 * await store.init();
 * await store.startWorkflow({ workflowId: 'order-1', workflowType: 'order', taskQueue: 'q', input: [] });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): HistoryStore {
  const backend = new MemoryBackend(options.clock ?? { now: () => Date.now() });
  return new TxHistoryStore(backend, options.random ? { random: options.random } : {});
}
