import { describe, expect, it } from 'vitest';
import { cloneRecord } from './clone.ts';

describe('cloneRecord', () => {
  it('deep-copies plain objects and arrays, keeping undefined properties and holes of meaning', () => {
    const src = { a: 1, b: 'x', c: [1, { d: [true, null, undefined] }], e: undefined, f: { g: -0 } };
    const out = cloneRecord(src);
    expect(out).toStrictEqual(src);
    expect(Object.hasOwn(out, 'e')).toBe(true);
    expect(Object.is(out.f.g, -0)).toBe(true);
    out.c.push(2);
    (out.c[1] as { d: unknown[] }).d.push('y');
    out.f.g = 5;
    expect(src.c).toHaveLength(2);
    expect((src.c[1] as { d: unknown[] }).d).toHaveLength(3);
    expect(src.f.g).toBe(-0);
  });

  it('copies Date, Map, Set, typed arrays, bigints and errors with their types, not by reference', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const src = {
      when: new Date(1_700_000_000_000),
      m: new Map([['k', { v: 1 }]]),
      s: new Set([1, 2]),
      bytes,
      big: 2n ** 70n,
      err: new RangeError('boom'),
    };
    const out = cloneRecord(src);
    expect(out.when).toBeInstanceOf(Date);
    expect(out.when.getTime()).toBe(1_700_000_000_000);
    expect(out.when).not.toBe(src.when);
    expect(out.m.get('k')).toEqual({ v: 1 });
    expect(out.m).not.toBe(src.m);
    expect([...out.s]).toEqual([1, 2]);
    expect(out.bytes).toBeInstanceOf(Uint8Array);
    expect([...out.bytes]).toEqual([1, 2, 3]);
    out.bytes[0] = 9;
    expect(bytes[0]).toBe(1);
    expect(out.big).toBe(2n ** 70n);
    expect(out.err).toBeInstanceOf(RangeError);
    expect(out.err.message).toBe('boom');
  });

  it('keeps a "__proto__" key as data and null-prototype objects as such', () => {
    const src = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const out = cloneRecord(src);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'x']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    const bare = Object.assign(Object.create(null), { y: [1] }) as { y: number[] };
    const bareOut = cloneRecord(bare);
    expect(Object.getPrototypeOf(bareOut)).toBe(null);
    expect(bareOut.y).toEqual([1]);
    expect(bareOut.y).not.toBe(bare.y);
  });

  it('returns primitives as they are', () => {
    for (const v of [0, 'a', null, undefined, true, 5n]) expect(cloneRecord(v)).toBe(v);
  });
});
