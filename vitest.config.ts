import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Packages import each other's TypeScript source in tests, so no build is needed to test.
    conditions: ['@wargame/source'],
  },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'packages/*/test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Stray console output from the code under test is a bug: see test/setup.ts.
    setupFiles: ['test/setup.ts'],
  },
});
