import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    // Contract suites create their own PostgreSQL databases; two workers keep the
    // 2-core machines busy without starving the database server.
    maxWorkers: 2,
    testTimeout: 30_000,
    // The browser tests serve web/dist: built here when missing or older than its sources.
    globalSetup: ['test/support/build-web-setup.ts'],
    hookTimeout: 60_000,
  },
});
