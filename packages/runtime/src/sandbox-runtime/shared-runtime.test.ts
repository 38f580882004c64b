/**
 * The runtime modules are evaluated once per context and shared by its runs (compiler/sharing.ts):
 * one run must not be able to change them for another, and each run keeps its own state, including
 * its versioning decisions, when runs take turns.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileWorkflows } from '../compiler/index.ts';
import type { Activation, Job } from '../protocol/activation.ts';
import { createWorkflowSandbox, type WorkflowSandbox } from '../sandbox/index.ts';
import { initializeJob, T0 } from './driver.test-util.ts';

const WORKFLOWS = `
import { ApplicationFailure, CancellationScope, log, patched, sleep, uuid4 } from '@reprise/runtime/workflow';

export async function patcher() {
  const first = patched('p1');
  await sleep(1000);
  return { first, again: patched('p1') };
}

export async function tamper() {
  const env = (globalThis as any).__repriseEnv;
  const attempts: Record<string, () => void> = {
    failurePrototype: () => { (ApplicationFailure.prototype as any).leaked = 1; },
    failureStatic: () => { (ApplicationFailure as any).nonRetryable = () => 'patched'; },
    scopeStatic: () => { (CancellationScope as any).current = () => null; },
    logMethod: () => { (log as any).info = () => undefined; },
    runPrototype: () => { Object.getPrototypeOf(env.current).emit = () => undefined; },
    sharedList: () => { (globalThis as any).__reprise.sharedRuntime.push(1); },
  };
  const out: Record<string, string> = {};
  for (const [name, attempt] of Object.entries(attempts)) {
    try { attempt(); out[name] = 'succeeded'; } catch (e) { out[name] = (e as Error).name; }
  }
  env.current.firingTimers.add(1);
  return out;
}

export async function look() {
  const failure = ApplicationFailure.nonRetryable('m', 'T');
  await sleep(5);
  return [(ApplicationFailure.prototype as any).leaked, failure instanceof ApplicationFailure, typeof CancellationScope.current(), uuid4().length];
}

export async function audit() {
  const seen = new Set<unknown>();
  const queue: unknown[] = [(globalThis as any).__reprise.sharedRuntime];
  let unfrozen = 0;
  let collections = 0;
  const brands = [Map.prototype.has, Set.prototype.has, WeakMap.prototype.has, WeakSet.prototype.has];
  while (queue.length > 0) {
    const item = queue.pop();
    if ((typeof item !== 'object' && typeof item !== 'function') || item === null || seen.has(item)) continue;
    seen.add(item);
    if (!Object.isFrozen(item)) unfrozen++;
    for (const has of brands) {
      try { has.call(item, {}); collections++; } catch {}
    }
    queue.push(Object.getPrototypeOf(item));
    for (const key of Reflect.ownKeys(item)) {
      const desc = Object.getOwnPropertyDescriptor(item, key)!;
      if ('value' in desc) queue.push(desc.value);
      else queue.push(desc.get, desc.set);
    }
  }
  return { objects: seen.size, unfrozen, collections };
}
`;

let dir: string;
let sandbox: WorkflowSandbox;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reprise-shared-runtime-'));
  writeFileSync(join(dir, 'workflows.ts'), WORKFLOWS);
  sandbox = await createWorkflowSandbox(
    await compileWorkflows({ workflowsPath: join(dir, 'workflows.ts') }),
    {
      isolation: 'inline',
    },
  );
});
afterAll(async () => {
  await sandbox?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const activation = (runId: string, jobs: Job[], isReplaying = false): Activation => ({
  runId,
  timestamp: T0,
  isReplaying,
  historyLength: 3,
  jobs,
});

describe('the runtime shared by the runs of one context', () => {
  it('is frozen: nothing reachable from it can be changed or holds a mutable collection', async () => {
    const run = await sandbox.newRun('audit');
    const done = await run.activate(activation('audit', [initializeJob('audit', [], 'audit')]));
    const result = (
      done.commands[0] as { result: { objects: number; unfrozen: number; collections: number } }
    ).result;
    expect(result.objects).toBeGreaterThan(100);
    expect(result).toMatchObject({ unfrozen: 0, collections: 0 });
  });

  it('cannot be patched by one run for the next', async () => {
    const a = await sandbox.newRun('a');
    const tampered = await a.activate(activation('a', [initializeJob('tamper', [], 'a')]));
    const outcome = (tampered.commands[0] as { result: Record<string, string> }).result;
    for (const [name, result] of Object.entries(outcome)) expect([name, result]).toEqual([name, 'TypeError']);

    const b = await sandbox.newRun('b');
    const started = await b.activate(activation('b', [initializeJob('look', [], 'b')]));
    expect(started.commands).toMatchObject([{ kind: 'startTimer', seq: 1, durationMs: 5 }]);
    const done = await b.activate(activation('b', [{ kind: 'fireTimer', seq: 1 }]));
    expect(done.commands[0]).toMatchObject({
      kind: 'completeWorkflow',
      result: [undefined, true, 'object', 36],
    });
  });

  it('keeps each run’s versioning decisions when runs take turns', async () => {
    const live = await sandbox.newRun('live');
    const replaying = await sandbox.newRun('replaying');
    const liveStart = await live.activate(activation('live', [initializeJob('patcher', [], 'live')]));
    const replayStart = await replaying.activate(
      activation('replaying', [initializeJob('patcher', [], 'replaying')], true),
    );
    expect(liveStart.commands.map((c) => c.kind)).toEqual(['recordMarker', 'startTimer']);
    expect(replayStart.commands.map((c) => c.kind)).toEqual(['startTimer']);
    const liveDone = await live.activate(activation('live', [{ kind: 'fireTimer', seq: 1 }]));
    const replayDone = await replaying.activate(
      activation('replaying', [{ kind: 'fireTimer', seq: 1 }], true),
    );
    expect(liveDone.commands).toMatchObject([
      { kind: 'completeWorkflow', result: { first: true, again: true } },
    ]);
    expect(replayDone.commands).toMatchObject([
      { kind: 'completeWorkflow', result: { first: false, again: false } },
    ]);
  });
});
