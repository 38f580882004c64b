/**
 * Pretty JSON for history files: two-space indentation like `JSON.stringify(v, null, 2)`, except that
 * short arrays of plain values (`[1, 2, 3, 4]`) and tags (`{"$date": "2026-01-01T00:00:00.000Z"}`) stay
 * on one line. A 30-event history reads in half the lines, and each line still holds one fact, so
 * diffs stay small. The output is a pure function of the value: the same history, the same bytes.
 */
import type { JsonValue } from './tagged-json.ts';

const LINE_WIDTH = 100;

function isScalar(value: JsonValue): value is null | boolean | number | string {
  return value === null || typeof value !== 'object';
}

/** A value small and flat enough to stay on one line, if it fits. */
function isInlineCandidate(value: JsonValue): boolean {
  if (isScalar(value)) return true;
  if (Array.isArray(value)) return value.every(isScalar);
  const keys = Object.keys(value);
  if (keys.length !== 1 || !keys[0]!.startsWith('$')) return false;
  const body = value[keys[0]!]!;
  return isScalar(body) || (Array.isArray(body) && body.every(isScalar));
}

function inline(value: JsonValue): string {
  if (isScalar(value)) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`)
    .join(', ')}}`;
}

function write(value: JsonValue, indent: string, prefixLength: number): string {
  if (isInlineCandidate(value)) {
    const text = inline(value);
    if (isScalar(value) || prefixLength + text.length <= LINE_WIDTH) return text;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + write(item, inner, inner.length)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, JsonValue>);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item]) => {
    const head = `${inner}${JSON.stringify(key)}: `;
    return head + write(item, inner, head.length);
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** Formats a JSON value as described above, with a final newline. */
export function prettyJson(value: JsonValue): string {
  return `${write(value, '', 0)}\n`;
}
