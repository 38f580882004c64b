/**
 * One locale (`en-US`) and one time zone (UTC) for every locale-sensitive API, so `Intl` and the
 * `toLocale*` methods print the same text on every host, whatever its `LANG` or `TZ`.
 *
 * Sandbox-safe: no Node imports.
 */
import { currentEnv } from './env.ts';

/** The sandbox's only default locale. */
export const SANDBOX_LOCALE = 'en-US';
/** The sandbox's time zone. */
export const SANDBOX_TIME_ZONE = 'UTC';

type Ctor = new (...args: unknown[]) => object;

const locales = (value: unknown): unknown =>
  value === undefined || (Array.isArray(value) && value.length === 0) ? SANDBOX_LOCALE : value;

/** Options with `timeZone: 'UTC'` unless the caller chose one; inherited options still read through. */
const withZone = (options: unknown): unknown => {
  if (options === undefined) return { timeZone: SANDBOX_TIME_ZONE };
  if (typeof options !== 'object' || options === null) return options;
  if ((options as { timeZone?: unknown }).timeZone !== undefined) return options;
  return Object.create(options, { timeZone: { value: SANDBOX_TIME_ZONE, enumerable: true } });
};

function wrapConstructor(intl: Record<string, unknown>, name: string, zoned: boolean): void {
  const Original = intl[name] as Ctor | undefined;
  if (typeof Original !== 'function') return;
  const fix = (args: unknown[]): unknown[] => [locales(args[0]), zoned ? withZone(args[1]) : args[1]];
  const Wrapped = function (this: unknown, ...args: unknown[]): object {
    // Collator, NumberFormat and DateTimeFormat may be called without `new`; the rest throw, as before.
    if (new.target === undefined) return (Original as unknown as (...a: unknown[]) => object)(...fix(args));
    return Reflect.construct(Original, fix(args), new.target) as object;
  };
  Object.defineProperty(Wrapped, 'name', { value: name });
  Object.defineProperty(Wrapped, 'length', { value: Original.length });
  Wrapped.prototype = Original.prototype;
  Object.defineProperty(Original.prototype, 'constructor', {
    value: Wrapped,
    writable: true,
    configurable: true,
  });
  const supported = (Original as unknown as { supportedLocalesOf?: unknown }).supportedLocalesOf;
  if (supported !== undefined) {
    Object.defineProperty(Wrapped, 'supportedLocalesOf', {
      value: supported,
      writable: true,
      configurable: true,
    });
  }
  Object.defineProperty(intl, name, { value: Wrapped, writable: true, configurable: true });
}

function redefine(target: object, name: string, fn: (...args: never[]) => unknown): void {
  Object.defineProperty(target, name, { value: fn, writable: true, configurable: true });
}

/** Pins the defaults of `Intl` and of every `toLocale*`/`localeCompare` method. */
export function installIntl(global: typeof globalThis): void {
  const intl = global.Intl as unknown as Record<string, unknown>;
  const dateProto = global.Date.prototype;
  const dateToLocaleString = dateProto.toLocaleString;
  const toLocaleDateString = dateProto.toLocaleDateString;
  const toLocaleTimeString = dateProto.toLocaleTimeString;
  const numberToLocale = Number.prototype.toLocaleString;
  const bigintToLocale = BigInt.prototype.toLocaleString;
  const localeCompare = String.prototype.localeCompare;
  const toLocaleUpper = String.prototype.toLocaleUpperCase;
  const toLocaleLower = String.prototype.toLocaleLowerCase;

  // `format()` and `formatToParts()` without a date mean "now": make that workflow time.
  const dtfProto = (intl.DateTimeFormat as Ctor).prototype as Record<string, unknown>;
  const formatGetter = Object.getOwnPropertyDescriptor(dtfProto, 'format')?.get;
  const formatToParts = dtfProto.formatToParts as (this: object, date?: unknown) => unknown;
  if (formatGetter !== undefined) {
    Object.defineProperty(dtfProto, 'format', {
      configurable: true,
      get(this: object) {
        const bound = formatGetter.call(this) as (date?: unknown) => string;
        return (date?: unknown): string =>
          bound(date === undefined ? currentEnv('Intl.DateTimeFormat.format').now() : date);
      },
    });
  }
  redefine(dtfProto, 'formatToParts', function formatToPartsAt(this: object, date?: unknown) {
    return formatToParts.call(
      this,
      date === undefined ? currentEnv('Intl.DateTimeFormat.formatToParts').now() : date,
    );
  });
  Object.defineProperty(dtfProto.formatToParts, 'name', { value: 'formatToParts' });

  wrapConstructor(intl, 'DateTimeFormat', true);
  for (const name of [
    'Collator',
    'NumberFormat',
    'PluralRules',
    'RelativeTimeFormat',
    'ListFormat',
    'DisplayNames',
    'Segmenter',
    'DurationFormat',
  ]) {
    wrapConstructor(intl, name, false);
  }

  redefine(dateProto, 'toLocaleString', function toLocaleStringUtc(this: Date, l?: unknown, o?: unknown) {
    return dateToLocaleString.call(this, locales(l) as string, withZone(o) as Intl.DateTimeFormatOptions);
  });
  redefine(
    dateProto,
    'toLocaleDateString',
    function toLocaleDateStringUtc(this: Date, l?: unknown, o?: unknown) {
      return toLocaleDateString.call(this, locales(l) as string, withZone(o) as Intl.DateTimeFormatOptions);
    },
  );
  redefine(
    dateProto,
    'toLocaleTimeString',
    function toLocaleTimeStringUtc(this: Date, l?: unknown, o?: unknown) {
      return toLocaleTimeString.call(this, locales(l) as string, withZone(o) as Intl.DateTimeFormatOptions);
    },
  );
  redefine(
    Number.prototype,
    'toLocaleString',
    function toLocaleStringEn(this: number, l?: unknown, o?: unknown) {
      return numberToLocale.call(this, locales(l) as string, o as Intl.NumberFormatOptions);
    },
  );
  redefine(
    BigInt.prototype,
    'toLocaleString',
    function toLocaleStringEn(this: bigint, l?: unknown, o?: unknown) {
      return bigintToLocale.call(this, locales(l) as string, o as BigIntToLocaleStringOptions);
    },
  );
  redefine(
    String.prototype,
    'localeCompare',
    function localeCompareEn(this: string, that: string, l?: unknown, o?: unknown) {
      return localeCompare.call(this, that, locales(l) as string, o as Intl.CollatorOptions);
    },
  );
  redefine(String.prototype, 'toLocaleUpperCase', function toLocaleUpperCaseEn(this: string, l?: unknown) {
    return toLocaleUpper.call(this, locales(l) as string);
  });
  redefine(String.prototype, 'toLocaleLowerCase', function toLocaleLowerCaseEn(this: string, l?: unknown) {
    return toLocaleLower.call(this, locales(l) as string);
  });
  for (const [proto, name] of [
    [dateProto, 'toLocaleString'],
    [dateProto, 'toLocaleDateString'],
    [dateProto, 'toLocaleTimeString'],
    [Number.prototype, 'toLocaleString'],
    [BigInt.prototype, 'toLocaleString'],
    [String.prototype, 'localeCompare'],
    [String.prototype, 'toLocaleUpperCase'],
    [String.prototype, 'toLocaleLowerCase'],
  ] as const) {
    Object.defineProperty((proto as unknown as Record<string, object>)[name], 'name', { value: name });
  }
}
