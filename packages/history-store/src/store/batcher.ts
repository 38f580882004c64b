/**
 * Group commit: operations that arrive while the backend's transaction slots are busy are run together
 * in the next transaction, each with its own logic, one after another, and committed once. A lone
 * operation starts at once in its own transaction, so batching adds no latency; under load a commit
 * (and its WAL flush and round trips) is shared by many runs, which is how a Postgres-backed queue
 * gets near the database's row rate instead of its commit rate.
 *
 * Each operation stays atomic (the batch is all-or-nothing, which is stronger). When any operation of
 * a batch throws, the batch rolls back and every operation is re-run alone, so each gets exactly the
 * outcome it would have had by itself and one bad completion never fails its neighbours.
 */
import type { StoreBackend } from './backend.ts';
import type { PrefetchSpec, StoreTx } from './records.ts';

/**
 * What an operation's `run` returns to wait for something outside the transaction (a caller's
 * computation) and then finish in the same transaction. In a batch, every operation runs first, then
 * the batch waits for all the suspended ones at once and resumes them in order, so one operation's
 * wait never runs serially behind another's.
 */
export class Suspended<T> {
  readonly waitFor: Promise<unknown>;
  readonly resume: (tx: StoreTx, value: unknown) => Promise<T>;
  constructor(waitFor: Promise<unknown>, resume: (tx: StoreTx, value: unknown) => Promise<T>) {
    this.waitFor = waitFor;
    this.resume = resume;
  }
}

/** One operation: what it will lock and read, and its logic. */
export interface StoreOp<T> {
  prefetch?: PrefetchSpec;
  run(tx: StoreTx): Promise<T | Suspended<T>>;
  /** Run alone, never batched (long scans, operations that lock in their own order). */
  alone?: boolean;
}

interface Queued {
  op: StoreOp<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Runs {@link StoreOp}s on a backend, batching them when the backend allows it. */
export class Batcher {
  readonly #b: StoreBackend;
  readonly #maxOps: number;
  readonly #maxConcurrent: number;
  #queue: Queued[] = [];
  #running = 0;

  constructor(backend: StoreBackend) {
    this.#b = backend;
    this.#maxOps = Math.max(1, backend.batching?.maxOps ?? 1);
    this.#maxConcurrent = Math.max(1, backend.batching?.maxConcurrent ?? 1);
  }

  /** Runs `op` in a transaction, possibly shared with other operations; resolves after commit. */
  run<T>(op: StoreOp<T>): Promise<T> {
    if (this.#maxOps === 1 && this.#maxConcurrent === 1) return this.#alone(op);
    if (op.alone) return this.#alone(op);
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#running < this.#maxConcurrent && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxOps);
      this.#running++;
      void this.#runBatch(batch).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  async #runBatch(batch: Queued[]): Promise<void> {
    if (batch.length === 1) {
      const [q] = batch as [Queued];
      await this.#alone(q.op).then(q.resolve, q.reject);
      return;
    }
    let results: unknown[];
    try {
      results = await this.#b.transaction(async (tx) => {
        await tx.prefetch?.(mergeSpecs(batch.map((q) => q.op.prefetch)));
        const out: unknown[] = [];
        for (const q of batch) out.push(await q.op.run(tx));
        const waiting = out.flatMap((r, i) => (r instanceof Suspended ? [i] : []));
        if (waiting.length > 0) {
          const values = await Promise.all(waiting.map((i) => (out[i] as Suspended<unknown>).waitFor));
          for (const [k, i] of waiting.entries())
            out[i] = await (out[i] as Suspended<unknown>).resume(tx, values[k]);
        }
        return out;
      });
    } catch {
      // Someone's operation failed (or the batch could not commit): give each its own transaction.
      await Promise.all(batch.map((q) => this.#alone(q.op).then(q.resolve, q.reject)));
      return;
    }
    batch.forEach((q, i) => {
      q.resolve(results[i]);
    });
  }

  #alone<T>(op: StoreOp<T>): Promise<T> {
    return this.#b.transaction(async (tx) => {
      if (op.prefetch) await tx.prefetch?.(op.prefetch);
      const r = await op.run(tx);
      return r instanceof Suspended ? r.resume(tx, await r.waitFor) : r;
    });
  }
}

function mergeSpecs(specs: (PrefetchSpec | undefined)[]): PrefetchSpec {
  const out: Required<PrefetchSpec> = {
    tasks: [],
    runs: [],
    latest: [],
    children: [],
    requests: [],
    histories: [],
    claims: [],
  };
  for (const s of specs) {
    if (!s) continue;
    out.tasks.push(...(s.tasks ?? []));
    out.runs.push(...(s.runs ?? []));
    out.latest.push(...(s.latest ?? []));
    out.children.push(...(s.children ?? []));
    out.requests.push(...(s.requests ?? []));
    out.claims.push(...(s.claims ?? []));
    out.histories.push(...(s.histories ?? []));
  }
  return out;
}
