import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../events/events.ts';
import { parseHistory, serializeHistory } from './serialize.ts';
import { orderHistory } from './testing/order-history.ts';

describe('history files in memory', () => {
  const history = orderHistory(7);

  it.each(['json', 'jsonl', 'msgpack'] as const)(
    'round-trips the order history through %s exactly',
    (format) => {
      const back = parseHistory(serializeHistory(history, format), { source: `h.${format}` });
      expect(back).toStrictEqual(history);
    },
  );

  it('reads JSON given as text or as bytes, with or without a byte order mark', () => {
    const text = serializeHistory(history, 'json');
    const bytes = new TextEncoder().encode(`\uFEFF${text}`);
    expect(parseHistory(bytes, { source: 'h.json' })).toStrictEqual(history);
    expect(parseHistory(`  \n${text}`, { source: 'h.json' })).toStrictEqual(history);
  });

  it('JSON and msgpack give identical histories, with identical key order', () => {
    const fromJson = parseHistory(serializeHistory(history, 'json'), { source: 'h.json' });
    const fromMsgpack = parseHistory(serializeHistory(history, 'msgpack'), { source: 'h.rhist' });
    expect(fromJson).toStrictEqual(fromMsgpack);
    expect(fromJson.events.map((e) => Object.keys(e))).toStrictEqual(
      fromMsgpack.events.map((e) => Object.keys(e)),
    );
    expect(serializeHistory(fromJson, 'msgpack')).toStrictEqual(serializeHistory(fromMsgpack, 'msgpack'));
  });

  it('is stable: the same history always writes the same bytes', () => {
    const text = serializeHistory(history, 'json');
    expect(serializeHistory(parseHistory(text, { source: 'h.json' }), 'json')).toBe(text);
    expect(serializeHistory(orderHistory(7), 'json')).toBe(text);
  });

  it('writes event fields in a canonical order but keeps payload key order', () => {
    const [first, ...rest] = history.events;
    const shuffled = {
      ...history,
      events: [
        {
          input: [{ zebra: 1, apple: 2 }],
          zUnknown: true,
          aUnknown: true,
          ...first,
        } as unknown as HistoryEvent,
        ...rest,
      ],
    };
    (shuffled.events[0] as unknown as { input: unknown[] }).input = [{ zebra: 1, apple: 2 }];
    const text = serializeHistory(shuffled, 'json');
    const back = parseHistory(text, { source: 'h.json' });
    const keys = Object.keys(back.events[0]!);
    expect(keys.slice(0, 4)).toStrictEqual(['eventId', 'eventTime', 'eventType', 'workflowId']);
    expect(keys.slice(-2)).toStrictEqual(['aUnknown', 'zUnknown']);
    expect(Object.keys((back.events[0] as unknown as { input: object[] }).input[0]!)).toStrictEqual([
      'zebra',
      'apple',
    ]);
  });

  it('writes JSON that a person can review: values JSON lacks are tagged inline', () => {
    const text = serializeHistory(history, 'json');
    expect(text).toContain('"totalCents": {"$bigint": "8498"}');
    expect(text).toContain('"placedAt": {"$date": "2026-01-01T00:00:07.000Z"}');
    expect(text).toContain('"receipt": {"$bytes": "AQIDBAUGBwg="}');
    expect(text).toContain('"randomnessSeed": [7, 2, 3, 4]');
    expect(text.startsWith('{\n  "format": "reprise-history",\n  "formatVersion": 1,\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('writes JSONL as one line', () => {
    const line = serializeHistory(history, 'jsonl');
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });

  it('refuses to write a payload no format can hold, naming the run and the path', () => {
    const bad = orderHistory(1);
    (bad.events[0] as unknown as { input: unknown[] }).input = [{ callback: () => 1 }];
    expect(() => serializeHistory(bad, 'json')).toThrow(
      'order-1/run-1: cannot write the history: events[0].input[0].callback: cannot write a function to a history file',
    );
    expect(() => serializeHistory(bad, 'msgpack')).toThrow(
      /order-1\/run-1: cannot write the history: .*\$\.events\[0\]\.input\[0\]\.callback/,
    );
  });
});
