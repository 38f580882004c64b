/**
 * Task ids handed out in blocks from the table's identity sequence, so an insert knows its id without
 * a RETURNING round trip (writes are sent later, coalesced). Ids stay unique across processes
 * (`nextval` never repeats); they are not in insertion order across processes, which nothing needs.
 */

/** How many ids one refill takes. */
const BLOCK = 256;

/** A shared pool of reserved task ids. */
export class TaskIdSource {
  #free: string[] = [];

  /** The next id; `fetch(n)` reserves `n` more on the caller's connection when the pool is empty. */
  async next(fetch: (n: number) => Promise<Record<string, unknown>[]>): Promise<string> {
    for (;;) {
      const id = this.#free.pop();
      if (id !== undefined) return id;
      const rows = await fetch(BLOCK);
      // Reversed so pop() hands ids out in ascending order.
      this.#free.push(...rows.map((r) => String(r.id)).reverse());
    }
  }
}
