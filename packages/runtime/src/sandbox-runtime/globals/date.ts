/**
 * `Date` inside the sandbox: `Date.now()` and `new Date()` give workflow time, and every local-time
 * method works in UTC whatever time zone the host process has, so text and arithmetic replay alike.
 *
 * Sandbox-safe: no Node imports.
 */
import { currentEnv } from './env.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZONE_TEXT = 'GMT+0000 (Coordinated Universal Time)';

/** ISO date or date-time; group 2 is the `T…` part, group 3 an explicit offset. */
const ISO = /^(?:[+-]\d{6}|\d{4})(?:-\d\d(?:-\d\d)?)?(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?$/i;
/** A zone designator in the legacy (non-ISO) formats V8 accepts. */
const LEGACY_ZONE = /(?:\b(?:GMT|UTC|UT|Z|[ECMP][SD]T)\b|[+-]\d\d:?\d\d\s*(?:\([^)]*\))?\s*$)/i;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const year4 = (y: number): string => (y < 0 ? `-${String(-y).padStart(6, '0')}` : String(y).padStart(4, '0'));

/** Replaces the global `Date` with the workflow-time version and pins local time to UTC. */
export function installDate(global: typeof globalThis): void {
  const OriginalDate = global.Date;
  const proto = OriginalDate.prototype;
  const originalParse = OriginalDate.parse;
  const originalOffset = proto.getTimezoneOffset;
  const getTime = proto.getTime;

  const isDate = (value: unknown): value is Date => {
    try {
      getTime.call(value);
      return true;
    } catch {
      return false;
    }
  };

  /** `Date.parse` with strings that name no zone read as UTC instead of the host's local time. */
  const parseUtc = (input: unknown): number => {
    const text = String(input);
    const parsed = originalParse(text);
    if (Number.isNaN(parsed)) return parsed;
    const iso = ISO.exec(text);
    if (iso !== null) {
      // Date-only forms are UTC by spec; date-time forms without an offset are local time.
      return iso[1] !== undefined && iso[2] === undefined ? originalParse(`${text}Z`) : parsed;
    }
    if (LEGACY_ZONE.test(text)) return parsed;
    const utc = originalParse(`${text} UTC`);
    return Number.isNaN(utc) ? parsed - originalOffset.call(new OriginalDate(parsed)) * 60_000 : utc;
  };

  const toPrimitive = (value: object): unknown => {
    const exotic = (value as { [Symbol.toPrimitive]?: unknown })[Symbol.toPrimitive];
    if (typeof exotic === 'function') return exotic.call(value, 'default');
    for (const key of ['valueOf', 'toString'] as const) {
      const method = (value as Record<string, unknown>)[key];
      if (typeof method === 'function') {
        const result = method.call(value);
        if (typeof result !== 'object' || result === null) return result;
      }
    }
    throw new TypeError('Cannot convert object to primitive value');
  };

  function WorkflowDate(this: unknown, ...args: unknown[]): Date | string {
    if (new.target === undefined) return new OriginalDate(currentEnv('Date()').now()).toString();
    let time: unknown;
    if (args.length === 0) time = currentEnv('new Date()').now();
    else if (args.length === 1) {
      let value = args[0];
      if (typeof value === 'object' && value !== null)
        value = isDate(value) ? getTime.call(value) : toPrimitive(value);
      time = typeof value === 'string' ? parseUtc(value) : value;
    } else {
      time = (OriginalDate.UTC as (...parts: unknown[]) => number)(...args);
    }
    return Reflect.construct(OriginalDate, [time], new.target) as Date;
  }
  WorkflowDate.prototype = proto;
  Object.defineProperty(WorkflowDate, 'name', { value: 'Date' });
  Object.defineProperty(WorkflowDate, 'length', { value: 7 });
  Object.defineProperties(WorkflowDate, {
    now: {
      value: function now(): number {
        return currentEnv('Date.now').now();
      },
      writable: true,
      configurable: true,
    },
    parse: {
      value: function parse(text: unknown): number {
        return parseUtc(text);
      },
      writable: true,
      configurable: true,
    },
    UTC: { value: OriginalDate.UTC, writable: true, configurable: true },
  });
  Object.defineProperty(proto, 'constructor', { value: WorkflowDate, writable: true, configurable: true });

  const redefine = (name: string, fn: unknown): void => {
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
    if (typeof fn === 'function' && !fn.name.startsWith('getUTC') && !fn.name.startsWith('setUTC')) {
      Object.defineProperty(fn, 'name', { value: name });
    }
  };
  // Local-time accessors become their UTC twins: the sandbox's time zone is UTC.
  for (const part of ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds', 'Milliseconds']) {
    redefine(`get${part}`, (proto as unknown as Record<string, unknown>)[`getUTC${part}`]);
    if (part !== 'Day')
      redefine(`set${part}`, (proto as unknown as Record<string, unknown>)[`setUTC${part}`]);
  }
  redefine('getTimezoneOffset', function getTimezoneOffset(this: Date): number {
    return Number.isNaN(getTime.call(this)) ? Number.NaN : 0;
  });
  redefine('getYear', function getYear(this: Date): number {
    return this.getUTCFullYear() - 1900;
  });
  redefine('setYear', function setYear(this: Date, year: number): number {
    const y = Number(year);
    return this.setUTCFullYear(Number.isInteger(y) && y >= 0 && y <= 99 ? 1900 + y : y);
  });
  const dateText = (d: Date): string =>
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${year4(d.getUTCFullYear())}`;
  const timeText = (d: Date): string =>
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${ZONE_TEXT}`;
  redefine('toString', function dateToString(this: Date): string {
    return Number.isNaN(getTime.call(this)) ? 'Invalid Date' : `${dateText(this)} ${timeText(this)}`;
  });
  redefine('toDateString', function toDateString(this: Date): string {
    return Number.isNaN(getTime.call(this)) ? 'Invalid Date' : dateText(this);
  });
  redefine('toTimeString', function toTimeString(this: Date): string {
    return Number.isNaN(getTime.call(this)) ? 'Invalid Date' : timeText(this);
  });
  Object.defineProperty(global, 'Date', { value: WorkflowDate, writable: true, configurable: true });
}
