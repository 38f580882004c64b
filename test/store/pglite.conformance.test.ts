import { afterAll, beforeAll } from 'vitest';
import { runStoreConformance } from '../../packages/history-store/src/conformance/index.ts';
import { createPostgresStore, PgliteDriver } from '../../packages/history-store/src/postgres/index.ts';
import { freshSchema, unclosable } from './support.ts';

let driver: PgliteDriver;
beforeAll(async () => {
  driver = await PgliteDriver.open(undefined);
});
afterAll(() => driver.close());

runStoreConformance('pglite', async ({ clock, random }) => ({
  store: createPostgresStore({ driver: unclosable(driver), schema: freshSchema(), clock, random }),
}));
