import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.ts';
import { pollLoop, Waker } from './poller.ts';
import { Slots } from './slots.ts';

/** A store-like notifier: `wait` registers at once (as the stores do), `notify` wakes every waiter. */
function notifier() {
  const waiters = new Set<() => void>();
  let waits = 0;
  return {
    get waits() {
      return waits;
    },
    wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
      waits++;
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          waiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, timeoutMs);
        signal.addEventListener('abort', done, { once: true });
        waiters.add(done);
      });
    },
    notify() {
      for (const w of [...waiters]) w();
    },
  };
}

describe('Waker', () => {
  it('keeps a notification that arrives between arming and awaiting', async () => {
    const n = notifier();
    const waker = new Waker((ms, s) => n.wait(ms, s), 60_000);
    const armed = waker.arm(new AbortController().signal);
    n.notify(); // e.g. while the claim is in flight
    const first = await Promise.race([
      armed.woke.then(() => 'woke'),
      new Promise((r) => setTimeout(r, 5000, 'interval')),
    ]);
    expect(first).toBe('woke');
  });

  it('poke ends an armed wait; cancel releases it', async () => {
    const n = notifier();
    const waker = new Waker((ms, s) => n.wait(ms, s), 60_000);
    const stop = new AbortController();
    const a = waker.arm(stop.signal);
    waker.poke();
    await a.woke;
    const b = waker.arm(stop.signal);
    b.cancel();
    await b.woke;
    const c = waker.arm(stop.signal);
    stop.abort();
    await c.woke;
  });
});

describe('pollLoop', () => {
  it('claims again at once after a full batch and waits after a short one', async () => {
    const n = notifier();
    const waker = new Waker((ms, s) => n.wait(ms, s), 60_000);
    const stop = new AbortController();
    const queue = Array.from({ length: 7 }, (_, i) => i);
    const claims: number[] = [];
    const handled: number[] = [];
    const loop = pollLoop<number>({
      kind: 'test',
      slots: new Slots(3),
      maxBatch: 3,
      claim: async (max) => {
        const got = queue.splice(0, max);
        claims.push(got.length);
        return got;
      },
      handle: async (t) => {
        handled.push(t);
      },
      waker,
      logger: silentLogger,
      stop: stop.signal,
    });
    while (handled.length < 7) await new Promise((r) => setTimeout(r, 5));
    // 3 + 3 full batches, then 1 (short): the loop now waits for a notification.
    await new Promise((r) => setTimeout(r, 20));
    expect(claims).toEqual([3, 3, 1]);
    queue.push(7);
    n.notify();
    while (handled.length < 8) await new Promise((r) => setTimeout(r, 5));
    expect(claims).toEqual([3, 3, 1, 1]);
    stop.abort();
    await loop;
  });

  it('releases the slots of a failed claim and keeps going', async () => {
    const n = notifier();
    const waker = new Waker((ms, s) => n.wait(ms, s), 60_000);
    const stop = new AbortController();
    const slots = new Slots(2);
    let calls = 0;
    const loop = pollLoop<number>({
      kind: 'test',
      slots,
      maxBatch: 2,
      claim: async () => {
        calls++;
        if (calls === 1) throw new Error('connection lost');
        return [];
      },
      handle: async () => undefined,
      waker,
      logger: silentLogger,
      stop: stop.signal,
    });
    while (calls < 2) await new Promise((r) => setTimeout(r, 10));
    expect(slots.free).toBe(2);
    stop.abort();
    await loop;
  });
});
