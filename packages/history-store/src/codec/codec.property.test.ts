import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload } from './codec.ts';

/**
 * Every value the codec promises to keep. Sparse arrays and null-prototype objects are left out on
 * purpose: holes read back as `undefined` and objects read back with Object.prototype (documented).
 */
const payload = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withObjectString: true,
});

const specials = fc.oneof(
  fc.constantFrom(-0, 0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, undefined, null),
  fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
  fc.double(),
  fc.date(),
  fc.uint8Array(),
  fc.string({ unit: 'binary' }),
);

describe('payload codec properties', () => {
  it('decode(encode(v)) is v, for any data value', () => {
    fc.assert(
      fc.property(payload, (value) => {
        expect(decodePayload(encodePayload(value))).toStrictEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps special numbers, big bigints, dates and bytes nested anywhere', () => {
    const nested = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        specials,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4, noNullPrototype: true }),
        fc.array(fc.tuple(specials, tie('node')), { maxLength: 3 }).map((entries) => new Map(entries)),
      ),
    })).node;
    fc.assert(
      fc.property(nested, (value) => {
        expect(decodePayload(encodePayload(value))).toStrictEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('encoding is deterministic: equal values give equal bytes', () => {
    fc.assert(
      fc.property(payload, (value) => {
        expect(encodePayload(value)).toStrictEqual(encodePayload(decodePayload(encodePayload(value))));
      }),
      { numRuns: 200 },
    );
  });
});
