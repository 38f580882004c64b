// Placeholder until the deterministic globals land: defines the run-environment slot only.
(globalThis as unknown as Record<string, unknown>).__repriseEnv = { current: undefined };
