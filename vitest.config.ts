import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Packages import each other's TypeScript source in tests; only the worker pool and the CLI tests run dist/ (pnpm test builds first).
  // Tests run in vite's SSR environment, which takes its own resolve conditions.
  resolve: { conditions: ['@wargame/source'] },
  ssr: { resolve: { conditions: ['@wargame/source'], externalConditions: ['@wargame/source'] } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'packages/*/test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Stray console output from the code under test is a bug: see test/setup.ts.
    setupFiles: ['test/setup.ts'],
  },
});
