import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../events/events.ts';
import {
  decodeEvent,
  decodeEvents,
  decodePayload,
  encodeEvent,
  encodeEvents,
  encodePayload,
  PAYLOAD_FORMAT_VERSION,
} from './codec.ts';
import { CodecError } from './errors.ts';

const roundTrip = (value: unknown) => decodePayload(encodePayload(value));

function codecError(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CodecError);
    return err as CodecError;
  }
  throw new Error('expected a CodecError');
}

describe('payload codec', () => {
  it('starts every encoding with the format version byte', () => {
    expect(encodePayload({ a: 1 })[0]).toBe(PAYLOAD_FORMAT_VERSION);
    expect(encodePayload(undefined)[0]).toBe(PAYLOAD_FORMAT_VERSION);
  });

  it.each([
    ['-0', -0],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a 40-bit integer', 2 ** 40 + 1],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER],
    ['a fraction', 0.1 + 0.2],
    ['undefined', undefined],
    ['null', null],
  ])('round-trips %s at top level exactly', (_name, value) => {
    expect(Object.is(roundTrip(value), value)).toBe(true);
  });

  it('round-trips bigints inside and beyond 64 bits', () => {
    for (const n of [
      0n,
      5n,
      -5n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      2n ** 63n,
      2n ** 64n - 1n,
      2n ** 64n,
      -(2n ** 200n) + 7n,
    ]) {
      expect(roundTrip(n)).toBe(n);
    }
    // A bigint stays a bigint and a number stays a number even when they are equal in value.
    expect(roundTrip([5n, 5])).toStrictEqual([5n, 5]);
  });

  it('round-trips dates, including invalid and pre-1970 ones', () => {
    const dates = [
      new Date(0),
      new Date(-12_345),
      new Date(1_700_000_000_123),
      new Date(8.64e15),
      new Date(Number.NaN),
    ];
    const back = roundTrip(dates) as Date[];
    expect(back.map((d) => d.getTime())).toStrictEqual(dates.map((d) => d.getTime()));
    for (const d of back) expect(d).toBeInstanceOf(Date);
  });

  it('round-trips bytes as Uint8Array, including views and Buffers', () => {
    const view = new Uint8Array([1, 2, 3, 4, 5]).subarray(1, 4);
    const back = roundTrip({ view, buf: Buffer.from('hi') }) as { view: Uint8Array; buf: Uint8Array };
    expect(back.view).toStrictEqual(new Uint8Array([2, 3, 4]));
    expect(back.buf).toStrictEqual(new Uint8Array([104, 105]));
    expect(Object.getPrototypeOf(back.buf)).toBe(Uint8Array.prototype);
  });

  it('does not alias the input buffer in decoded bytes', () => {
    const bytes = encodePayload(new Uint8Array([7, 7, 7]));
    const back = decodePayload(bytes) as Uint8Array;
    bytes.fill(0, 1);
    expect(back).toStrictEqual(new Uint8Array([7, 7, 7]));
  });

  it('keeps Map distinct from a plain object, with any keys', () => {
    const value = {
      map: new Map<unknown, unknown>([
        [1, 'one'],
        ['k', { nested: new Map() }],
        [{ o: 1 }, -0],
      ]),
      obj: { 1: 'one' },
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toStrictEqual(value);
    expect(back.map).toBeInstanceOf(Map);
    expect(Object.is([...back.map.values()][2], -0)).toBe(true);
  });

  it('round-trips Sets, including Sets of values that need rewriting', () => {
    const value = new Set<unknown>([1, 'a', new Map([[1, 2]]), { z: -0 }]);
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('round-trips undefined in arrays and as an object property, keeping the key', () => {
    const back = roundTrip({ a: undefined, list: [undefined, 1, undefined] }) as Record<string, unknown>;
    expect(Object.keys(back)).toStrictEqual(['a', 'list']);
    expect(back).toStrictEqual({ a: undefined, list: [undefined, 1, undefined] });
  });

  it('keeps an own __proto__ key as data and never sets a prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "x": -0}') as Record<string, unknown>;
    const back = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toStrictEqual(['__proto__', 'x']);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toStrictEqual({ polluted: true });
    expect(Object.is(back.x, -0)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('preserves object key order', () => {
    const back = roundTrip({ z: 1, a: 2, m: { y: 1, b: 2 } }) as Record<string, Record<string, unknown>>;
    expect(Object.keys(back)).toStrictEqual(['z', 'a', 'm']);
    expect(Object.keys(back.m!)).toStrictEqual(['y', 'b']);
  });

  it('does not modify the value it encodes', () => {
    const value = { a: -0, m: new Map([[1, -0]]), list: [-0] };
    encodePayload(value);
    expect(Object.is(value.a, -0)).toBe(true);
    expect(value.m).toBeInstanceOf(Map);
  });

  it('writes what toJSON returns for class instances with toJSON, like JSON does', () => {
    class Money {
      readonly cents: bigint;
      constructor(cents: bigint) {
        this.cents = cents;
      }
      toJSON() {
        return { cents: this.cents.toString() };
      }
    }
    expect(roundTrip({ price: new Money(150n) })).toStrictEqual({ price: { cents: '150' } });
  });
});

describe('payload codec errors', () => {
  it('names the path of a function or symbol it cannot encode', () => {
    const fnErr = codecError(() => encodePayload({ input: [1, { callback() {} }] }));
    expect(fnErr.code).toBe('UNENCODABLE_VALUE');
    expect(fnErr.path).toBe('$.input[1].callback');
    expect(fnErr.message).toContain('a function at $.input[1].callback');
    const symErr = codecError(() => encodePayload(new Map([['k', Symbol('s')]])));
    expect(symErr.path).toBe('$.<value 0>');
  });

  it('rejects a cycle with a bounded message instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const err = codecError(() => encodePayload(cyclic));
    expect(err.code).toBe('UNENCODABLE_VALUE');
    expect(err.message).toContain('is it cyclic?');
    expect(err.message.length).toBeLessThan(400);
  });

  it('rejects empty input', () => {
    expect(codecError(() => decodePayload(new Uint8Array())).code).toBe('CORRUPT_PAYLOAD');
  });

  it('rejects a newer format version with an upgrade hint', () => {
    const bytes = encodePayload({ a: 1 });
    bytes[0] = PAYLOAD_FORMAT_VERSION + 1;
    const err = codecError(() => decodePayload(bytes, 'event 3'));
    expect(err.code).toBe('UNSUPPORTED_PAYLOAD_VERSION');
    expect(err.version).toBe(PAYLOAD_FORMAT_VERSION + 1);
    expect(err.message).toMatch(/^event 3: written in payload format version 2.*upgrade/);
    expect(err.retryable).toBe(false);
  });

  it('rejects bytes that are not a Reprise payload', () => {
    const err = codecError(() => decodePayload(new TextEncoder().encode('{"a":1}')));
    expect(err.code).toBe('CORRUPT_PAYLOAD');
    expect(err.message).toContain('first byte 0x7b');
  });

  it('rejects truncated bytes at every cut point', () => {
    const bytes = encodePayload({ list: [1, 'two', new Date(5), 2n ** 70n], map: new Map([[1, 2]]) });
    for (let cut = 1; cut < bytes.length; cut++) {
      const err = codecError(() => decodePayload(bytes.subarray(0, cut), 'row 9'));
      expect(err.code).toBe('CORRUPT_PAYLOAD');
      expect(err.message).toMatch(/^row 9: damaged or truncated/);
    }
  });

  it('rejects trailing garbage', () => {
    const bytes = encodePayload({ a: 1 });
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(codecError(() => decodePayload(longer)).code).toBe('CORRUPT_PAYLOAD');
  });

  it('rejects an unknown extension type', () => {
    expect(codecError(() => decodePayload(new Uint8Array([1, 0xd4, 0x33, 0]))).code).toBe('CORRUPT_PAYLOAD');
  });
});

describe('event codec', () => {
  const events = [
    {
      eventId: 1,
      eventTime: 1_700_000_000_000,
      eventType: 'WorkflowExecutionStarted',
      workflowId: 'order-1',
      workflowType: 'order',
      taskQueue: 'orders',
      input: [{ orderId: 'o-1', total: 12_50n, placedAt: new Date(1_700_000_000_000) }],
      randomnessSeed: [1, 2, 3, 4],
      attempt: 1,
      firstExecutionRunId: 'run-1',
    },
    {
      eventId: 2,
      eventTime: 1_700_000_000_001,
      eventType: 'WorkflowTaskScheduled',
      taskQueue: 'orders',
      attempt: 1,
    },
  ] satisfies HistoryEvent[];

  it('round-trips one event and a list of events', () => {
    expect(decodeEvent(encodeEvent(events[0]!))).toStrictEqual(events[0]);
    expect(decodeEvents(encodeEvents(events))).toStrictEqual(events);
  });

  it('rejects bytes that decode to the wrong kind of value', () => {
    expect(codecError(() => decodeEvent(encodePayload([1]), 'event 4')).message).toBe(
      'event 4: decoded to an array, expected an event object',
    );
    expect(codecError(() => decodeEvents(encodePayload({}))).code).toBe('CORRUPT_PAYLOAD');
  });
});
