import { runStoreConformance } from '../conformance/suite.ts';
import { createMemoryStore } from './index.ts';

runStoreConformance('memory', async ({ clock, random }) => ({ store: createMemoryStore({ clock, random }) }));
