/**
 * Binding parameters as SQL literals, so a whole transaction phase (BEGIN, reads, the coalesced
 * writes, NOTIFY, COMMIT) travels in one simple-protocol round trip. This is the only place values
 * enter SQL text: every statement stays a named constant with `$n` placeholders (see sql.ts).
 *
 * Strings use `E'…'` with backslashes doubled, so quoting holds whatever `standard_conforming_strings`
 * says; bytea is hex inside the same form. Numbers must be finite; anything else is a programming
 * error and throws before a byte is sent.
 */

/** A value a placeholder accepts. Arrays become `ARRAY[…]` (the statement supplies the cast). */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array | readonly SqlValue[];

function text(s: string): string {
  if (s.includes('\0')) throw new Error('a SQL string cannot contain NUL (U+0000)');
  return `E'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** One value as a literal. */
export function literal(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return text(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot bind the number ${v} as a SQL literal`);
    // Parenthesised when negative, so `x-$1` can never become the comment `x--1`.
    return v < 0 ? `(${v})` : String(v);
  }
  if (typeof v === 'bigint') return v < 0n ? `(${v})` : v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Uint8Array) {
    // Typed here, not by the statement, so an ARRAY of them is bytea[] without a text[] detour.
    return `E'\\\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}'::bytea`;
  }
  return v.length === 0 ? "'{}'" : `ARRAY[${v.map(literal).join(',')}]`;
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
