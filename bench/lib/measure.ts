/**
 * Timing helpers for bench modules: warm up, then take the median of several samples, each long
 * enough to dwarf timer resolution. Medians, not means, because this machine is shared and a
 * neighbour's burst should cost one sample, not the result.
 */
import { availableParallelism, loadavg } from 'node:os';

/** Options for {@link measure} and {@link measureAsync}. */
export interface MeasureOptions {
  /** Time spent running the function before measuring, so the JIT has settled. Default 300 ms. */
  warmupMs?: number;
  /** Number of timed samples; the median is reported. Default 7. */
  samples?: number;
  /** Minimum duration of one sample; iterations per sample are calibrated to reach it. Default 100 ms. */
  minSampleMs?: number;
}

/** Result of a measurement. */
export interface Measurement {
  /** Median operations per second over the samples. */
  opsPerSecond: number;
  /** Median time per operation, in microseconds. */
  microsPerOp: number;
  /** Operations per second of each sample, in the order taken. */
  samples: number[];
  iterationsPerSample: number;
}

/** Keeps results alive so the JIT cannot drop the work being measured. */
let sink: unknown;
/** Reads the sink (so it is observably used). */
export function sinkValue(): unknown {
  return sink;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarize(samples: number[], iterations: number): Measurement {
  const opsPerSecond = median(samples);
  return { opsPerSecond, microsPerOp: 1e6 / opsPerSecond, samples, iterationsPerSample: iterations };
}

function calibrate(fn: () => unknown, warmupMs: number, minSampleMs: number): number {
  let iterations = 1;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd || iterations === 1) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) sink = fn();
    if (performance.now() - start < minSampleMs / 10) iterations *= 2;
  }
  return iterations * 10;
}

function sample(fn: () => unknown, iterations: number): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) sink = fn();
  return (iterations * 1000) / (performance.now() - start);
}

/**
 * Measures a synchronous function.
 * @example
 * const { opsPerSecond } = measure(() => encodeEvents(events));
 */
export function measure(fn: () => unknown, options: MeasureOptions = {}): Measurement {
  const { warmupMs = 300, samples = 7, minSampleMs = 100 } = options;
  // Warm-up doubles as calibration: grow the batch until one batch takes a tenth of a sample.
  const iterations = calibrate(fn, warmupMs, minSampleMs);
  const rates: number[] = [];
  for (let s = 0; s < samples; s++) rates.push(sample(fn, iterations));
  return summarize(rates, iterations);
}

/**
 * Measures a function and its baseline with their samples interleaved (A, B, A, B, ...), so a burst
 * of load from a neighbour hits both alike and the ratio stays meaningful on a shared machine.
 */
export function measurePair(
  fn: () => unknown,
  baseline: () => unknown,
  options: MeasureOptions = {},
): { subject: Measurement; baseline: Measurement } {
  const { warmupMs = 300, samples = 7, minSampleMs = 100 } = options;
  const a = calibrate(fn, warmupMs, minSampleMs);
  const b = calibrate(baseline, warmupMs, minSampleMs);
  const ra: number[] = [];
  const rb: number[] = [];
  for (let s = 0; s < samples; s++) {
    ra.push(sample(fn, a));
    rb.push(sample(baseline, b));
  }
  return { subject: summarize(ra, a), baseline: summarize(rb, b) };
}

/** Measures an async function, awaiting each call before the next. */
export async function measureAsync(
  fn: () => Promise<unknown>,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const { warmupMs = 300, samples = 7, minSampleMs = 100 } = options;
  let iterations = 1;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd || iterations === 1) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) sink = await fn();
    if (performance.now() - start < minSampleMs / 10) iterations *= 2;
  }
  iterations *= 10;
  const rates: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) sink = await fn();
    rates.push((iterations * 1000) / (performance.now() - start));
  }
  return summarize(rates, iterations);
}

/** True when the 1-minute load average is below the number of cores: figures are trustworthy. */
export function isQuiet(): boolean {
  return loadavg()[0]! < availableParallelism();
}

/**
 * A short note on machine load for a result's `note`, e.g. `load 0.42 on 2 cores (quiet)`. Figures
 * taken while the load exceeds the core count are marked `busy`: compare them by ratio only.
 */
export function loadNote(): string {
  const load = loadavg()[0]!;
  return `load ${load.toFixed(2)} on ${availableParallelism()} cores (${isQuiet() ? 'quiet' : 'busy: read ratios, not absolutes'})`;
}
