import { describe, expect, it } from 'vitest';
import { encodePayload } from '../codec/codec.ts';
import { HistoryFileError } from './errors.ts';
import { parseHistory, serializeHistory } from './serialize.ts';
import { orderHistory } from './testing/order-history.ts';
import { HISTORY_FORMAT_VERSION } from './types.ts';

type RawDoc = Record<string, unknown> & { events: Record<string, unknown>[] };

/** Serializes the sample history to JSON, lets `edit` change the raw document, returns the text. */
function tampered(edit: (doc: RawDoc) => void): string {
  const doc = JSON.parse(serializeHistory(orderHistory(), 'json')) as RawDoc;
  edit(doc);
  return JSON.stringify(doc, null, 2);
}

function loadError(input: string | Uint8Array, source = 'fixtures/histories/order.json'): HistoryFileError {
  try {
    parseHistory(input, { source });
  } catch (err) {
    expect(err).toBeInstanceOf(HistoryFileError);
    expect((err as HistoryFileError).code).toBe('INVALID_HISTORY_FILE');
    return err as HistoryFileError;
  }
  throw new Error('expected the history to be rejected');
}

describe('history file validation', () => {
  it('rejects malformed JSON, naming the file and the position', () => {
    const text = serializeHistory(orderHistory(), 'json').replace(
      '"eventTime": 1767225601014,',
      '"eventTime": ,',
    );
    const err = loadError(text);
    expect(err.message).toMatch(/^fixtures\/histories\/order\.json: malformed JSON at line 51, column 20: /);
    expect(loadError('{"events": [1,]}').message).toContain('malformed JSON at line 1, column 15');
    expect(loadError('{"a": "\\x"}').message).toContain('malformed JSON at line 1, column 9');
    expect(loadError('{"a": 1} x').message).toContain('malformed JSON at line 1, column 10');
  });

  it('rejects truncated msgpack at any cut point', () => {
    const bytes = serializeHistory(orderHistory(), 'msgpack');
    for (const cut of [1, 2, 10, bytes.length >> 1, bytes.length - 1]) {
      const err = loadError(bytes.subarray(0, cut), 'h.rhist');
      expect(err.message).toMatch(/^h\.rhist: not a readable history: neither JSON nor intact msgpack/);
    }
  });

  it('rejects an empty file', () => {
    expect(loadError(new Uint8Array()).message).toBe('fixtures/histories/order.json: the file is empty');
    expect(loadError(' \n').message).toBe('fixtures/histories/order.json: the file is empty');
  });

  it('rejects a tampered field, naming the event id and the field', () => {
    const err = loadError(tampered((doc) => (doc.events[4]!.activityType = 42)));
    expect(err.eventId).toBe(5);
    expect(err.message).toBe(
      'fixtures/histories/order.json: event 5: ActivityTaskScheduled.activityType: expected a non-empty string, got a number (events[4])',
    );
  });

  it('rejects an unknown event type', () => {
    const err = loadError(tampered((doc) => (doc.events[6]!.eventType = 'ActivityTaskExploded')));
    expect(err.eventId).toBe(7);
    expect(err.message).toContain("event 7: unknown event type 'ActivityTaskExploded'");
  });

  it('rejects a gap in event ids', () => {
    const err = loadError(tampered((doc) => doc.events.splice(9, 1)));
    expect(err.eventId).toBe(11);
    expect(err.message).toBe(
      'fixtures/histories/order.json: event 11: gap in event ids: expected event 10 at events[9], found event 11',
    );
  });

  it('rejects a duplicate event id', () => {
    const err = loadError(tampered((doc) => doc.events.splice(3, 0, doc.events[2]!)));
    expect(err.eventId).toBe(3);
    expect(err.message).toContain('event 3: duplicate event id 3 (events[2] and events[3])');
  });

  it('rejects events out of order', () => {
    const err = loadError(
      tampered((doc) => {
        const [a, b] = [doc.events[5]!, doc.events[6]!];
        doc.events[5] = b;
        doc.events[6] = a;
      }),
    );
    expect(err.message).toContain('event 7: gap in event ids: expected event 6 at events[5], found event 7');
    const swapped = loadError(
      tampered((doc) => {
        doc.events[6]!.eventId = 5;
      }),
    );
    expect(swapped.message).toContain(
      'event 5: events out of order: event 5 at events[6] comes after event 6',
    );
  });

  it('rejects a history whose first event does not start the run', () => {
    const err = loadError(
      tampered((doc) => {
        doc.events.shift();
        for (const [i, e] of doc.events.entries()) e.eventId = i + 1;
      }),
    );
    expect(err.message).toBe(
      'fixtures/histories/order.json: event 1: the first event must be WorkflowExecutionStarted, found WorkflowTaskScheduled',
    );
  });

  it('rejects a header that disagrees with the first event', () => {
    const err = loadError(tampered((doc) => (doc.workflowType = 'refund')));
    expect(err.eventId).toBe(1);
    expect(err.message).toContain(
      "event 1: the header says workflowType 'refund' but WorkflowExecutionStarted says 'order'",
    );
  });

  it('rejects a missing header field', () => {
    const err = loadError(tampered((doc) => delete doc.runId));
    expect(err.message).toBe(
      'fixtures/histories/order.json: header: "runId" must be a non-empty string, got nothing',
    );
  });

  it('rejects a newer format version, in JSON and in msgpack framing', () => {
    const err = loadError(tampered((doc) => (doc.formatVersion = HISTORY_FORMAT_VERSION + 1)));
    expect(err.message).toMatch(
      /written in history format version 2, .* reads up to 1; upgrade @reprise\/history-store/,
    );
    const bytes = serializeHistory(orderHistory(), 'msgpack');
    bytes[0] = 2;
    expect(loadError(bytes, 'h.msgpack').message).toMatch(/^h\.msgpack: written by a newer Reprise/);
  });

  it('rejects a file that is some other JSON', () => {
    expect(loadError('{"format": "har", "events": []}').message).toContain(
      'not a Reprise history: "format" is "har"',
    );
    expect(loadError('[1, 2]').message).toContain(
      'a bare list of events must be wrapped as {"events": [...]}',
    );
    expect(loadError('{"events": {}}').message).toContain(
      '"events": expected a list of events, got a object',
    );
    expect(loadError('{"events": []}').message).toContain('"events" is empty');
  });

  it('rejects a malformed tag, naming the event and the path', () => {
    const err = loadError(
      tampered((doc) => {
        (doc.events[0]!.input as Record<string, unknown>[])[0]!.totalCents = { $bigint: '12.5' };
      }),
    );
    expect(err.eventId).toBe(1);
    expect(err.message).toContain(
      'event 1: cannot read a value: events[0].input[0].totalCents.$bigint: expected decimal digits',
    );
  });

  it('rejects msgpack that is not a history object', () => {
    expect(loadError(encodePayload([1, 2]), 'x.rhist').message).toContain('expected a history object');
  });

  it('keeps unknown fields in the header and in events', () => {
    const text = tampered((doc) => {
      doc.region = 'eu-west';
      doc.events[1]!.shardHint = { $bigint: '7' };
    });
    const history = parseHistory(text, { source: 'x.json' });
    expect(history.header.region).toBe('eu-west');
    expect((history.events[1] as unknown as Record<string, unknown>).shardHint).toBe(7n);
    const again = parseHistory(serializeHistory(history, 'msgpack'), { source: 'x.rhist' });
    expect(again).toStrictEqual(history);
  });

  it('accepts a bare {"events": [...]} document and derives the header from the first event', () => {
    const text = tampered((doc) => {
      for (const key of Object.keys(doc)) if (key !== 'events') delete doc[key];
    });
    const history = parseHistory(text, { source: 'bare.json' });
    expect(history.header).toStrictEqual({
      format: 'reprise-history',
      formatVersion: HISTORY_FORMAT_VERSION,
      workflowId: 'order-1',
      workflowType: 'order',
      taskQueue: 'orders',
      runId: 'run-1',
    });
    expect(history.events).toStrictEqual(orderHistory().events);
  });

  it('takes what a bare document does say about its run', () => {
    const history = parseHistory(
      tampered((doc) => {
        for (const key of Object.keys(doc))
          if (key !== 'events' && key !== 'runId' && key !== 'buildId') delete doc[key];
        doc.runId = 'run-given';
      }),
      { source: 'bare.json' },
    );
    expect(history.header.runId).toBe('run-given');
    expect(history.header.buildId).toBe('build-abc123');
  });
});
