/**
 * Codec benchmarks: encode and decode the order workflow's history (33 events with dates, bigints,
 * bytes and a Map in its payloads) with the msgpackr codec, against JSON.stringify/JSON.parse of the
 * same history made JSON-safe (bigints and dates as strings, bytes as base64), measured in the same
 * run. The JSON baseline flatters JSON: it gives back strings where the codec gives back real Dates
 * and bigints. Also: the size of each encoding, and loading a history file with full validation.
 */

import { orderHistory } from '../packages/history-store/src/file/testing/order-history.ts';
import {
  decodeEvent,
  decodeEvents,
  encodeEvent,
  encodeEvents,
  parseHistory,
  serializeHistory,
} from '../packages/history-store/src/index.ts';
import { loadNote, measurePair } from './lib/measure.ts';
import type { BenchResult } from './lib/types.ts';

/** What a store that only had JSON would write: every value JSON lacks degraded to a string or list. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Map) return [...value].map(([k, v]) => [jsonSafe(k), jsonSafe(v)]);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

/** Runs the codec benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const history = orderHistory(1);
  const events = history.events;
  const plain = jsonSafe(events) as unknown[];
  const packed = encodeEvents(events);
  const text = JSON.stringify(plain);
  const packedEach = events.map(encodeEvent);
  const textEach = plain.map((e) => JSON.stringify(e));
  const jsonFile = serializeHistory(history, 'json');
  const msgpackFile = serializeHistory(history, 'msgpack');
  const n = events.length;
  /** Subject and baseline, as operations per second times `per` (1 per history, `n` per event). */
  const rate =
    (unit: string, per: number) =>
    (name: string, fn: () => unknown, baselineName: string, baseline: () => unknown): BenchResult => {
      const m = measurePair(fn, baseline);
      return {
        name,
        value: m.subject.opsPerSecond * per,
        unit,
        baseline: { name: baselineName, value: m.baseline.opsPerSecond * per },
        note: loadNote(),
      };
    };
  const perHistory = rate('histories/s', 1);
  const perEvent = rate('events/s', n);
  return [
    perHistory(
      `encodeEvents (${n} events)`,
      () => encodeEvents(events),
      'JSON.stringify',
      () => JSON.stringify(plain),
    ),
    perHistory(
      `decodeEvents (${n} events)`,
      () => decodeEvents(packed),
      'JSON.parse',
      () => JSON.parse(text),
    ),
    perEvent(
      'encodeEvent, one row per event',
      () => events.map(encodeEvent),
      'JSON.stringify',
      () => plain.map((e) => JSON.stringify(e)),
    ),
    perEvent(
      'decodeEvent, one row per event',
      () => packedEach.map((b) => decodeEvent(b)),
      'JSON.parse',
      () => textEach.map((t) => JSON.parse(t)),
    ),
    {
      name: 'encoded size of the history',
      value: packed.byteLength,
      unit: 'bytes',
      baseline: { name: 'JSON', value: Buffer.byteLength(text) },
    },
    perHistory(
      'parseHistory, msgpack file, validated',
      () => parseHistory(msgpackFile, { source: 'h.rhist' }),
      'JSON.parse',
      () => JSON.parse(text),
    ),
    perHistory(
      'parseHistory, JSON file, validated',
      () => parseHistory(jsonFile, { source: 'h.json' }),
      'JSON.parse',
      () => JSON.parse(text),
    ),
  ];
}
