/**
 * Binding parameters as SQL literals, so a whole transaction phase (BEGIN, reads, the coalesced
 * writes, NOTIFY, COMMIT) travels in one simple-protocol round trip. This is the only place values
 * enter SQL text: every statement stays a named constant with `$n` placeholders (see sql.ts), sent
 * either bound here or as `EXECUTE name(literals)` of a statement prepared on the connection
 * (session.ts).
 *
 * Strings use `E'…'` with backslashes doubled, so quoting holds whatever `standard_conforming_strings`
 * says; bytea is hex inside the same form. Arrays are one array literal (`'{…}'`, parsed by Postgres'
 * array input in one pass instead of one expression per element), typed by the statement's cast or
 * the prepared parameter's type. Numbers must be finite; anything else is a programming error and
 * throws before a byte is sent.
 */

/** A value a placeholder accepts. Arrays become one untyped array literal (the statement casts it). */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array | readonly SqlValue[];

/** Characters that need escaping somewhere below (NUL is refused). Most values have none. */
const SPECIAL = /['"\\\0]/;

function refuseNul(s: string): void {
  if (s.includes('\0')) throw new Error('a SQL string cannot contain NUL (U+0000)');
}

function text(s: string): string {
  if (!SPECIAL.test(s)) return `E'${s}'`;
  refuseNul(s);
  return `E'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

function number(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot bind the number ${v} as a SQL literal`);
  return String(v);
}

const hex = (v: Uint8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');

/** One value as a literal. */
export function literal(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return text(v);
  if (typeof v === 'number') {
    const n = number(v);
    // Parenthesised when negative, so `x-$1` can never become the comment `x--1`.
    return v < 0 ? `(${n})` : n;
  }
  if (typeof v === 'bigint') return v < 0n ? `(${v})` : v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // Typed here, not by the statement, so it reads as bytea wherever it goes.
  if (v instanceof Uint8Array) return `E'\\\\x${hex(v)}'::bytea`;
  // The array's text form inside one E'…' string, each element escaped for both layers at once.
  let out = "E'{";
  for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + element(v[i]!);
  return `${out}}'`;
}

/**
 * One element of an array literal (one dimension), escaped for the array's text form (`\` and `"`
 * inside double quotes) and then for the enclosing `E'…'` string (`\` doubled again, `'` doubled).
 */
function element(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') {
    if (!SPECIAL.test(v)) return `"${v}"`;
    refuseNul(v);
    return `"${v.replaceAll('\\', '\\\\\\\\').replaceAll('"', '\\\\"').replaceAll("'", "''")}"`;
  }
  if (typeof v === 'number') return number(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  // `\x` in the array's text form, each backslash doubled again for E'…'.
  if (v instanceof Uint8Array) return `"\\\\\\\\x${hex(v)}"`;
  throw new Error('cannot bind a nested array as a SQL literal');
}

/**
 * Replaces `$1`, `$2`, … in `statement` by the literals of `params`. Statements hold no other `$`
 * (identifiers are quoted by ident.ts and schema names are checked), so the replacement is exact.
 */
export function bind(statement: string, params: readonly SqlValue[] = []): string {
  return statement.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i >= params.length) throw new Error(`statement needs parameter $${n}, got ${params.length}`);
    return literal(params[i]!);
  });
}
