/**
 * `Math.random` and `crypto` drawing from the run's seeded PRNG (`RunEnv.random`), so the same run
 * draws the same numbers on every replay.
 *
 * Sandbox-safe: no Node imports.
 */
import { currentEnv } from './env.ts';
import { forbiddenFunction } from './errors.ts';

/** Web Crypto's limit on one `getRandomValues` call. */
const MAX_RANDOM_BYTES = 65_536;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

type IntegerArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

const INTEGER_ARRAYS = new Set([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
]);
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  Symbol.toStringTag,
)!.get!;

function fillRandom(bytes: Uint8Array, global: string): void {
  const env = currentEnv(global);
  let word = 0;
  for (let i = 0; i < bytes.length; i++) {
    if ((i & 3) === 0) word = Math.floor(env.random() * 4_294_967_296) >>> 0;
    bytes[i] = word & 0xff;
    word >>>= 8;
  }
}

/** `crypto.getRandomValues` over the run's PRNG, with Web Crypto's argument checks. */
export function getRandomValues<T extends IntegerArray>(array: T): T {
  const tag = typedArrayTag.call(array) as string | undefined;
  if (tag === undefined || !INTEGER_ARRAYS.has(tag)) {
    throw new TypeError(
      'crypto.getRandomValues: the argument must be an integer-typed array (e.g. Uint8Array)',
    );
  }
  if (array.byteLength > MAX_RANDOM_BYTES) {
    const error = new Error(
      `crypto.getRandomValues: ${array.byteLength} bytes requested, at most ${MAX_RANDOM_BYTES} per call`,
    );
    error.name = 'QuotaExceededError';
    throw error;
  }
  fillRandom(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), 'crypto.getRandomValues');
  return array;
}

/** `crypto.randomUUID`: an RFC 9562 version 4 UUID from the run's PRNG. */
export function randomUUID(): `${string}-${string}-${string}-${string}-${string}` {
  const b = new Uint8Array(16);
  fillRandom(b, 'crypto.randomUUID');
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = (i: number): string => HEX[b[i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

/** Installs `Math.random` and a `crypto` object with `getRandomValues` and `randomUUID` only. */
export function installRandom(global: typeof globalThis): void {
  Object.defineProperty(global.Math, 'random', {
    value: function random(): number {
      return currentEnv('Math.random').random();
    },
    writable: true,
    configurable: true,
  });
  const crypto = Object.create(null) as Record<string, unknown>;
  crypto.getRandomValues = getRandomValues;
  crypto.randomUUID = randomUUID;
  // Key generation, signing and hashing are I/O-free but asynchronous and host-backed: use an activity.
  Object.defineProperty(crypto, 'subtle', {
    get: forbiddenFunction(
      'crypto.subtle',
      'Web Crypto keys and digests are not part of the sandbox; compute them in an activity',
    ),
    enumerable: true,
  });
  Object.defineProperty(crypto, Symbol.toStringTag, { value: 'Crypto' });
  Object.defineProperty(global, 'crypto', { value: crypto, writable: true, configurable: true });
}
