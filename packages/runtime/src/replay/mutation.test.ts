/**
 * Mutation tests: each sample workflow is copied into a temporary folder and changed in one of the
 * ways that break replay; its committed history must then fail at the exact diverging event, and the
 * error must name the source line of the command the changed code produced.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHistoryFile } from '@reprise/history-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileWorkflows } from '../compiler/index.ts';
import { createWorkflowSandbox } from '../sandbox/index.ts';
import { simulateWorkflow } from '../simulator/index.ts';
import { isNondeterminismError, type NondeterminismError } from '../state-machine/index.ts';
import { replayHistory } from './index.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reprise-mutation-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Mutation {
  name: string;
  file: 'order.ts' | 'saga.ts';
  history: string;
  change: (source: string) => string;
  /** The first diverging event id. */
  eventId: number;
  divergence: NondeterminismError['details']['divergence'];
  field?: string;
  /** Text on the line the error must point at (in the changed file); undefined: no call site exists. */
  lineOf: string | undefined;
}

/** Replaces exactly one occurrence, so a drifting sample fails loudly instead of testing nothing. */
function replaceOnce(source: string, from: string, to: string): string {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + 1) >= 0)
    throw new Error(`expected exactly one '${from}' in the sample`);
  return source.slice(0, at) + to + source.slice(at + from.length);
}

function lineNumber(source: string, text: string): number {
  const at = source.indexOf(text);
  if (at < 0) throw new Error(`'${text}' not in the changed source`);
  return source.slice(0, at).split('\n').length;
}

/** Copies the samples, applies one change, and returns the changed file's path and text. */
async function mutate(name: string, file: string, change: (s: string) => string): Promise<[string, string]> {
  const target = join(dir, name.replaceAll(/\W+/g, '-'));
  await cp(join(root, 'fixtures/workflows'), target, { recursive: true });
  const path = join(target, file);
  const changed = change(await readFile(path, 'utf8'));
  await writeFile(path, changed);
  return [path, changed];
}

async function divergence(path: string, historyFile: string): Promise<NondeterminismError> {
  const history = await readHistoryFile(join(root, 'fixtures/histories', historyFile));
  const result = await replayHistory({ workflowsPath: path }, history);
  if (result.ok) throw new Error('the changed workflow replayed; the mutation is not detected');
  if (!isNondeterminismError(result.error)) throw result.error;
  return result.error;
}

const mutations: Mutation[] = [
  {
    name: 'renamed activity',
    file: 'order.ts',
    history: 'order/approved.json',
    change: (s) =>
      replaceOnce(
        s,
        'await chargePayment(order.orderId, order.amountCents)',
        'await refund(order.orderId, String(order.amountCents))',
      ),
    eventId: 11,
    divergence: 'mismatch',
    field: 'activityType',
    lineOf: 'await refund(order.orderId, String(order.amountCents))',
  },
  {
    name: 'added activity',
    file: 'order.ts',
    history: 'order/approved.json',
    change: (s) =>
      replaceOnce(
        s,
        "  status = 'charging';\n",
        "  status = 'charging';\n  await refund(order.orderId, 'precheck');\n",
      ),
    eventId: 11,
    divergence: 'mismatch',
    field: 'activityType',
    lineOf: "await refund(order.orderId, 'precheck')",
  },
  {
    name: 'removed activity',
    file: 'order.ts',
    history: 'order/approved.json',
    change: (s) =>
      replaceOnce(
        s,
        'const inventory = await checkInventory(order);',
        "const inventory = { ok: true, reason: 'skipped' };",
      ),
    eventId: 5,
    divergence: 'mismatch',
    field: 'activityType',
    lineOf: 'await chargePayment(order.orderId, order.amountCents)',
  },
  {
    name: 'reordered activities',
    file: 'saga.ts',
    history: 'saga/booked.json',
    change: (s) => {
      const hotel = '    const hotelBooking = await bookHotel(trip.tripId, trip.hotel);\n';
      const flight = '    const flightBooking = await bookFlight(trip.tripId, trip.flight);\n';
      return replaceOnce(replaceOnce(s, hotel, ''), flight, hotel + flight);
    },
    eventId: 5,
    divergence: 'mismatch',
    field: 'activityType',
    lineOf: 'await bookHotel(trip.tripId, trip.hotel)',
  },
  {
    name: 'changed timer duration',
    file: 'order.ts',
    history: 'order/approved.json',
    change: (s) => replaceOnce(s, "await sleep('1 hour');", "await sleep('2 hours');"),
    eventId: 17,
    divergence: 'mismatch',
    field: 'durationMs',
    lineOf: "await sleep('2 hours')",
  },
  {
    name: 'a new branch emitting a different command',
    file: 'order.ts',
    history: 'order/approved.json',
    change: (s) =>
      replaceOnce(
        s,
        "  await sleep('1 hour');\n",
        "  if (order.amountCents > 1000) {\n    await fulfil(order.orderId, 'express');\n  } else {\n    await sleep('1 hour');\n  }\n",
      ),
    eventId: 17,
    divergence: 'mismatch',
    field: 'kind',
    lineOf: "await fulfil(order.orderId, 'express')",
  },
  {
    name: 'code that ends early',
    file: 'order.ts',
    history: 'order/approved.json',
    change: (s) =>
      replaceOnce(
        s,
        "  status = 'cooling-off';\n",
        "  status = 'cooling-off';\n  if (order.amountCents > 0) return { status: 'rejected', orderId: order.orderId, reason: 'early' };\n",
      ),
    eventId: 17,
    divergence: 'mismatch',
    field: 'kind',
    // A workflow's completion is produced by the runtime when its promise settles: there is no call site.
    lineOf: undefined,
  },
  {
    name: 'code that runs past the end of a completed history',
    file: 'order.ts',
    history: 'order/approved.json',
    change: (s) => replaceOnce(s, "  status = 'done';\n", "  await sleep('1 minute');\n  status = 'done';\n"),
    eventId: 34,
    divergence: 'mismatch',
    field: 'kind',
    lineOf: "await sleep('1 minute')",
  },
];

describe('a changed sample workflow fails replay at the exact event and line', () => {
  for (const m of mutations) {
    it(m.name, async () => {
      const [path, changed] = await mutate(m.name, m.file, m.change);
      const err = await divergence(path, m.history);
      expect(err.details).toMatchObject({
        eventId: m.eventId,
        divergence: m.divergence,
        ...(m.field ? { field: m.field } : {}),
      });
      expect(err.recordedEvent?.eventId).toBe(m.eventId);
      if (m.lineOf === undefined) {
        expect(err.location).toBeUndefined();
      } else {
        expect(err.location?.file).toMatch(new RegExp(`${m.file.replace('.', '\\.')}$`));
        expect(err.location?.line).toBe(lineNumber(changed, m.lineOf));
        expect(err.message).toContain(`${m.file}:${lineNumber(changed, m.lineOf)}:`);
      }
      expect(err.message).toMatch(/- history: \d+ \w+/);
      expect(err.message).toContain('+ code:');
    });
  }

  it('a renamed patch id is a marker mismatch at the recorded marker', async () => {
    const guarded = (id: string) => (s: string) =>
      replaceOnce(
        replaceOnce(s, '  proxyActivities,\n', '  patched,\n  proxyActivities,\n'),
        "  status = 'charging';\n",
        `  status = 'charging';\n  if (patched('${id}')) await refund(order.orderId, 'audit');\n`,
      );
    const [v1] = await mutate('patch-v1', 'order.ts', guarded('audit'));
    const bundle = await compileWorkflows({ workflowsPath: v1 });
    const sandbox = await createWorkflowSandbox(bundle, { isolation: 'inline' });
    const order = { orderId: 'o-1', amountCents: 100, items: [] };
    const recorded = await simulateWorkflow(sandbox, {
      workflowType: 'orderWorkflow',
      args: [order],
      activities: { checkInventory: { status: 'completed', result: { ok: true, reserved: 1 } } },
      signals: [{ name: 'approve', args: ['ana'], atMs: 7_200_000 }],
    }).finally(() => sandbox.dispose());
    const marker = recorded.events.find((e) => e.eventType === 'MarkerRecorded');
    expect(marker).toBeDefined();
    expect((await replayHistory({ bundle }, recorded.events)).ok).toBe(true);

    const [v2, changed] = await mutate('patch-v2', 'order.ts', guarded('audit-v2'));
    const result = await replayHistory({ workflowsPath: v2 }, recorded.events);
    if (result.ok || !isNondeterminismError(result.error)) throw new Error('expected a nondeterminism error');
    expect(result.error.details).toMatchObject({
      eventId: marker?.eventId,
      divergence: 'mismatch',
      field: 'kind',
    });
    expect(result.error.command).toMatchObject({ kind: 'scheduleActivity', activityType: 'chargePayment' });
    expect(result.error.location?.line).toBe(lineNumber(changed, 'await chargePayment('));
    expect(result.error.hint).toMatch(/patched\(\)\/getVersion\(\)/);
  });
});
