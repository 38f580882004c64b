/**
 * The run's deterministic PRNG: sfc32 (Small Fast Counting, 128-bit state), seeded from the four words
 * recorded in WorkflowExecutionStarted. `Math.random`, `crypto.getRandomValues` and `uuid4()` all draw
 * from it, so a replay sees the same numbers in the same order.
 *
 * Sandbox-safe: no Node imports.
 */

/** A seeded generator of unsigned 32-bit words. */
export class Sfc32 {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** @param seed four unsigned 32-bit words; missing words count as 0. */
  constructor(seed: readonly number[]) {
    this.#a = (seed[0] ?? 0) >>> 0;
    this.#b = (seed[1] ?? 0) >>> 0;
    this.#c = (seed[2] ?? 0) >>> 0;
    this.#d = (seed[3] ?? 0) >>> 0;
    // Warm-up: mixes the seed so that similar seeds give unrelated streams (the sfc32 reference does 12+).
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** Next unsigned 32-bit word. */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Next number in [0, 1), with 32 bits of randomness (like V8's `Math.random` resolution in practice). */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A version-4 UUID from the generator's next 128 bits. */
export function uuid4From(rng: Sfc32): string {
  const b = new Array<number>(16);
  for (let i = 0; i < 16; i += 4) {
    const w = rng.nextUint32();
    b[i] = w & 0xff;
    b[i + 1] = (w >>> 8) & 0xff;
    b[i + 2] = (w >>> 16) & 0xff;
    b[i + 3] = w >>> 24;
  }
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = (i: number): string => HEX[b[i] as number] as string;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
