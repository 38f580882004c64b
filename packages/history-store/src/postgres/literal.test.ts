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
    } finally {
      await client.end();
    }
  });
});
