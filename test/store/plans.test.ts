/**
 * The store's statements are prepared once per connection and planned generically (session.ts). This
 * holds every statement's generic plan to what that design needs: index lookups (or nested loops of
 * them) on the store's tables, never a sequential scan, hash join or merge join, both on a brand-new
 * empty schema (where plans are first made) and on a populated, analyzed one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresStore,
  migrate,
  PgDriver,
  SESSION_SETUP,
  statements,
} from '../../packages/history-store/src/postgres/index.ts';
import { DATABASE_URL, dropSchema, freshSchema, requirePostgres } from './support.ts';

const TABLES = new Set(['runs', 'events', 'tasks', 'requests', 'buffered']);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Nodes of a plan that scan or hash-join a whole store table. */
function badNodes(node: PlanNode): string[] {
  const own: string[] = [];
  const type = node['Node Type'];
  if (type === 'Seq Scan' && TABLES.has(node['Relation Name'] ?? ''))
    own.push(`Seq Scan on ${node['Relation Name']}`);
  if (type === 'Hash Join' || type === 'Merge Join') own.push(type);
  return [...own, ...(node.Plans ?? []).flatMap(badNodes)];
}

/** Every statement with parameters (the ones sent prepared), by name. */
function preparedStatements(schema: string): [string, string][] {
  return Object.entries(statements(schema)).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && e[1].includes('$1'),
  );
}

async function genericPlans(schema: string): Promise<Map<string, string[]>> {
  const driver = new PgDriver({ connectionString: DATABASE_URL, max: 1 });
  try {
    return await driver.withClient(async (c) => {
      for (const s of SESSION_SETUP) await c.query(s);
      const out = new Map<string, string[]>();
      for (const [name, text] of preparedStatements(schema)) {
        const id = `plan_${name.toLowerCase()}`;
        await c.query(`PREPARE ${id} AS ${text}`);
        const { rows } = await c.query(
          'SELECT parameter_types::text[] AS t FROM pg_prepared_statements WHERE name = $1',
          [id],
        );
        // A generic plan does not depend on the values: NULL for scalars, empty arrays for arrays.
        const types = rows[0]!.t as string[];
        const args = types.map((t) => (t.endsWith('[]') ? `'{}'` : 'NULL'));
        const { rows: plan } = await c.query(`EXPLAIN (FORMAT JSON) EXECUTE ${id}(${args.join(', ')})`);
        out.set(name, badNodes((plan[0]!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan));
      }
      await c.query('DEALLOCATE ALL');
      return out;
    });
  } finally {
    await driver.close();
  }
}

beforeAll(requirePostgres);

describe('generic plans of the prepared statements', () => {
  const empty = freshSchema('plans_empty');
  const full = freshSchema('plans_full');
  afterAll(async () => {
    await dropSchema(empty);
    await dropSchema(full);
  });

  it('are index lookups on a brand-new, empty schema', async () => {
    const driver = new PgDriver({ connectionString: DATABASE_URL, max: 1 });
    await driver.withClient((c) => migrate(c, empty));
    await driver.close();
    const plans = await genericPlans(empty);
    expect(plans.size).toBeGreaterThan(40);
    expect(Object.fromEntries([...plans].filter(([, bad]) => bad.length > 0))).toEqual({});
  });

  it('are index lookups on a populated, analyzed schema', async () => {
    const store = createPostgresStore({
      driver: new PgDriver({ connectionString: DATABASE_URL, max: 2 }),
      schema: full,
    });
    await store.init();
    try {
      for (let i = 0; i < 300; i++) {
        await store.startWorkflow({ workflowId: `p-${i}`, workflowType: 't', taskQueue: 'q', input: [i] });
      }
      await store.claimWorkflowTasks({ taskQueue: 'q', owner: 'o', leaseMs: 60_000, max: 50 });
    } finally {
      await store.close();
    }
    const driver = new PgDriver({ connectionString: DATABASE_URL, max: 1 });
    await driver.withClient((c) => c.query(`ANALYZE "${full}".runs, "${full}".events, "${full}".tasks`));
    await driver.close();
    const plans = await genericPlans(full);
    expect(Object.fromEntries([...plans].filter(([, bad]) => bad.length > 0))).toEqual({});
  });
});
