/**
 * Runs share one context for speed; nothing one run does may be visible to another.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compileWorkflows } from '../compiler/index.ts';
import { initializeJob } from '../sandbox-runtime/driver.test-util.ts';
import { createWorkflowSandbox, type WorkflowSandbox } from './index.ts';
import { initialize, signal, testActivation, testBundle } from './test-bundle.ts';

const open: WorkflowSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
});

/** Attempts to leave state behind for the next run; each entry reports what happened. */
const LEAK_ATTEMPTS = `
  'use strict'; // as compiled workflow modules are
  const attempts = {
    globalWrite: () => { globalThis.leaked = 1; },
    globalDefine: () => { Object.defineProperty(globalThis, 'leaked2', { value: 1 }); },
    objectProto: () => { Object.prototype.leaked = 1; },
    arrayPush: () => { Array.prototype.push = function () { return 0; }; },
    mathRandom: () => { Math.random = () => 0; },
    dateNow: () => { Date.now = () => 0; },
    jsonStringify: () => { JSON.stringify = () => 'x'; },
    envSlot: () => { globalThis.__repriseEnv.leaked = 1; },
    bundle: () => { globalThis.__reprise.instantiate = null; },
    promiseThen: () => { Promise.prototype.then = null; },
  };
  const out = {};
  for (const [name, attempt] of Object.entries(attempts)) {
    try { attempt(); out[name] = 'succeeded'; } catch (e) { out[name] = e.name; }
  }
  /(secret)/.exec('a secret');
  return out;`;

describe('run isolation in a shared context', () => {
  it('freezes globals and intrinsics, so no attempt to leave state succeeds', async () => {
    const sandbox = await createWorkflowSandbox(
      testBundle({
        onJob: `
          if (job.name === 'leak') emit({ kind: 'completeWorkflow', result: (() => { ${LEAK_ATTEMPTS} })() });
          if (job.name === 'look') emit({ kind: 'completeWorkflow', result: [typeof leaked, ({}).leaked, [].push(1), typeof RegExp.$1, Math.random() !== 0] });`,
      }),
      { isolation: 'inline' },
    );
    open.push(sandbox);
    const a = await sandbox.newRun('a');
    const leak = await a.activate(testActivation('a', [initialize('a'), signal('leak')]));
    const outcome = (leak.commands[0] as { result: Record<string, string> }).result;
    for (const [name, result] of Object.entries(outcome)) expect([name, result]).toEqual([name, 'TypeError']);
    const b = await sandbox.newRun('b');
    const look = await b.activate(testActivation('b', [initialize('b'), signal('look')]));
    expect(look.commands[0]).toMatchObject({ result: ['undefined', undefined, 1, 'undefined', true] });
  });

  it('keeps the override pattern working on frozen prototypes', async () => {
    const sandbox = await createWorkflowSandbox(
      testBundle({
        onJob: `if (job.kind === 'initialize') {
          function MyError(message) { this.message = message; }
          MyError.prototype = Object.create(Error.prototype);
          MyError.prototype.name = 'MyError';
          MyError.prototype.constructor = MyError;
          const o = {}; o.toString = () => 'custom';
          class Point { toString() { return 'point'; } }
          emit({ kind: 'completeWorkflow', result: [new MyError('m').name, String(o), String(new Point()), Error.prototype.name] });
        }`,
      }),
      { isolation: 'inline' },
    );
    open.push(sandbox);
    const run = await sandbox.newRun('r');
    const completion = await run.activate(testActivation('r', [initialize('r')]));
    expect(completion.commands[0]).toMatchObject({ result: ['MyError', 'custom', 'point', 'Error'] });
  });

  describe('with the compiler and the run instance', () => {
    const dir = mkdtempSync(join(import.meta.dirname, '.tmp-isolation-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('gives every run fresh module state', async () => {
      const entry = join(dir, 'counter.ts');
      writeFileSync(
        entry,
        `import { sleep } from '@reprise/runtime/workflow';
         let started = 0;
         const seen: string[] = [];
         export async function counterWorkflow(tag: string): Promise<{ started: number; seen: string[] }> {
           started++;
           seen.push(tag);
           await sleep(1000);
           return { started, seen };
         }`,
      );
      const sandbox = await createWorkflowSandbox(await compileWorkflows({ workflowsPath: entry }), {
        isolation: 'inline',
      });
      open.push(sandbox);
      const results = [];
      for (const runId of ['one', 'two']) {
        const run = await sandbox.newRun(runId);
        const start = await run.activate({
          ...testActivation(runId, [initializeJob('counterWorkflow', [runId], runId)]),
        });
        expect(start.commands).toMatchObject([{ kind: 'startTimer', seq: 1 }]);
        const done = await run.activate(testActivation(runId, [{ kind: 'fireTimer', seq: 1 }]));
        results.push(done.commands[0]);
      }
      expect(results).toEqual([
        { kind: 'completeWorkflow', result: { started: 1, seen: ['one'] } },
        { kind: 'completeWorkflow', result: { started: 1, seen: ['two'] } },
      ]);
    });
  });
});
