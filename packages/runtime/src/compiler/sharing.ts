/**
 * Which modules of a bundle one context evaluates once and shares between runs, and which every run
 * evaluates afresh.
 *
 * Re-evaluating Reprise's own sandbox runtime (~35 modules: run state, jobs, the workflow API,
 * failures, versioning) for every run cost most of a replay's time and most of an idle run's heap.
 * Those modules hold no run's state in module scope (a run's state lives in its `Run` object and its
 * run instance), so the bundle evaluates them once, before the host locks the context down, and
 * every run links to the same copies. Evaluated per run, as before:
 *
 * - the workflow modules and the packages they import, wherever they live (even inside the
 *   runtime's own source tree, as test workflows do), because module-level state in workflow code
 *   must never leak from one run into another;
 * - runtime modules listed in {@link PER_RUN_STATE}, and packages the runtime imports (nobody here
 *   reviewed their module state);
 * - every module that requires a per-run module, so a shared module never holds one run's copy.
 *
 * Shared modules must not be patchable by one run for the next: the bundle makes their exported
 * values reachable from `globalThis.__reprise` (see emit.ts), so the host's lockdown, which freezes
 * everything reachable from `globalThis`, freezes them too. The prelude's own modules (the
 * deterministic globals) are context-wide by design and already reachable through the globals.
 */
import type { Graph, GraphModule } from './graph.ts';

/**
 * How a module is evaluated: `0` afresh for every run; `1` once per context, as part of the prelude
 * (reachable through the globals it installs); `2` once per context, its exports handed to the
 * lockdown. Numbers because the bundle's loader reads them.
 */
export type ModuleSharing = 0 | 1 | 2;

/**
 * Runtime modules (by id) whose module scope holds one run's state, so they (and every module that
 * requires them) are evaluated per run. Empty today: run state lives in the `Run` object and the run
 * instance, and `@reprise/versioning` keeps each run's decisions with the run's host. A runtime
 * module that needs module-level state for one run must be listed here.
 */
export const PER_RUN_STATE: ReadonlySet<string> = new Set<string>();

/** Where workflow code enters the runtime: what `@reprise/runtime/workflow` and `@reprise/versioning` resolve to. */
const API_MODULES: readonly string[] = ['reprise:runtime/workflow.ts', 'reprise:versioning/index.ts'];

/** The runtime's own run-instance module; a custom one (`instancePath`) is evaluated per run. */
const RUNTIME_INSTANCE = 'reprise:runtime/sandbox-runtime/instance.ts';

/** True when a module id names a source file of Reprise's own runtime or versioning package. */
export function isRuntimeSource(id: string): boolean {
  return id.startsWith('reprise:runtime/') || id.startsWith('reprise:versioning/');
}

/**
 * How each module of the graph (by index) is evaluated. The runtime is what the prelude, the
 * runtime's run-instance module and the two API modules reach: runtime modules never import workflow code (the
 * run instance is handed the workflows' exports), so workflow files stay out of it even when they
 * live inside the runtime's source tree.
 */
export function moduleSharing(
  graph: Pick<Graph, 'prelude' | 'instance'> & { modules: readonly Pick<GraphModule, 'id' | 'deps'>[] },
  perRunState: ReadonlySet<string> = PER_RUN_STATE,
): ModuleSharing[] {
  const { modules } = graph;
  const reach = (roots: number[]): Set<number> => {
    const seen = new Set<number>();
    while (roots.length > 0) {
      const index = roots.pop()!;
      if (seen.has(index)) continue;
      seen.add(index);
      roots.push(...Object.values(modules[index]!.deps));
    }
    return seen;
  };
  const prelude = reach([graph.prelude]);
  const api = modules.flatMap((m, index) => (API_MODULES.includes(m.id) ? [index] : []));
  const instance = modules[graph.instance]?.id === RUNTIME_INSTANCE ? [graph.instance] : [];
  const runtime = reach([graph.prelude, ...instance, ...api]);
  const shared = modules.map(
    (m, index) => runtime.has(index) && isRuntimeSource(m.id) && !perRunState.has(m.id),
  );
  // A module that requires a per-run module is per-run too; repeat until nothing changes (cycles).
  for (let changed = true; changed; ) {
    changed = false;
    modules.forEach((mod, index) => {
      if (shared[index] && Object.values(mod.deps).some((dep) => !shared[dep])) {
        shared[index] = false;
        changed = true;
      }
    });
  }
  return shared.map((flag, index) => (!flag ? 0 : prelude.has(index) ? 1 : 2));
}
