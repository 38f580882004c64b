/** Identifier quoting: the one place schema, table and channel names enter SQL text. */

/** Quotes an identifier for SQL (`"my""schema"`). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Checks a schema name the store will create and use; a bad one is a clear error. */
export function checkSchemaName(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,50}$/.test(schema)) {
    throw new Error(
      `invalid schema name '${schema}': use letters, digits and underscores (at most 51), not starting with a digit`,
    );
  }
  return schema;
}

/** The LISTEN/NOTIFY channel of a schema (lower case so LISTEN and pg_notify agree). */
export function channelOf(schema: string): string {
  return `reprise_${schema.toLowerCase()}`;
}

/** Quotes a string literal (standard_conforming_strings, the default since Postgres 9.1). */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('a SQL literal cannot contain NUL');
  return `'${value.replaceAll("'", "''")}'`;
}
