import { defineConfig } from 'vitest/config';

// Workspace packages that ship prebuilt JavaScript (`@reprise/runtime/compiler`) also export their
// TypeScript sources under this condition; tests always run the sources. The rest is Vitest's
// default server conditions.
const conditions = ['reprise-source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Builds packages/runtime/dist first, so tests of the prebuilt compiler never see a stale one.
    globalSetup: ['packages/runtime/scripts/vitest-build.ts'],
    // isolated-vm needs V8 started without the Node snapshot.
    execArgv: ['--no-node-snapshot'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
