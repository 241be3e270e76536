import { defineConfig } from 'vitest/config';

// One embedded Postgres for the whole test run (test/global-setup.ts); each test file clones its
// own database from a migrated template, so files run in parallel without sharing state.
export default defineConfig({
  test: {
    include: ['bots/**/*.test.ts', 'service/**/*.test.ts', 'test/**/*.test.ts', 'golden_tests/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
