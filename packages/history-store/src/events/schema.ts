/**
 * A tiny schema language: each schema is both a runtime validator and, through {@link Infer}, the
 * TypeScript type it accepts. History events are defined once with it (see `events.ts`), so the type
 * and the validator can never drift apart.
 */

/** A validator that also carries the type it accepts. */
export interface Schema<T> {
  /** Returns an error message for `value` (with `path` naming where), or `undefined` when it fits. */
  check(value: unknown, path: string): string | undefined;
  /** Phantom field for type inference; never read. */
  readonly __type?: T;
  /** Present on optional fields of an object schema. */
  readonly optional?: true;
}

/** The TypeScript type a schema accepts. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
/** The object type described by a shape: optional schemas become optional properties. */
export type InferShape<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function primitive<T>(name: string, test: (v: unknown) => boolean): Schema<T> {
  return { check: (v, path) => (test(v) ? undefined : `${path}: expected ${name}, got ${describe(v)}`) };
}

/** Any string. */
export const string: Schema<string> = primitive('a string', (v) => typeof v === 'string');
/** A non-empty string. */
export const nonEmptyString: Schema<string> = primitive(
  'a non-empty string',
  (v) => typeof v === 'string' && v.length > 0,
);
/** A finite number. */
export const number: Schema<number> = primitive('a finite number', (v) => Number.isFinite(v));
/** A safe integer. */
export const integer: Schema<number> = primitive('an integer', (v) => Number.isSafeInteger(v));
/** A positive safe integer (event ids, attempts). */
export const positiveInteger: Schema<number> = primitive(
  'a positive integer',
  (v) => Number.isSafeInteger(v) && (v as number) > 0,
);
/** A boolean. */
export const boolean: Schema<boolean> = primitive('a boolean', (v) => typeof v === 'boolean');
/** Any value: user payloads are opaque to the history model. */
export const unknownValue: Schema<unknown> = { check: () => undefined };

/** One of the given string literals. */
export function literal<const L extends readonly string[]>(...values: L): Schema<L[number]> {
  const set = new Set<string>(values);
  return {
    check: (v, path) =>
      typeof v === 'string' && set.has(v) ? undefined : `${path}: expected one of ${values.join(', ')}`,
  };
}

/** An array whose items all fit `item`. */
export function array<T>(item: Schema<T>): Schema<T[]> {
  return {
    check(v, path) {
      if (!Array.isArray(v)) return `${path}: expected an array, got ${describe(v)}`;
      for (let i = 0; i < v.length; i++) {
        const err = item.check(v[i], `${path}[${i}]`);
        if (err) return err;
      }
      return undefined;
    },
  };
}

/** Marks a field of an object schema as optional (absent or `undefined`). */
export function optional<T>(inner: Schema<T>): Schema<T> & { optional: true } {
  return { check: (v, path) => (v === undefined ? undefined : inner.check(v, path)), optional: true };
}

/** A plain object with the given fields; fields not in the shape are kept and not checked. */
export function object<S extends Shape>(shape: S): Schema<InferShape<S>> & { shape: S } {
  const entries = Object.entries(shape);
  return {
    shape,
    check(v, path) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        return `${path}: expected an object, got ${describe(v)}`;
      }
      const rec = v as Record<string, unknown>;
      for (const [key, schema] of entries) {
        const err = schema.check(rec[key], `${path}.${key}`);
        if (err) return err;
      }
      return undefined;
    },
  };
}

/** A lazily resolved schema, for recursive types such as failure causes. */
export function lazy<T>(get: () => Schema<T>): Schema<T> {
  return { check: (v, path) => get().check(v, path) };
}
