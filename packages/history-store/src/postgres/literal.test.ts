import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { bind, literal } from './literal.ts';

const DATABASE_URL = process.env.REPRISE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('SQL literals', () => {
  it('quotes strings so quotes and backslashes cannot end them', () => {
    expect(literal("it's")).toBe("E'it''s'");
    expect(literal('a\\b')).toBe("E'a\\\\b'");
    expect(literal("\\'; DROP TABLE runs; --")).toBe("E'\\\\''; DROP TABLE runs; --'");
  });

  it('parenthesises negative numbers so `-` cannot start a comment', () => {
    expect(bind('SELECT 1-$1', [-1])).toBe('SELECT 1-(-1)');
    expect(bind('SELECT 1-$1', [-5n])).toBe('SELECT 1-(-5)');
    expect(literal(3)).toBe('3');
  });

  it('refuses values it cannot represent', () => {
    expect(() => literal(Number.NaN)).toThrow(/cannot bind/);
    expect(() => literal('a\0b')).toThrow(/NUL/);
    expect(() => bind('SELECT $2', [1])).toThrow(/needs parameter \$2/);
    expect(() => literal(['a\0b'])).toThrow(/NUL/);
    expect(() => literal([Number.POSITIVE_INFINITY])).toThrow(/cannot bind/);
    expect(() => literal([['nested']])).toThrow(/nested array/);
  });

  it('round-trips hostile strings, bytes, numbers and arrays through Postgres', async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const hostile = ["'", "''", '\\', "\\'", '$1', "E'x'", '--', '/*', 'ünï😀', "'; SELECT 1; --"];
      const bytes = new Uint8Array([0, 1, 0x27, 0x5c, 255]);
      const sql = bind('SELECT $1::text[] AS s, $2 AS b, $3::int AS n, 1-$3 AS m', [hostile, bytes, -7]);
      const { rows } = await client.query(sql);
      expect(rows[0].s).toEqual(hostile);
      expect(new Uint8Array(rows[0].b)).toEqual(bytes);
      expect(rows[0].n).toBe(-7);
      expect(rows[0].m).toBe(8);
      const arrays = bind(
        'SELECT $1::bytea[] AS b, $2::bigint[] AS n, $3::boolean[] AS t, $4::text[] AS s, $5::int[] AS e',
        [
          [bytes, null, new Uint8Array()],
          [1, -2, 3n, null],
          [true, false],
          ['{', '}', ',', '"', 'NULL', ' x '],
          [],
        ],
      );
      const { rows: got } = await client.query(arrays);
      expect(got[0].b.map((x: Buffer | null) => x && [...x])).toEqual([[...bytes], null, []]);
      expect(got[0].n).toEqual(['1', '-2', '3', null]);
      expect(got[0].t).toEqual([true, false]);
      expect(got[0].s).toEqual(['{', '}', ',', '"', 'NULL', ' x ']);
      expect(got[0].e).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('round-trips any string, alone and in arrays, and any bytes (property, through Postgres)', async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const str = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((x) => !x.includes('\0'));
      const special = fc.constantFrom("'", '"', '\\', '{', '}', ',', ' ', 'NULL', '$1', '\\x00');
      const piece = fc.oneof(str, special);
      const value = fc.array(piece, { maxLength: 4 }).map((p) => p.join(''));
      await fc.assert(
        fc.asyncProperty(
          value,
          fc.array(fc.option(value), { maxLength: 6 }),
          fc.uint8Array({ maxLength: 16 }),
          async (one, many, bytes) => {
            const { rows } = await client.query(
              bind('SELECT $1::text AS one, $2::text[] AS many, $3::bytea[] AS b', [one, many, [bytes]]),
            );
            expect(rows[0].one).toBe(one);
            expect(rows[0].many).toEqual(many);
            expect([...rows[0].b[0]]).toEqual([...bytes]);
          },
        ),
        { numRuns: 200 },
      );
    } finally {
      await client.end();
    }
  });
});
