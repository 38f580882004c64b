/**
 * Formats `console.*` arguments into one log message, like Node's console does for common values,
 * without `util.inspect` (not available in the sandbox).
 *
 * Sandbox-safe: no Node imports.
 */

/** Joins the arguments with spaces; strings as is, errors by stack, other values as JSON. */
export function formatLogArgs(args: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0) out += ' ';
    out += formatValue(args[i]);
  }
  return out;
}

function formatValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
    case 'undefined':
      return String(value);
    case 'function':
      return `[Function ${value.name || '(anonymous)'}]`;
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
      try {
        return (
          JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value)
        );
      } catch {
        return String(value);
      }
  }
}
