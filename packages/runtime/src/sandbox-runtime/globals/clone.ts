/**
 * `structuredClone` in plain JavaScript (V8 alone does not provide it): the HTML structured-clone
 * algorithm for the types workflow code handles. Functions, symbols, WeakMaps and class-private
 * state cannot be cloned and throw a `DataCloneError`, as on the web.
 *
 * Sandbox-safe: no Node imports.
 */

const tagOf = (value: object): string => Object.prototype.toString.call(value).slice(8, -1);

function dataCloneError(what: string): Error {
  const error = new Error(`structuredClone: ${what} could not be cloned`);
  error.name = 'DataCloneError';
  return error;
}

const ERROR_TYPES: Record<string, ErrorConstructor> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

function cloneBuffer(buffer: ArrayBuffer, memory: Map<object, unknown>): ArrayBuffer {
  const known = memory.get(buffer);
  if (known !== undefined) return known as ArrayBuffer;
  const copy = buffer.slice(0);
  memory.set(buffer, copy);
  return copy;
}

function cloneValue(value: unknown, memory: Map<object, unknown>): unknown {
  if (typeof value === 'function') throw dataCloneError(`function ${value.name || '(anonymous)'}`);
  if (typeof value === 'symbol') throw dataCloneError(String(value));
  if (typeof value !== 'object' || value === null) return value;
  const known = memory.get(value);
  if (known !== undefined) return known;
  const tag = tagOf(value);
  let copy: unknown;
  switch (tag) {
    case 'Boolean':
    case 'Number':
    case 'String':
    case 'BigInt':
      copy = Object(value.valueOf());
      break;
    case 'Date':
      copy = new Date((value as Date).getTime());
      break;
    case 'RegExp':
      copy = new RegExp((value as RegExp).source, (value as RegExp).flags);
      break;
    case 'ArrayBuffer':
      return cloneBuffer(value as ArrayBuffer, memory);
    case 'DataView': {
      const view = value as DataView;
      copy = new DataView(cloneBuffer(view.buffer as ArrayBuffer, memory), view.byteOffset, view.byteLength);
      break;
    }
    case 'Map': {
      const map = new Map();
      memory.set(value, map);
      for (const [k, v] of value as Map<unknown, unknown>)
        map.set(cloneValue(k, memory), cloneValue(v, memory));
      return map;
    }
    case 'Set': {
      const set = new Set();
      memory.set(value, set);
      for (const v of value as Set<unknown>) set.add(cloneValue(v, memory));
      return set;
    }
    case 'Error': {
      const source = value as Error;
      const name = String(source.name);
      const Ctor = Object.hasOwn(ERROR_TYPES, name) ? ERROR_TYPES[name]! : Error;
      const error = new Ctor(String(source.message));
      memory.set(value, error);
      if (typeof source.stack === 'string') error.stack = source.stack;
      if ('cause' in source) error.cause = cloneValue(source.cause, memory);
      return error;
    }
    case 'Array': {
      const array: unknown[] = new Array((value as unknown[]).length);
      memory.set(value, array);
      for (const key of Object.keys(value)) {
        (array as unknown as Record<string, unknown>)[key] = cloneValue(
          (value as Record<string, unknown>)[key],
          memory,
        );
      }
      return array;
    }
    case 'Object': {
      const object: Record<string, unknown> = {};
      memory.set(value, object);
      for (const key of Object.keys(value)) {
        // Define, not assign: a `__proto__` key must stay data, never re-point the prototype.
        Object.defineProperty(object, key, {
          value: cloneValue((value as Record<string, unknown>)[key], memory),
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
      return object;
    }
    default:
      if (ArrayBuffer.isView(value)) {
        const view = value as unknown as { buffer: ArrayBuffer; byteOffset: number; length: number };
        const Ctor = (
          globalThis as unknown as Record<string, new (b: ArrayBuffer, o: number, l: number) => unknown>
        )[tag];
        if (Ctor === undefined) throw dataCloneError(tag);
        copy = new Ctor(cloneBuffer(view.buffer, memory), view.byteOffset, view.length);
        break;
      }
      throw dataCloneError(`#<${tag}>`);
  }
  memory.set(value, copy);
  return copy;
}

/** Deep-copies `value` with structured-clone semantics (cycles and shared references preserved). */
export function structuredClone<T>(value: T, options?: { transfer?: unknown[] }): T {
  if (options?.transfer !== undefined && options.transfer.length > 0) {
    throw dataCloneError('a transfer list (transferring buffers is not supported in workflow code)');
  }
  return cloneValue(value, new Map()) as T;
}

/** Installs `structuredClone`. */
export function installClone(global: typeof globalThis): void {
  Object.defineProperty(global, 'structuredClone', {
    value: structuredClone,
    writable: true,
    configurable: true,
  });
}
