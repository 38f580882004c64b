/**
 * Property: whatever the outside world does (activity outcomes and latencies, timer firings, signals
 * arriving at any time or during any workflow task), the history a run records replays to the
 * identical command sequence.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowSandbox, type WorkflowSandbox } from '../sandbox/index.ts';
import { type ActivityOutcomeScript, type SimulationScript, simulateWorkflow } from '../simulator/index.ts';
import { Replayer } from './replayer.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
let replayer: Replayer;
let sandbox: WorkflowSandbox;

beforeAll(async () => {
  replayer = await Replayer.create({ workflowsPath: `${root}fixtures/workflows/index.ts` });
  sandbox = await createWorkflowSandbox(replayer.bundle, { isolation: 'inline' });
});
afterAll(async () => {
  await sandbox.dispose();
  await replayer.dispose();
});

const HOUR = 3_600_000;
const latency = fc.integer({ min: 1, max: 3 * HOUR });
const appFailure = (type: string, nonRetryable: boolean) => ({
  message: `${type} happened`,
  source: 'ApplicationFailure' as const,
  type,
  nonRetryable,
});

function outcome(result: fc.Arbitrary<unknown>): fc.Arbitrary<ActivityOutcomeScript> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ status: fc.constant('completed' as const), result, latencyMs: latency }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        status: fc.constant('failed' as const),
        failure: fc.constantFrom(
          appFailure('CardDeclined', true),
          appFailure('SoldOut', true),
          appFailure('Gateway', false),
        ),
        latencyMs: latency,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        status: fc.constant('timedOut' as const),
        timeoutType: fc.constantFrom('startToClose' as const, 'scheduleToStart' as const),
        latencyMs: latency,
      }),
    },
  );
}

const arrival = fc.oneof(
  fc.record({ atMs: fc.integer({ min: 0, max: 9 * 24 * HOUR }) }),
  fc.record({ duringTask: fc.integer({ min: 1, max: 8 }) }),
);

function signals(name: string, args: unknown[]) {
  return fc.array(
    arrival.map((a) => ({ name, args, ...a })),
    { maxLength: 3 },
  );
}

const order: fc.Arbitrary<SimulationScript> = fc.record({
  workflowType: fc.constant('orderWorkflow'),
  args: fc.constant([{ orderId: 'o-1', amountCents: 990, items: [{ sku: 'mug', quantity: 1 }] }]),
  activities: fc.record({
    checkInventory: outcome(fc.record({ ok: fc.boolean(), reserved: fc.nat(5) })),
    chargePayment: outcome(fc.constant('ch_1')),
    fulfil: outcome(fc.constant('trk')),
    refund: outcome(fc.constant('re_1')),
  }),
  signals: signals('approve', ['ana']),
});

const race: fc.Arbitrary<SimulationScript> = fc.record({
  workflowType: fc.constant('paymentReminderWorkflow'),
  args: fc.constant(['dana']),
  activities: fc.record({
    notify: fc.array(outcome(fc.constant(undefined)), { minLength: 1, maxLength: 3 }),
  }),
  signals: signals('paid', []),
});

const saga: fc.Arbitrary<SimulationScript> = fc.record({
  workflowType: fc.constant('tripBookingWorkflow'),
  args: fc.constant([{ tripId: 't-1', flight: 'LH 1', hotel: 'H', car: 'C' }]),
  activities: fc.record({
    bookFlight: outcome(fc.constant('fl')),
    bookHotel: outcome(fc.constant('ho')),
    bookCar: outcome(fc.constant('car')),
    cancelFlight: outcome(fc.constant(undefined)),
    cancelHotel: outcome(fc.constant(undefined)),
  }),
});

const cancellation: fc.Arbitrary<SimulationScript> = fc.record({
  workflowType: fc.constant('cancellableWorkWorkflow'),
  args: fc.constant(['job']),
  activities: fc.record({ slowStep: fc.array(outcome(fc.constant('done')), { minLength: 1, maxLength: 2 }) }),
  signals: signals('skip', []),
});

describe('recorded histories replay to the identical commands', () => {
  it('under any schedule of activity outcomes, timer firings and signal arrivals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(order, race, saga, cancellation), async (script) => {
        const recorded = await simulateWorkflow(sandbox, script);
        const replayed = await replayer.replay(recorded.events, { collectCommands: true });
        if (!replayed.ok) throw replayed.error;
        expect(replayed.commands).toEqual(recorded.tasks.map((t) => t.commands));
      }),
      { numRuns: 150 },
    );
  });
});
