import { join } from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { BundleGlobal } from '../protocol/bundle.ts';
import { compileWorkflowsSync, type WorkflowBundle } from './index.ts';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/compiler');

function compileCase(name: string, instance = true): WorkflowBundle {
  return compileWorkflowsSync({
    workflowsPath: join(FIXTURES, name, 'index.ts'),
    root: FIXTURES,
    ...(instance ? { instancePath: join(FIXTURES, '_support/instance.ts') } : {}),
    cache: false,
  });
}

/** Evaluates a bundle in a fresh plain V8 context, as the sandbox does in an isolate. */
function load(bundle: WorkflowBundle): { context: vm.Context; reprise: BundleGlobal } {
  const context = vm.createContext({});
  vm.runInContext(bundle.code, context, { filename: 'bundle.js' });
  return { context, reprise: context.__reprise as BundleGlobal };
}

type TestRun = { activate(a: unknown): void; conclude(): { activations: number; result: unknown } };
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('bundle contract', () => {
  const bundle = compileCase('basic');

  it('defines __reprise with the build id and the entry’s workflow functions', () => {
    const { context, reprise } = load(bundle);
    expect(reprise.buildId).toBe(bundle.buildId);
    expect(reprise.workflowTypes()).toEqual(['fail', 'order', 'refund']);
    expect(Object.isFrozen(reprise)).toBe(true);
    vm.runInContext('__reprise = 1', context);
    expect(vm.runInContext('__reprise', context)).toBe(reprise);
  });

  it('gives every instantiate() its own module state; the prelude runs once', async () => {
    const { context, reprise } = load(bundle);
    const env = vm.runInContext('globalThis.__repriseEnv', context);
    expect(env).toBeDefined();
    const first = reprise.instantiate() as unknown as TestRun;
    first.activate({ workflowType: 'order', args: [1] });
    first.activate({ workflowType: 'order', args: [1] });
    await tick();
    const second = reprise.instantiate() as unknown as TestRun;
    second.activate({ workflowType: 'order', args: [1] });
    await tick();
    // order() counts calls in a module-level variable: 2 in the first run, 1 in the second.
    expect(first.conclude()).toEqual({ activations: 2, result: 'total 5 #2' });
    expect(second.conclude()).toEqual({ activations: 1, result: 'total 5 #1' });
    expect(vm.runInContext('globalThis.__repriseEnv', context)).toBe(env);
  });

  it('runs ESM and CommonJS packages from node_modules', async () => {
    const { reprise } = load(compileCase('node-modules'));
    const run = reprise.instantiate() as unknown as TestRun;
    run.activate({ workflowType: 'hello', args: ['ada'] });
    await tick();
    expect(run.conclude().result).toBe('HELLO ADA! (cjs)');
  });

  it('by default requires the sandbox runtime’s own run instance', () => {
    const production = compileCase('basic', false);
    expect(production.modules.slice(0, 2)).toEqual([
      'reprise:runtime/sandbox-runtime/prelude.ts',
      'reprise:runtime/sandbox-runtime/instance.ts',
    ]);
    const { reprise } = load(production);
    const run = reprise.instantiate();
    expect(typeof run.activate).toBe('function');
    expect(typeof run.conclude).toBe('function');
  });
});
