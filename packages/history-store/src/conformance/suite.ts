/**
 * The conformance suite every {@link HistoryStore} implementation passes. Run it from a vitest file:
 *
 * @example
 * runStoreConformance('memory', async ({ clock, random }) => ({ store: createMemoryStore({ clock, random }) }));
 */
import { describe } from 'vitest';
import { activityCases } from './activities.ts';
import { useStore } from './context.ts';
import type { StoreFactory } from './helpers.ts';
import { importCases } from './import.ts';
import { requestCases } from './requests.ts';
import { runCases } from './runs.ts';
import { timerAndChildCases } from './timers-children.ts';
import { workflowTaskCases } from './workflow-tasks.ts';

/** Registers the whole conformance suite for one store implementation. */
export function runStoreConformance(name: string, factory: StoreFactory): void {
  describe(`HistoryStore conformance: ${name}`, () => {
    const ctx = useStore(factory);
    runCases(ctx);
    workflowTaskCases(ctx);
    activityCases(ctx);
    timerAndChildCases(ctx);
    requestCases(ctx);
    importCases(ctx);
  });
}
