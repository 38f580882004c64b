/**
 * Durations as users write them: milliseconds, or strings such as `'30s'`, `'1.5 hours'`, `'7 days'`.
 * Sandbox-safe: no Node imports.
 */

/** Milliseconds, or a number with a unit: ms, s, m, h, d, w (and their long forms). */
export type Duration = number | string;

const UNITS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)?\s*$/;

/**
 * Converts a {@link Duration} to whole milliseconds.
 * @throws TypeError naming the value when it is negative, not finite, or has an unknown unit.
 * @example parseDuration('7 days') // 604800000
 */
export function parseDuration(value: Duration, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`${what}: expected a non-negative number of milliseconds, got ${value}`);
    }
    return Math.round(value);
  }
  const match = typeof value === 'string' ? PATTERN.exec(value) : null;
  const factor = match ? UNITS[(match[2] ?? 'ms').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new TypeError(
      `${what}: cannot read ${JSON.stringify(value)}; use milliseconds or e.g. '30s', '7 days'`,
    );
  }
  return Math.round(Number(match[1]) * factor);
}
