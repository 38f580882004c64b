import { afterEach, beforeEach } from 'vitest';
import type { HistoryStore } from '../store/types.ts';
import { ManualClock, type StoreFactory } from './helpers.ts';

/** What each conformance test gets: a fresh store on a manual clock. */
export interface ConformanceContext {
  store: HistoryStore;
  clock: ManualClock;
}

/** Registers hooks that give every test a fresh store; call inside a `describe`. */
export function useStore(factory: StoreFactory): () => ConformanceContext {
  let ctx: ConformanceContext | undefined;
  let dispose: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const clock = new ManualClock();
    // Fixed jitter: retry times are deterministic, at the low end of the jitter range.
    const made = await factory({ clock, random: () => 0.5 });
    await made.store.init();
    ctx = { store: made.store, clock };
    dispose = made.dispose;
  });
  afterEach(async () => {
    await ctx?.store.close();
    await dispose?.();
    ctx = undefined;
  });
  return () => {
    if (!ctx) throw new Error('conformance context used outside a test');
    return ctx;
  };
}
