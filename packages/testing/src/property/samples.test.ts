/**
 * No false alarms: every correct sample workflow passes `checkDeterminism` over the default number
 * of schedules, with queries, evictions and crashes generated, and the checks really exercise it
 * (replays, resumes and queries happen; runs end in more than one way).
 */
import { fileURLToPath } from 'node:url';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CheckDeterminismOptions, checkDeterminism } from './index.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const samples = `${root}fixtures/workflows/index.ts`;

const order = fc.record({
  orderId: fc.constantFrom('o-1', 'o-2'),
  amountCents: fc.nat(100_000),
  items: fc.array(
    fc.record({ sku: fc.constantFrom('tea', 'mug'), quantity: fc.integer({ min: 1, max: 3 }) }),
    {
      maxLength: 2,
    },
  ),
});

interface Case {
  workflowType: string;
  options: CheckDeterminismOptions;
  /** Statuses that must each occur at least once over the generated runs. */
  statuses: string[];
}

const cases: Case[] = [
  {
    workflowType: 'orderWorkflow',
    options: {
      inputs: fc.tuple(order),
      activities: {
        checkInventory: fc.record({ ok: fc.boolean(), reserved: fc.nat(5) }),
        chargePayment: { result: fc.constant('ch_1'), failureTypes: ['CardDeclined', 'GatewayDown'] },
        fulfil: fc.constant('trk_1'),
        refund: fc.constant('re_1'),
      },
      signals: { approve: fc.tuple(fc.constantFrom('ana', 'bo')) },
      queries: { status: fc.constant([]) },
    },
    statuses: ['completed', 'failed'],
  },
  {
    workflowType: 'tripBookingWorkflow',
    options: {
      inputs: fc.tuple(
        fc.record({ tripId: fc.constant('t-1'), flight: fc.string(), hotel: fc.string(), car: fc.string() }),
      ),
      activities: {
        bookFlight: fc.constant('fl_1'),
        bookHotel: { result: fc.constant('ho_1'), failureTypes: ['SoldOut'] },
        bookCar: fc.constant('car_1'),
        cancelFlight: { result: fc.constant(undefined), outcomes: ['success'] },
        cancelHotel: { result: fc.constant(undefined), outcomes: ['success'] },
        cancelCar: { result: fc.constant(undefined), outcomes: ['success'] },
      },
    },
    statuses: ['completed', 'failed'],
  },
  {
    workflowType: 'paymentReminderWorkflow',
    options: {
      inputs: fc.tuple(fc.constantFrom('dana', 'eli')),
      activities: { notify: { result: fc.constant(undefined), outcomes: ['success', 'retriedSuccess'] } },
      signals: { paid: fc.constant([]) },
    },
    statuses: ['completed'],
  },
  {
    workflowType: 'fulfilmentWorkflow',
    options: {
      inputs: fc.tuple(
        fc.constant('o-1'),
        fc.uniqueArray(fc.constantFrom('p1', 'p2', 'p3'), { maxLength: 3 }),
      ),
      // Failing children included: a later child may fail before the workflow awaits it (it awaits
      // the first child's result first), and its rejection waits for the workflow's Promise.all.
      children: { shipmentWorkflow: fc.constantFrom('done:express', 'done:standard') },
    },
    statuses: ['completed', 'failed'],
  },
  {
    workflowType: 'counterWorkflow',
    options: { inputs: fc.tuple(fc.nat(3), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 3 })) },
    statuses: ['completed', 'continuedAsNew'],
  },
  {
    workflowType: 'cancellableWorkWorkflow',
    options: {
      inputs: fc.tuple(fc.constant('job')),
      activities: {
        slowStep: fc.constant('done'),
        cleanUp: { result: fc.constant(undefined), outcomes: ['success'] },
      },
      signals: { skip: fc.constant([]) },
      cancellation: true,
    },
    statuses: ['completed', 'canceled'],
  },
  {
    workflowType: 'cartWorkflow',
    options: {
      inputs: fc.tuple(fc.integer({ min: 1, max: 3 })),
      updates: { addItem: fc.tuple(fc.constantFrom('tea', ''), fc.integer({ min: -1, max: 2 })) },
      signals: { checkout: fc.constant([]) },
      queries: { items: fc.constant([]) },
    },
    statuses: ['completed', 'blocked'],
  },
];

describe('correct sample workflows never raise a false alarm', () => {
  for (const c of cases) {
    it(c.workflowType, async () => {
      const reports: string[] = [];
      const stats = await checkDeterminism(
        { workflowsPath: samples, workflowType: c.workflowType },
        { ...c.options, log: (text) => reports.push(text) },
      );
      expect(reports).toEqual([]);
      expect(stats.runs).toBe(200);
      expect(stats.replays).toBe(200);
      expect(stats.resumes).toBeGreaterThan(0);
      for (const status of c.statuses) expect(stats.statuses[status] ?? 0).toBeGreaterThan(0);
      if (c.options.queries) expect(stats.queries).toBeGreaterThan(0);
    });
  }

  it('versioned order code guarded with patched() replays every v1 history', async () => {
    const stats = await checkDeterminism(
      { workflowsPath: `${root}fixtures/versioning/v2/order.ts`, workflowType: 'orderWorkflow' },
      {
        inputs: fc.tuple(order),
        activities: {
          checkInventory: fc.record({ ok: fc.boolean(), reserved: fc.nat(5) }),
          chargePayment: fc.constant('ch_1'),
          fraudCheck: fc.record({ ok: fc.boolean(), score: fc.nat(100) }),
          fulfil: fc.constant('trk_1'),
          refund: fc.constant('re_1'),
        },
        signals: { approve: fc.tuple(fc.constantFrom('ana', 'bo')) },
        previousVersions: [`${root}fixtures/versioning/v1/order.ts`],
      },
    );
    // One replay for the new code's own history and one for the v1 history, per schedule.
    expect(stats.replays).toBe(400);
  });
});
