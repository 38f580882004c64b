import { describe, expect, it } from 'vitest';
import { PgDriver } from './driver.ts';
import { preparedName, RoundTrip, SESSION_SETUP, Session } from './session.ts';

const DATABASE_URL = process.env.REPRISE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const STMT = 'SELECT $1::int + 1 AS v, $2::text[] AS a';

describe('RoundTrip and Session', () => {
  it('sets the session up and prepares a statement with its first use, then only executes it', () => {
    const session = new Session();
    const first = new RoundTrip(session);
    const text = first.text({ text: STMT, params: [1, ['x', 'y']] });
    const name = preparedName(STMT);
    expect(text).toBe(`EXECUTE ${name}(1, E'{"x","y"}')`);
    expect(first.head()).toEqual([...SESSION_SETUP, `PREPARE ${name} AS ${STMT}`]);
    first.settle(true);
    const second = new RoundTrip(session);
    expect(second.text({ text: STMT, params: [2, []] })).toBe(`EXECUTE ${name}(2, E'{}')`);
    expect(second.head()).toEqual([]);
  });

  it('starts over (settings, DEALLOCATE ALL, PREPARE again) after a failed round trip', () => {
    const session = new Session();
    const first = new RoundTrip(session);
    first.text({ text: STMT, params: [1, []] });
    first.settle(true);
    session.fail();
    const again = new RoundTrip(session);
    again.text({ text: STMT, params: [1, []] });
    expect(again.head()).toEqual([...SESSION_SETUP, `PREPARE ${preparedName(STMT)} AS ${STMT}`]);
  });

  it('binds one-off texts and texts without a session as literals, preparing nothing', () => {
    const trip = new RoundTrip(new Session());
    expect(trip.text({ text: STMT, params: [1, ['a']], once: true })).toBe(
      `SELECT 1::int + 1 AS v, E'{"a"}'::text[] AS a`,
    );
    expect(trip.head()).toEqual([...SESSION_SETUP]);
    const bare = new RoundTrip(undefined);
    expect(bare.text({ text: STMT, params: [1, []] })).toBe(`SELECT 1::int + 1 AS v, E'{}'::text[] AS a`);
    expect(bare.head()).toEqual([]);
  });

  it('on Postgres, a connection whose round trip failed after preparing keeps working', async () => {
    const driver = new PgDriver({ connectionString: DATABASE_URL, max: 1 });
    try {
      const run = (tail: string[]) =>
        driver.withClient(async (c) => {
          const trip = new RoundTrip(c.session);
          const body = [trip.text({ text: STMT, params: [41, ['a', 'b\'\\"c']] }), ...tail];
          const head = trip.head();
          try {
            const results = await c.simple(['BEGIN', ...head, ...body, 'COMMIT'].join(';\n'));
            trip.settle(true);
            return results[1 + head.length];
          } catch (err) {
            trip.settle(false);
            await c.query('ROLLBACK');
            throw err;
          }
        });
      // PREPARE is not undone by the rollback: preparing again without DEALLOCATE would fail.
      await expect(run(['SELECT 1/0'])).rejects.toThrow(/division by zero/);
      expect(await run([])).toEqual([{ v: 42, a: ['a', 'b\'\\"c'] }]);
      expect(await run([])).toEqual([{ v: 42, a: ['a', 'b\'\\"c'] }]);
    } finally {
      await driver.close();
    }
  });
});
