/**
 * The contract between `pnpm bench` and bench modules: every `bench/<name>.ts` (except main.ts)
 * exports `run(): Promise<BenchResult[]>`.
 */

/**
 * One figure. `baseline` is a comparable figure measured in the same run (for example the plain-JS
 * equivalent), so results read as ratios and survive a noisy machine.
 */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  note?: string;
}

/** What a bench module exports. */
export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

/** One module's outcome in a report. */
export interface ModuleReport {
  module: string;
  durationMs: number;
  results: BenchResult[];
  /** Set when the module threw; its results are then empty. */
  error?: string;
}

/** What `pnpm bench` writes to bench/results/. */
export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  node: string;
  platform: string;
  cpus: number;
  /** 1, 5 and 15 minute load averages when the run started and ended. */
  loadBefore: number[];
  loadAfter: number[];
  modules: ModuleReport[];
}
