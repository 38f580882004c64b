import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload } from '../codec/codec.ts';
import { fromTaggedJson, TaggedJsonError, toTaggedJson } from './tagged-json.ts';

const viaJson = (value: unknown) => fromTaggedJson(JSON.parse(JSON.stringify(toTaggedJson(value))));

describe('tagged JSON', () => {
  it('writes each value JSON lacks as a one-key tag', () => {
    expect(
      toTaggedJson([
        undefined,
        5n,
        -0,
        Number.NaN,
        new Date(0),
        new Uint8Array([255]),
        new Map([[1, 2]]),
        new Set(['a']),
      ]),
    ).toStrictEqual([
      { $undefined: true },
      { $bigint: '5' },
      { $number: '-0' },
      { $number: 'NaN' },
      { $date: '1970-01-01T00:00:00.000Z' },
      { $bytes: '/w==' },
      { $map: [[1, 2]] },
      { $set: ['a'] },
    ]);
  });

  it('escapes user objects that look like tags, and leaves others alone', () => {
    const value = {
      a: { $date: 'not a date' },
      b: { $object: 1 },
      c: { $x: 1, $y: 2 },
      d: { $nested: { $bigint: 5n } },
    };
    const json = toTaggedJson(value);
    expect(json).toStrictEqual({
      a: { $object: { $date: 'not a date' } },
      b: { $object: { $object: 1 } },
      c: { $x: 1, $y: 2 },
      d: { $object: { $nested: { $object: { $bigint: { $bigint: '5' } } } } },
    });
    expect(viaJson(value)).toStrictEqual(value);
  });

  it('keeps an own __proto__ key as data', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}}') as object;
    const back = viaJson(value) as object;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toStrictEqual(['__proto__']);
  });

  it.each([
    [{ $weird: 1 }, "unknown tag '$weird'"],
    [{ $bigint: 5 }, 'expected decimal digits'],
    [{ $bytes: 'not base64!' }, 'expected standard base64 text'],
    [{ $date: 'yesterday' }, "expected an ISO 8601 date or 'invalid'"],
    [{ $number: 'Infinity and beyond' }, "expected 'NaN'"],
    [{ $typed: ['Float64Array', 'AAA='] }, 'do not fill whole Float64Array elements'],
    [{ $typed: ['Int128Array', ''] }, "unknown typed array 'Int128Array'"],
    [{ $map: [[1]] }, 'expected a pair'],
    [{ $undefined: false }, 'expected true'],
    [{ $regexp: ['(', ''] }, 'Invalid regular expression'],
  ])('rejects the malformed tag %j', (tag, message) => {
    expect(() => fromTaggedJson({ list: [tag] })).toThrow(TaggedJsonError);
    expect(() => fromTaggedJson({ list: [tag] })).toThrow(message);
    try {
      fromTaggedJson({ list: [tag] });
    } catch (err) {
      expect((err as TaggedJsonError).path.startsWith('$.list[0]')).toBe(true);
    }
  });

  it('gives exactly what the binary codec gives, for any data value', () => {
    const payload = fc.anything({
      maxDepth: 4,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withObjectString: true,
    });
    const tagLike = fc.dictionary(fc.constantFrom('$date', '$bigint', '$object', '$x', 'a'), payload, {
      maxKeys: 2,
      noNullPrototype: true,
    });
    fc.assert(
      fc.property(fc.oneof(payload, tagLike, fc.array(tagLike)), (value) => {
        const fromJson = viaJson(value);
        expect(fromJson).toStrictEqual(decodePayload(encodePayload(value)));
        expect(fromJson).toStrictEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips errors and typed arrays the way the binary codec does', () => {
    const value = [
      new TypeError('bad', { cause: { code: 1 } }),
      new Float64Array([1.5, -0]),
      new ArrayBuffer(3),
      /a+/gi,
    ];
    expect(viaJson(value)).toStrictEqual(decodePayload(encodePayload(value)));
  });
});
