import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../events/events.ts';
import { parseHistory, serializeHistory } from '../file/serialize.ts';
import { orderHistory } from '../file/testing/order-history.ts';
import type { History } from '../file/types.ts';
import { redactHistory } from './redact.ts';

type Loose = Record<string, unknown>;
const loose = (event: HistoryEvent | undefined) => event as unknown as Loose;
const input = (history: History, i: number) => (loose(history.events[i]).input as Loose[])[0]!;

/** Fields of an event that are not user payloads. */
function skeleton(event: HistoryEvent): Loose {
  const {
    input: _i,
    result: _r,
    failure: _f,
    lastFailure: _l,
    details: _d,
    ...rest
  } = event as unknown as Loose;
  return rest;
}

describe('redactHistory', () => {
  const original = orderHistory(5);
  const redacted = redactHistory(original, { salt: 's3cret' });

  it('leaves ids, types, timers, task queues, retry policies and the header alone', () => {
    expect(redacted.header).toStrictEqual(original.header);
    expect(redacted.events.map(skeleton)).toStrictEqual(original.events.map(skeleton));
  });

  it('replaces payload values with placeholders of the same shape', () => {
    const before = input(original, 0);
    const after = input(redacted, 0);
    expect(Object.keys(after)).toStrictEqual(Object.keys(before));
    expect(after.orderId).not.toBe(before.orderId);
    expect(after.orderId).toMatch(/^[0-9a-f]{8}$/);
    const customer = after.customer as Loose;
    expect(customer.email).not.toBe('ada@example.com');
    expect((customer.email as string).length).toBe(16);
    expect((after.lines as unknown[]).length).toBe(2);
    expect(after.giftWrap).toBe(false);
    expect(Object.hasOwn(after, 'note') && after.note === undefined).toBe(true);
    expect(typeof after.totalCents).toBe('bigint');
    expect(String(after.totalCents).length).toBe(4);
    expect(after.totalCents).not.toBe(8498n);
    expect(after.placedAt).toBeInstanceOf(Date);
    const line = (after.lines as Loose[])[0]!;
    expect(
      Number.isInteger(line.quantity) && (line.quantity as number) >= 1 && (line.quantity as number) <= 9,
    ).toBe(true);
    expect(String(line.unitPriceCents)).toHaveLength(4);
    const charged = redacted.events.find(
      (e) => e.eventType === 'ActivityTaskCompleted' && Object.hasOwn(loose(e).result as Loose, 'receipt'),
    );
    const receipt = (loose(charged).result as Loose).receipt as Uint8Array;
    expect(receipt).toBeInstanceOf(Uint8Array);
    expect(receipt).toHaveLength(8);
    expect(receipt).not.toStrictEqual(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  });

  it('gives equal values equal placeholders, so pass-through values still match', () => {
    const orderId = input(redacted, 0).orderId;
    const reserve = redacted.events.find((e) => e.eventType === 'ActivityTaskScheduled')!;
    expect((loose(reserve).input as unknown[])[0]).toBe(orderId);
    const completed = redacted.events.at(-1)!;
    expect((loose(completed).result as Loose).orderId).toBe(orderId);
  });

  it('is deterministic for a salt and differs between salts', () => {
    expect(redactHistory(original, { salt: 's3cret' })).toStrictEqual(redacted);
    expect(input(redactHistory(original, { salt: 'other' }), 0).orderId).not.toBe(input(redacted, 0).orderId);
    expect(input(redactHistory(original), 0).orderId).toBe(input(redactHistory(original), 0).orderId);
  });

  it('redacts failure messages and details but keeps the failure source and type', () => {
    const started = redacted.events.find((e) => e.eventType === 'ActivityTaskStarted' && e.attempt === 2)!;
    const failure = loose(started).lastFailure as Loose;
    expect(failure.source).toBe('ApplicationFailure');
    expect(failure.type).toBe('CardDeclined');
    expect(failure.message).not.toBe('card declined: insufficient funds');
    expect((failure.message as string).length).toBe(64);
    expect((failure.details as Loose[])[0]!.code).not.toBe(51);
  });

  it('keeps values named in keep, with * for any step', () => {
    const kept = redactHistory(original, {
      keep: [
        'WorkflowExecutionStarted.input[0].customer.name',
        '*.input[*].sku',
        'ActivityTaskStarted.lastFailure.message',
      ],
    });
    expect((input(kept, 0).customer as Loose).name).toBe('Ada Lovelace');
    expect((input(kept, 0).customer as Loose).email).not.toBe('ada@example.com');
    const reserve = loose(kept.events.find((e) => e.eventType === 'ActivityTaskScheduled'));
    expect(((reserve.input as unknown[][])[1]![0] as Loose).sku).not.toBe('SKU-1');
    expect((input(kept, 0).lines as Loose[])[0]!.sku).not.toBe('SKU-1');
    const started = kept.events.find((e) => e.eventType === 'ActivityTaskStarted' && e.attempt === 2)!;
    expect((loose(started).lastFailure as Loose).message).toBe('card declined: insufficient funds');
    const keepAll = redactHistory(original, { keep: ['*.input', '*.result', '*.lastFailure'] });
    expect(keepAll).toStrictEqual(original);
  });

  it('rejects a keep path it cannot read', () => {
    expect(() => redactHistory(original, { keep: ['input'] })).toThrow(/cannot read keep path 'input'/);
    expect(() => redactHistory(original, { keep: ['a..b'] })).toThrow(TypeError);
  });

  it('does not modify its input', () => {
    expect(original).toStrictEqual(orderHistory(5));
  });

  it('gives a history that is still valid and round-trips through both file formats', () => {
    const back = parseHistory(serializeHistory(redacted, 'json'), { source: 'redacted.json' });
    expect(back).toStrictEqual(redacted);
    expect(parseHistory(serializeHistory(redacted, 'msgpack'), { source: 'r.rhist' })).toStrictEqual(
      redacted,
    );
  });

  it('never touches markers, and redacts signal arguments and memo-like fields', () => {
    const events = [
      {
        eventId: 1,
        eventTime: 1,
        eventType: 'WorkflowExecutionStarted',
        workflowId: 'w',
        workflowType: 't',
        taskQueue: 'q',
        input: [],
        randomnessSeed: [1],
        attempt: 1,
        firstExecutionRunId: 'r',
        memo: { owner: 'ada@example.com' },
      },
      {
        eventId: 2,
        eventTime: 2,
        eventType: 'MarkerRecorded',
        workflowTaskCompletedEventId: 1,
        markerName: 'sideEffect',
        details: { value: 'secret-ish', changeId: 'fix-1' },
      },
      {
        eventId: 3,
        eventTime: 3,
        eventType: 'WorkflowExecutionSignaled',
        signalName: 'approve',
        input: [{ by: 'grace', at: new Map([['k', 1.5]]) }],
        identity: 'client-1',
      },
      {
        eventId: 4,
        eventTime: 4,
        eventType: 'WorkflowExecutionTerminated',
        reason: 'customer asked: ada@example.com',
      },
    ] as HistoryEvent[];
    const history: History = {
      header: { ...orderHistory().header, workflowId: 'w', workflowType: 't', taskQueue: 'q' },
      events,
    };
    const out = redactHistory(history, { salt: 'x' });
    expect(out.events[1]).toStrictEqual(events[1]);
    expect(loose(out.events[0]).memo).not.toStrictEqual({ owner: 'ada@example.com' });
    const signal = loose(out.events[2]);
    expect(signal.signalName).toBe('approve');
    expect(signal.identity).toBe('client-1');
    const arg = (signal.input as Loose[])[0]!;
    expect(arg.by).not.toBe('grace');
    const map = arg.at as Map<string, number>;
    expect(map).toBeInstanceOf(Map);
    expect(map.has('k')).toBe(false);
    expect([...map.values()][0]).not.toBe(1.5);
    expect(loose(out.events[3]).reason).not.toContain('ada');
  });
});
