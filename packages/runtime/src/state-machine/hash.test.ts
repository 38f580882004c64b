import { describe, expect, it } from 'vitest';
import { hashValue } from './hash.ts';

describe('hashValue', () => {
  it('is stable and ignores key order', () => {
    expect(hashValue({ a: 1, b: [2, 'x'] })).toBe(hashValue({ b: [2, 'x'], a: 1 }));
    expect(hashValue([1])).toMatch(/^[0-9a-f]{16}$/);
  });
  it('tells apart values that JSON would confuse', () => {
    const values = [
      undefined,
      null,
      0,
      -0,
      '0',
      1n,
      '1',
      new Date(0),
      0,
      [undefined],
      [null],
      new Uint8Array([1]),
      [1],
      new Map([[1, 2]]),
      new Set([1, 2]),
      { 1: 2 },
      'ab',
      ['a', 'b'],
    ];
    const hashes = new Set(values.map(hashValue));
    expect(hashes.size).toBe(values.length - 1); // 0 appears twice on purpose
  });
});
