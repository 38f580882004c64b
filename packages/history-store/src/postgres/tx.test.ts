import { describe, expect, it } from 'vitest';
import type { SqlClient } from './driver.ts';
import { statements } from './sql.ts';
import { TaskIdSource } from './task-ids.ts';
import { PgTx } from './tx.ts';

/** A connection that records what was awaited (`simple`) and what was only queued (`enqueue`). */
function recorder() {
  const awaited: string[] = [];
  const queued: string[] = [];
  const client: SqlClient = {
    query: async () => ({ rows: [] }),
    exec: async () => undefined,
    simple: async (text) => {
      awaited.push(text);
      return text.split(';\n').map(() => []);
    },
    enqueue: (text) => {
      queued.push(text);
    },
  };
  return { client, awaited, queued };
}

const packer = { payload: () => new Uint8Array(), event: () => new Uint8Array() };

describe('PgTx commit', () => {
  it('a transaction that only read leaves its COMMIT queued: nothing waits for it', async () => {
    const r = recorder();
    const tx = new PgTx(r.client, statements('s'), packer, new TaskIdSource(), 0);
    await tx.q('SELECT 1');
    await tx.commit('ch');
    expect(r.queued).toEqual(['COMMIT']);
    expect(r.awaited.some((t) => t.includes('COMMIT'))).toBe(false);
  });

  it('a write that went out with a read still makes the COMMIT awaited', async () => {
    const r = recorder();
    const tx = new PgTx(r.client, statements('s'), packer, new TaskIdSource(), 0);
    await tx.deleteTask('7');
    await tx.q('SELECT 1');
    await tx.commit('ch');
    expect(r.awaited[0]).toContain('DELETE');
    expect(r.awaited.at(-1)).toMatch(/COMMIT$/);
    expect(r.queued).toEqual([]);
  });
});
