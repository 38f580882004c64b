import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWorkflowsSync } from './index.ts';
import { moduleSharing } from './sharing.ts';

const ORDER = join(import.meta.dirname, '../../../../fixtures/workflows/order.ts');

/** A graph of module ids; `deps` by id, turned into indices. */
function graph(
  ids: string[],
  deps: Record<string, string[]>,
  instance = 'reprise:runtime/sandbox-runtime/instance.ts',
) {
  const modules = ids.map((id) => ({
    id,
    deps: Object.fromEntries((deps[id] ?? []).map((d) => [d, ids.indexOf(d)])),
  }));
  return { modules, prelude: ids.indexOf('reprise:runtime/prelude.ts'), instance: ids.indexOf(instance) };
}

const IDS = [
  'reprise:runtime/prelude.ts',
  'reprise:runtime/sandbox-runtime/instance.ts',
  'src/workflows.ts',
  'reprise:runtime/globals/date.ts',
  'reprise:runtime/protocol/bundle.ts',
  'reprise:runtime/run.ts',
  'reprise:runtime/workflow.ts',
  'reprise:versioning/index.ts',
  'src/helper.ts',
  'node_modules/lib@1.0.0/index.js',
];
const DEPS: Record<string, string[]> = {
  'reprise:runtime/prelude.ts': ['reprise:runtime/globals/date.ts', 'reprise:runtime/protocol/bundle.ts'],
  'reprise:runtime/sandbox-runtime/instance.ts': [
    'reprise:runtime/run.ts',
    'reprise:runtime/protocol/bundle.ts',
  ],
  'src/workflows.ts': ['reprise:runtime/workflow.ts', 'src/helper.ts', 'node_modules/lib@1.0.0/index.js'],
  'reprise:runtime/workflow.ts': ['reprise:runtime/run.ts', 'reprise:versioning/index.ts'],
};
const of = (g: ReturnType<typeof graph>, sharing: number[]) =>
  Object.fromEntries(g.modules.map((m, i) => [m.id, sharing[i]]));

describe('module sharing', () => {
  it('shares the runtime, keeps the prelude’s modules to the prelude, and evaluates workflow code per run', () => {
    const g = graph(IDS, DEPS);
    expect(of(g, moduleSharing(g))).toEqual({
      'reprise:runtime/prelude.ts': 1,
      'reprise:runtime/globals/date.ts': 1,
      'reprise:runtime/protocol/bundle.ts': 1,
      'reprise:runtime/sandbox-runtime/instance.ts': 2,
      'reprise:runtime/run.ts': 2,
      'reprise:runtime/workflow.ts': 2,
      'reprise:versioning/index.ts': 2,
      'src/workflows.ts': 0,
      'src/helper.ts': 0,
      'node_modules/lib@1.0.0/index.js': 0,
    });
  });

  it('evaluates per run a custom run-instance module, even inside the runtime’s source tree', () => {
    const ids = [...IDS, 'reprise:runtime/test/instance.ts'];
    const g = graph(
      ids,
      { ...DEPS, 'reprise:runtime/test/instance.ts': ['reprise:runtime/run.ts'] },
      'reprise:runtime/test/instance.ts',
    );
    const sharing = of(g, moduleSharing(g));
    expect(sharing['reprise:runtime/test/instance.ts']).toBe(0);
    expect(sharing['reprise:runtime/run.ts']).toBe(2);
    expect(sharing['reprise:runtime/sandbox-runtime/instance.ts']).toBe(0);
  });

  it('evaluates per run a workflow that lives inside the runtime’s source tree', () => {
    const ids = IDS.map((id) => (id.startsWith('src/') ? `reprise:runtime/sandbox/.tmp/${id}` : id));
    const deps = Object.fromEntries(
      Object.entries(DEPS).map(([k, v]) => [
        k.startsWith('src/') ? `reprise:runtime/sandbox/.tmp/${k}` : k,
        v.map((d) => (d.startsWith('src/') ? `reprise:runtime/sandbox/.tmp/${d}` : d)),
      ]),
    );
    const g = graph(ids, deps);
    const sharing = of(g, moduleSharing(g));
    expect(sharing['reprise:runtime/sandbox/.tmp/src/workflows.ts']).toBe(0);
    expect(sharing['reprise:runtime/sandbox/.tmp/src/helper.ts']).toBe(0);
    expect(sharing['reprise:runtime/run.ts']).toBe(2);
  });

  it('evaluates per run a module with per-run state and everything that requires it, through cycles', () => {
    const g = graph(IDS, {
      ...DEPS,
      'reprise:runtime/run.ts': ['reprise:versioning/index.ts'],
      'reprise:versioning/index.ts': ['reprise:runtime/run.ts'],
    });
    const sharing = of(g, moduleSharing(g, new Set(['reprise:versioning/index.ts'])));
    expect(sharing).toMatchObject({
      'reprise:versioning/index.ts': 0,
      'reprise:runtime/run.ts': 0,
      'reprise:runtime/sandbox-runtime/instance.ts': 0,
      'reprise:runtime/workflow.ts': 0,
      'reprise:runtime/protocol/bundle.ts': 1,
    });
  });

  it('evaluates per run the packages the runtime imports, and the runtime modules that import them', () => {
    const ids = [...IDS, 'reprise:deps/tiny@2.0.0/index.js'];
    const g = graph(ids, { ...DEPS, 'reprise:runtime/run.ts': ['reprise:deps/tiny@2.0.0/index.js'] });
    const sharing = of(g, moduleSharing(g));
    expect(sharing['reprise:deps/tiny@2.0.0/index.js']).toBe(0);
    expect(sharing['reprise:runtime/run.ts']).toBe(0);
    expect(sharing['reprise:runtime/globals/date.ts']).toBe(1);
  });

  it('leaves only the workflow modules per run in the order workflow’s bundle', () => {
    const bundle = compileWorkflowsSync({ workflowsPath: ORDER, cache: false });
    const flags = JSON.parse(/^var shared = (\[[0-2,]*\]);$/m.exec(bundle.code)![1]!) as number[];
    expect(bundle.modules.filter((_, i) => flags[i] === 0)).toEqual(['fixtures/workflows/order.ts']);
    expect(bundle.modules.filter((_, i) => flags[i] === 2)).toEqual(
      expect.arrayContaining([
        'reprise:runtime/sandbox-runtime/instance.ts',
        'reprise:runtime/sandbox-runtime/run.ts',
        'reprise:runtime/workflow.ts',
        'reprise:versioning/state.ts',
      ]),
    );
  });

  it('shares no runtime module with module-level mutable state other than the reviewed ones', () => {
    // Each entry says why the binding is safe to share: it is reset whenever a run starts executing,
    // or it keeps runs apart by a key that only one run holds.
    const reviewed: Record<string, string[]> = {
      // The executing run: set by the run instance at every entry, cleared at every exit.
      'reprise:runtime/sandbox-runtime/current.ts': ['let active'],
      // The bound host (re-bound at every entry) and each run's decisions, keyed by its own host.
      'reprise:versioning/state.ts': ['let host', 'let decisions', 'new WeakMap'],
    };
    const bundle = compileWorkflowsSync({ workflowsPath: ORDER, cache: false });
    const flags = JSON.parse(/^var shared = (\[[0-2,]*\]);$/m.exec(bundle.code)![1]!) as number[];
    const found: Record<string, string[]> = {};
    bundle.sourceMap.sections.forEach((section, index) => {
      if (flags[index] !== 2) return;
      const source = section.map.sourcesContent?.[0] ?? '';
      const hits = [
        ...Array.from(source.matchAll(/^(?:export )?(let|var) (\w+)/gm), (m) => `${m[1]} ${m[2]}`),
        ...Array.from(
          source.matchAll(/^(?:export )?const \w+[^=\n]*= new (Map|Set|WeakMap|WeakSet)\b/gm),
          (m) => `new ${m[1]}`,
        ),
      ];
      if (hits.length > 0) found[section.map.sources[0]!] = hits;
    });
    expect(found).toEqual(reviewed);
  });
});
