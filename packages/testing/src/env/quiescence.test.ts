import { describe, expect, it } from 'vitest';
import { Quiescence } from './quiescence.ts';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function withPollers(): Quiescence {
  const q = new Quiescence();
  q.addPoller('workflow:q');
  q.addPoller('activity:q');
  return q;
}

async function emptyClaims(q: Quiescence): Promise<void> {
  await q.claim('workflow:q', async () => []);
  await q.claim('activity:q', async () => []);
}

describe('Quiescence', () => {
  it('is idle only after every poller claimed nothing since the last change', async () => {
    const q = withPollers();
    expect(q.quiet).toBe(true);
    expect(q.idle).toBe(false);
    await q.claim('workflow:q', async () => []);
    expect(q.uncovered()).toEqual(['activity:q']);
    await q.claim('activity:q', async () => []);
    expect(q.idle).toBe(true);
    await q.mutation(async () => undefined);
    expect(q.idle).toBe(false);
    expect(q.uncovered()).toEqual(['workflow:q', 'activity:q']);
  });

  it('is not quiet while a state change is in flight, and an overlapping empty claim proves nothing', async () => {
    const q = withPollers();
    const gate = deferred<void>();
    const signal = q.mutation(() => gate.promise);
    expect(q.quiet).toBe(false);
    await emptyClaims(q);
    gate.resolve();
    await signal;
    expect(q.quiet).toBe(true);
    expect(q.idle).toBe(false);
    await emptyClaims(q);
    expect(q.idle).toBe(true);
  });

  it('holds claimed tasks (a leased workflow task, a running activity) until released', async () => {
    const q = withPollers();
    await q.claim('activity:q', async () => [{ taskId: 'a1' }]);
    await q.claim('workflow:q', async () => []);
    expect(q.quiet).toBe(false);
    q.release('a1');
    expect(q.quiet).toBe(true);
  });

  it('does not count an empty claim that overlapped firing timers that fired something', async () => {
    const q = withPollers();
    const gate = deferred<number>();
    const firing = q.quietMutation(
      () => gate.promise,
      (n) => n > 0,
    );
    const claim = q.claim('workflow:q', async () => []);
    gate.resolve(1);
    await Promise.all([firing, claim]);
    await q.claim('activity:q', async () => []);
    expect(q.uncovered()).toEqual(['workflow:q']);
    // Firing nothing changes nothing.
    await emptyClaims(q);
    await q.quietMutation(
      async () => 0,
      (n) => n > 0,
    );
    expect(q.idle).toBe(true);
  });

  it('keeps activity retries as wake-up times until they are claimed or fall due', async () => {
    const q = withPollers();
    q.retryAt('a1', 5000);
    q.retryAt('a2', 3000);
    expect(q.earliestRetry()).toBe(3000);
    await q.claim('activity:q', async () => [{ taskId: 'a2' }]);
    expect(q.earliestRetry()).toBe(5000);
    expect(q.dropRetriesDue(4000)).toBe(false);
    expect(q.dropRetriesDue(5000)).toBe(true);
    expect(q.earliestRetry()).toBeUndefined();
  });

  it('counts clients waiting for results and tells the skipper when one starts', () => {
    const q = new Quiescence();
    let started = 0;
    q.onResultWait(() => started++);
    const end = q.beginResultWait();
    expect(q.resultWaiters).toBe(1);
    expect(started).toBe(1);
    end();
    end();
    expect(q.resultWaiters).toBe(0);
  });
});
